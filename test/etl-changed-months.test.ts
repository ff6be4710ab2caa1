// What each load changed, in months (etl/load/changes.ts, refresh.ts): recorded
// per file and per batch, shown by `etl history`, and what decides between an
// incremental and a full rebuild of the models; for rows replaced by identity,
// the persons and households too (up to PERSONS_LIMIT).
import { appendFile, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindByNumber, KINDS } from '../etl/formats/kinds.ts';
import { runLoad, type LoadOptions, type LoadReport } from '../etl/load/batch.ts';
import { MONTH_RULES, PERSONS_LIMIT, type FileChanges } from '../etl/load/changes.ts';
import { changedPersons, monthsBetween } from '../etl/load/refresh.ts';
import { idCheckChar } from '../etl/formats/id-number.ts';
import { relationsToAnalyze } from '../etl/load/statistics.ts';
import { formatBatch } from '../etl/history/format.ts';
import { getBatch } from '../etl/history/query.ts';
import { pid, REGIONS, VIL_A1, VIL_A2, VIL_B1, writeSmallCity } from './fixtures/small-city.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let root: string;
let city: string;
/** A dbt project without models: the months are recorded whatever the models do. */
let noModels: string;

const load = (paths: string[], options: Partial<LoadOptions> = {}) =>
  runLoad(db.pool, paths, { runBy: 'test', projectDir: noModels, refreshRollups: false, ...options });

let dirs = 0;
async function dirWith(files: Record<string, string | Buffer>): Promise<string> {
  const dir = path.join(root, `case-${++dirs}`);
  await mkdir(dir);
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  return dir;
}

const changesOf = (report: LoadReport, name: string) => report.files.find((f) => f.name === name)!.changes;

const PAYMENT_HEADERS = '发放批次,所属月份,家庭编号,身份证号,救助类别,发放金额,发放日期,发放方式';
const payment = (batch: string, month: string, n: number) => `${batch},${month},JT${n},${pid(n)},城市低保,650.00,${month}-08,银行卡`;

const ROSTER_HEADERS = ['统计月份', '家庭编号', '身份证号', '姓名', '与户主关系', '区划代码', '救助类别', '供养方式', '护理等级', '纳入日期', '月救助金额'];

beforeAll(async () => {
  db = await createTestDatabase();
  root = await mkdtemp(path.join(os.tmpdir(), 'etl-changed-months-'));
  noModels = path.join(root, 'no-models');
  await mkdir(path.join(noModels, 'models'), { recursive: true });
  await writeFile(path.join(noModels, 'dbt_project.yml'), "name: none\nversion: '1.0.0'\nconfig-version: 2\nprofile: none\nmodel-paths: [\"models\"]\n");
  city = path.join(root, 'city');
  await writeSmallCity(city);
});

afterAll(async () => {
  await db?.drop();
  await rm(root, { recursive: true, force: true });
});

describe('months changed by a load', () => {
  it('declares how every kind places its rows in months', () => {
    for (const spec of KINDS) {
      const rule = MONTH_RULES[spec.table];
      expect(rule, spec.table).toBeDefined();
      if (rule && 'columns' in rule) for (const c of rule.columns) expect(spec.columns.map((s) => s.column), `${spec.table}.${c}`).toContain(c);
    }
    expect(monthsBetween('2024-11-01', '2025-02-01')).toEqual(['2024-11-01', '2024-12-01', '2025-01-01', '2025-02-01']);
  });

  it('the first load rebuilds in full; a new export of a month changes that month only', async () => {
    const first = await load([city]);
    expect(first.refresh?.full).toBe('首次构建模型');
    expect(changesOf(first, 'low-income-202502.csv')).toEqual({ months: ['2025-02-01'], unbounded: null, carriesForward: false });
    // a replaced month names no persons: every person of it
    expect(changesOf(first, 'low-income-202502.csv')!.persons).toBeUndefined();
    // applications: the months of 受理日期 and 办结日期 of every new row
    expect(changesOf(first, 'applications.csv')!.months).toEqual(['2025-01-01', '2025-02-01', '2025-03-01']);

    // the same month again (a blank line more, so it is not skipped as loaded before)
    const again = path.join(await dirWith({}), 'low-income-202503.csv');
    await copyFile(path.join(city, 'low-income-202503.csv'), again);
    await appendFile(again, '\r\n');
    const report = await load([again]);
    expect(changesOf(report, 'low-income-202503.csv')!.months).toEqual(['2025-03-01']);
    expect(report.refresh).toEqual({ full: null, months: ['2025-03-01'] });
    const stored = await db.pool.query(`select changed_months::text[] as m, full_refresh from etl.batches where batch_id = $1`, [report.batchId]);
    expect(stored.rows[0]).toEqual({ m: ['2025-03-01'], full_refresh: null });

    // planner statistics: the replaced partition only, once the table has its own; the whole table on a full rebuild
    const partitions = report.files[0]!.partitions!;
    expect(partitions).toEqual(['raw.low_income_roster_p20250301']);
    const client = await db.pool.connect();
    try {
      const loaded = [{ spec: kindByNumber(4), partitions }, { spec: kindByNumber(6), partitions: [] }];
      expect(await relationsToAnalyze(client, loaded, false)).toEqual(['raw.low_income_roster_p20250301', 'raw.temp_relief']);
      expect(await relationsToAnalyze(client, loaded, true)).toEqual(['raw.low_income_roster', 'raw.temp_relief']);
    } finally {
      client.release();
    }
  });

  it('a payments batch changes the benefit months of its old rows and of its new rows', async () => {
    const first = await load([await dirWith({ 'payments.csv': [PAYMENT_HEADERS, payment('FF202501', '2024-12', 1), payment('FF202501', '2025-01', 4)].join('\n') + '\n' })]);
    expect(changesOf(first, 'payments.csv')!.months).toEqual(['2024-12-01', '2025-01-01']);
    // the batch again: December's row is gone, February's is new
    const second = await load([await dirWith({ 'payments.csv': [PAYMENT_HEADERS, payment('FF202501', '2025-01', 4), payment('FF202501', '2025-02', 6)].join('\n') + '\n' })]);
    expect(changesOf(second, 'payments.csv')!.months).toEqual(['2024-12-01', '2025-01-01', '2025-02-01']);
    expect(second.refresh).toEqual({ full: null, months: ['2024-12-01', '2025-01-01', '2025-02-01'] });
  });

  it('a correction workbook changes the months of the rows it replaces and adds, nothing else', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('低保特困在册人员');
    ws.addRow([...ROSTER_HEADERS, '错误说明', '补正来源']);
    // January: person 1's amount corrected; March: person 9 added
    ws.addRow(['2025-01', 'JT1', pid(1), '在册1', '本人', VIL_A1, '城市低保', '', '', '2024-01-01', '700.00', '月救助金额：…', '批次 1 / roster-202501.csv / 第 2 行']);
    ws.addRow(['2025-03', 'JT9', pid(9), '在册9', '本人', VIL_B1, '农村低保', '', '', '2024-01-01', '650.00', '身份证号：…', '批次 1 / roster-202503.csv / 第 6 行']);
    // February: person 1 as loaded, unchanged
    ws.addRow(['2025-02', 'JT1', pid(1), '在册1', '本人', VIL_A1, '城市低保', '', '', '2024-01-01', '650.00', '', '批次 1 / roster-202502.csv / 第 2 行']);
    const dir = await dirWith({});
    await wb.xlsx.writeFile(path.join(dir, '补正.xlsx'));
    const report = await load([dir]);
    const file = report.files.find((f) => f.kind === 3)!;
    expect(file.rowsLoaded).toBe(3);
    expect(file.changes!.months).toEqual(['2025-01-01', '2025-03-01']);
    // the persons and households of the rows replaced and added; February's identical row names nobody
    expect(file.changes!.persons).toEqual([pid(1), pid(9)]);
    expect(file.changes!.households).toEqual(['JT1', 'JT9']);
    expect(report.refresh).toEqual({ full: null, months: ['2025-01-01', '2025-03-01'], persons: [pid(1), pid(9)], households: ['JT1', 'JT9'] });
    const stored = await db.pool.query(
      `select f.changed_persons as file, b.changed_persons as batch from etl.batch_files f join etl.batches b using (batch_id) where f.batch_id = $1 and f.kind = 3`,
      [report.batchId],
    );
    expect(stored.rows).toEqual([{ file: [pid(1), pid(9)], batch: [pid(1), pid(9)] }]);
  });

  it('a correction of more persons than the limit names none: every person of its months', async () => {
    // ID numbers of persons 1000 … 1000 + PERSONS_LIMIT, born on different days
    const many = (n: number) => {
      const body = `9901011980${String(1 + Math.floor(n / 1000)).padStart(2, '0')}15${String(n % 1000).padStart(3, '0')}`;
      return body + idCheckChar(body);
    };
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('低保特困在册人员');
    ws.addRow([...ROSTER_HEADERS, '错误说明', '补正来源']);
    for (let n = 1000; n <= 1000 + PERSONS_LIMIT; n++) {
      ws.addRow(['2025-02', `JT${n}`, many(n), `在册${n}`, '本人', VIL_A1, '城市低保', '', '', '2024-01-01', '650.00', '身份证号：…', `批次 1 / roster-202502.csv / 第 ${n} 行`]);
    }
    const dir = await dirWith({});
    await wb.xlsx.writeFile(path.join(dir, '补正-多人.xlsx'));
    const report = await load([dir]);
    const file = report.files.find((f) => f.kind === 3)!;
    expect(file.rowsLoaded).toBe(PERSONS_LIMIT + 1);
    expect(file.changes).toEqual({ months: ['2025-02-01'], unbounded: null, carriesForward: false });
    expect(file.changes!.persons).toBeUndefined();
    expect(report.refresh).toEqual({ full: null, months: ['2025-02-01'] });
    const stored = await db.pool.query(`select changed_persons from etl.batch_files where batch_id = $1`, [report.batchId]);
    expect(stored.rows).toEqual([{ changed_persons: null }]);
  });

  it('a correction of a snapshot names its persons, unless it brings a snapshot of a new date (in force for everyone)', async () => {
    const correction = async (date: string) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('脱贫人口和防返贫监测对象');
      ws.addRow(['数据日期', '户编号', '身份证号', '姓名', '区划代码', '人员类型', '风险是否消除', '错误说明', '补正来源']);
      // person 3 moves to household H1
      ws.addRow([date, 'H1', pid(3), '脱贫3', VIL_A2, '脱贫人口', '', '户编号：…', '批次 1 / alleviated.csv / 第 4 行']);
      const dir = await dirWith({});
      await wb.xlsx.writeFile(path.join(dir, `补正-脱贫-${date}.xlsx`));
      return (await load([dir])).files[0]!.changes!;
    };
    const existing = await correction('2025-03-31');
    expect(existing).toMatchObject({ months: ['2025-03-01'], carriesForward: true, persons: [pid(3)], households: ['H1', 'H2'] });
    const fresh = await correction('2025-02-28');
    expect(fresh.months).toEqual(['2025-02-01']);
    expect(fresh.persons).toBeUndefined();
  });

  it('a load keeps to persons only when every changed file names them, within the limit', () => {
    const named = (months: string[], persons: string[], households: string[] = []): FileChanges => ({ months, unbounded: null, carriesForward: false, persons, households });
    const monthly: FileChanges = { months: ['2025-03-01'], unbounded: null, carriesForward: false };
    expect(changedPersons([named(['2025-01-01'], ['B', 'A'], ['H1']), named(['2025-02-01'], ['C', 'A'])])).toEqual({ persons: ['A', 'B', 'C'], households: ['H1'] });
    // a file that changed nothing does not matter; a monthly file (a partition replaced) unbounds the load
    expect(changedPersons([named(['2025-01-01'], ['A']), { ...monthly, months: [] }])).toEqual({ persons: ['A'], households: [] });
    expect(changedPersons([named(['2025-01-01'], ['A']), monthly])).toEqual({});
    expect(changedPersons([])).toEqual({});
    // two files within the limit each, over it together
    const half = (from: number) => Array.from({ length: PERSONS_LIMIT / 2 + 1 }, (_, i) => `P${from + i}`);
    expect(changedPersons([named(['2025-01-01'], half(0)), named(['2025-01-01'], half(PERSONS_LIMIT))])).toEqual({});
  });

  it('keyed kinds: only rows whose values differ count, with their old and new months', async () => {
    const original = await readFile(path.join(city, 'applications.csv'), 'utf8');
    // SQ-10 (accepted 2025-03-20, 办理中) is decided in April; every other row as loaded
    const decided = original.replace('办理中,SQ-10,', '批准,SQ-10,').replace(',2025-03-20,\r\n', ',2025-03-20,2025-04-02\r\n');
    expect(decided).not.toBe(original);
    const report = await load([await dirWith({ 'applications.csv': decided })]);
    expect(changesOf(report, 'applications.csv')!.months).toEqual(['2025-03-01', '2025-04-01']);
    expect(changesOf(report, 'applications.csv')!.persons).toEqual([pid(310)]);
    expect(changesOf(report, 'applications.csv')!.households).toEqual(['JT-SQ-10']);
  });

  it('a regions file that changes a region rebuilds in full; an identical one changes nothing', async () => {
    const same = await load([path.join(city, 'regions.xlsx')], { force: true });
    expect(changesOf(same, 'regions.xlsx')).toEqual({ months: [], unbounded: null, carriesForward: false });
    expect(same.refresh).toEqual({ full: null, months: [] });

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    const headers = ['区划代码', '区划名称', '层级', '上级区划代码', '城乡分类', '户籍人口'];
    ws.addRow(headers);
    for (const r of REGIONS) ws.addRow(headers.map((h) => (h === '区划名称' && r.区划代码 === VIL_B1 ? '乙一村（更名）' : r[h] ?? null)));
    const dir = await dirWith({});
    await wb.xlsx.writeFile(path.join(dir, 'regions.xlsx'));
    const report = await load([dir]);
    expect(changesOf(report, 'regions.xlsx')!.unbounded).toBe('行政区划变更影响所有月份的区划归属');
    expect(report.refresh).toEqual({ full: '行政区划变更影响所有月份的区划归属', months: [] });
  });

  it('a snapshot carries forward to the last month; --full-refresh is recorded; etl history shows the months', async () => {
    const snapshot = (await readFile(path.join(city, 'alleviated-20241231.csv'), 'utf8')) + '\r\n';
    const report = await load([await dirWith({ 'alleviated-20241231.csv': snapshot })]);
    expect(changesOf(report, 'alleviated-20241231.csv')).toEqual({ months: ['2024-12-01'], unbounded: null, carriesForward: true });
    // no marts in this project: the last month is the newest changed one
    expect(report.refresh).toEqual({ full: null, months: ['2024-12-01'] });

    const forced = await load([path.join(city, 'low-income-202501.csv')], { force: true, fullRefresh: true });
    expect(forced.refresh?.full).toBe('指定了 --full-refresh');

    const batch = (await getBatch(db.pool, report.batchId))!;
    expect(batch.changedMonths).toEqual(['2024-12-01']);
    expect(batch.files[0]!.changedMonths).toEqual(['2024-12-01']);
    const text = formatBatch(batch);
    expect(text).toContain('数据模型：增量重建 1 个月（2024-12）');
    expect(text).toContain('变更月份');
    expect(formatBatch((await getBatch(db.pool, forced.batchId))!)).toContain('数据模型：全部重建（指定了 --full-refresh）');
  });
});

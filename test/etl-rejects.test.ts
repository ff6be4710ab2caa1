// Rejected rows (`npm run etl -- rejects`): listed per file with row, column,
// value and reason; exported as a correction workbook with the original headers
// and cells; fixed in the workbook and loaded again as a correction that
// replaces only its own rows, once.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idCheckChar } from '../etl/formats/id-number.ts';
import { KINDS } from '../etl/formats/kinds.ts';
import { runLoad } from '../etl/load/batch.ts';
import { exportRejects } from '../etl/rejects/export.ts';
import { formatRejects } from '../etl/rejects/format.ts';
import { findRejects, readRejects, type BatchRejects } from '../etl/rejects/query.ts';
import { CORRECTION_IDENTITY } from '../etl/rejects/read-correction.ts';
import { runCli } from './fixtures/etl-cli.ts';
import { pid, VIL_A1, VIL_B1, writeSmallCity } from './fixtures/small-city.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let dir: string;
let batchId: number;

const ROSTER_HEADERS = ['统计月份', '家庭编号', '身份证号', '姓名', '与户主关系', '区划代码', '救助类别', '供养方式', '护理等级', '纳入日期', '月救助金额'];
const wrongCheck = (id: string) => id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
const rosterRow = (n: number, over: Partial<Record<string, string>> = {}) => {
  const row: Record<string, string> = { 统计月份: '2025-04', 家庭编号: `JT${n}`, 身份证号: pid(n), 姓名: `在册${n}`, 与户主关系: '本人', 区划代码: n % 2 ? VIL_A1 : VIL_B1, 救助类别: n % 2 ? '城市低保' : '农村低保', 供养方式: '', 护理等级: '', 纳入日期: '2024-01-01', 月救助金额: '650.00', ...over };
  return ROSTER_HEADERS.map((h) => row[h]!).join(',');
};
// April's roster: rows 2-6 good; row 7 has two bad cells; row 8 an unknown region.
const ROSTER_LINES = [
  ROSTER_HEADERS.join(','),
  rosterRow(201), rosterRow(202), rosterRow(203), rosterRow(204), rosterRow(205),
  rosterRow(206, { 身份证号: wrongCheck(pid(206)), 月救助金额: '-50' }),
  rosterRow(207, { 区划代码: '990199001001' }),
];
const RELIEF_HEADERS = '救助编号,身份证号,姓名,区划代码,救助日期,救助金额,救助人数,救助类型,致困原因,审批方式,备注';
const relief = (id: string, amount: string, note = '') => `${id},${pid(230)},临救二,${VIL_A1},2025-04-05,${amount},1,急难型,疾病,县级审批,${note}`;

/** The cells of a worksheet row as values, '' for empty cells. */
const cells = (sheet: ExcelJS.Worksheet, r: number) => Array.from({ length: sheet.columnCount }, (_, i) => sheet.getRow(r).getCell(i + 1).value ?? '');

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, sql] of Object.entries({
    roster: `select stat_month::text || ':' || count(*) as v from raw.basic_living_roster group by stat_month order by 1`,
    lowIncome: `select stat_month::text || ':' || count(*) as v from raw.low_income_roster group by stat_month order by 1`,
    relief: `select 'all:' || count(*) as v from raw.temp_relief`,
    mart: `select 'all:' || count(*) as v from marts.fct_basic_living_person_month`,
  })) {
    for (const r of (await db.pool.query<{ v: string }>(sql)).rows) {
      const [k, n] = r.v.split(':');
      out[`${name} ${k}`] = Number(n);
    }
  }
  return out;
}

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'etl-rejects-'));
  await writeSmallCity(path.join(dir, 'city'));
  await runLoad(db.pool, [path.join(dir, 'city')], { runBy: 'test' });

  const exports = path.join(dir, 'exports');
  await mkdir(exports);
  await writeFile(path.join(exports, 'roster-202504.csv'), ROSTER_LINES.join('\r\n') + '\r\n');
  // a key kind: a bad amount, and a duplicate of B1 (rejected for the whole file); an extra column
  await writeFile(path.join(exports, 'relief-202504.csv'), [RELIEF_HEADERS, relief('B1', '100', '甲'), relief('B2', 'abc'), relief('B1', '300', '乙')].join('\n') + '\n');
  // XLSX with date cells, also in the month column
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名单');
  ws.addRow(['统计月份', '家庭编号', '身份证号', '姓名', '区划代码', '人口类别', '纳入监测日期']);
  const april = new Date(Date.UTC(2025, 3, 1));
  for (const n of [211, 212, 213]) ws.addRow([april, `JT${n}`, pid(n), `低收入${n}`, VIL_A1, '低保边缘人口', new Date(Date.UTC(2024, 4, 6))]);
  ws.addRow([april, 'JT214', pid(214), '低收入214', VIL_B1, '低保户', new Date(Date.UTC(2024, 4, 6))]);
  await wb.xlsx.writeFile(path.join(exports, 'low-income-202504.xlsx'));

  const report = await runLoad(db.pool, [exports], { runBy: 'test' });
  batchId = report.batchId;
});

afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('rejected rows', () => {
  it('are listed per file with row, column, value and reason, errors of a row together', async () => {
    const rejects = (await findRejects(db.pool))!; // the latest batch with rejects
    expect(rejects.batchId).toBe(batchId);
    expect(rejects.files.map((f) => [f.fileName, f.kind, f.rows.map((r) => r.rowNumber)])).toEqual([
      ['low-income-202504.xlsx', 4, [5]],
      ['relief-202504.csv', 6, [3, 4]],
      ['roster-202504.csv', 3, [7, 8]],
    ]);
    const roster = rejects.files[2]!;
    expect(roster.headers).toEqual(ROSTER_HEADERS);
    expect(roster.rows[0]!.errors).toEqual([
      { column: '身份证号', value: wrongCheck(pid(206)), reason: expect.stringContaining('校验位错误') },
      { column: '月救助金额', value: '-50', reason: expect.stringContaining('金额不能为负数') },
    ]);
    expect(roster.rows[1]!.errors).toEqual([{ column: '区划代码', value: '990199001001', reason: '区划代码 990199001001 不在行政区划表中' }]);
    expect(rejects.files[1]!.rows[1]!.errors[0]).toMatchObject({ column: '救助编号', reason: '与第 2 行重复（救助编号相同）' });
    // the whole original rows are kept
    expect(roster.rows[0]!.rowData).toEqual(Object.fromEntries(ROSTER_HEADERS.map((h, i) => [h, ROSTER_LINES[6]!.split(',')[i]])));
    expect(rejects.files[1]!.rows[1]!.rowData).toMatchObject({ 救助编号: 'B1', 救助金额: '300', 备注: '乙', 救助日期: '2025-04-05' });
    expect(rejects.files[0]!.rows[0]!.rowData).toMatchObject({ 统计月份: '2025-04-01', 人口类别: '低保户', 纳入监测日期: '2024-05-06' });

    const text = formatRejects(rejects, 50);
    expect(text).toContain(`批次 ${batchId} 的拒收行：3 个文件，5 行，6 处错误`);
    expect(text).toMatch(/roster-202504\.csv（3\.低保特困在册人员）：拒收 2 行/);
    expect(text).toMatch(/第 7 行 +身份证号 +\d{17}[\dX] +身份证号校验位错误/);
    expect(text).toMatch(/\n +月救助金额 +-50 +金额不能为负数/);
    expect(formatRejects(rejects, 1)).toContain('……另有 1 行未显示');
  });

  it('export to a workbook with the original headers and cells, the bad cells marked, and 错误说明 and 补正来源', async () => {
    const out = path.join(dir, 'export-check.xlsx');
    const summary = await exportRejects(await readRejects(db.pool, batchId), out);
    expect(summary.sheets.map((s) => [s.name, s.rows])).toEqual([['low-income-202504', 1], ['relief-202504', 2], ['roster-202504', 2]]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const sheet = wb.getWorksheet('roster-202504')!;
    const values = (r: number) => cells(sheet, r);
    expect(values(1)).toEqual([...ROSTER_HEADERS, '错误说明', '补正来源']);
    const original = ROSTER_LINES[6]!.split(',');
    expect(values(2).slice(0, 11)).toEqual(original);
    expect(values(2)[11]).toMatch(/^身份证号：校验位错误.*；月救助金额：金额不能为负数/);
    expect(values(2)[12]).toBe(`批次 ${batchId} / roster-202504.csv / 第 7 行`);
    expect(values(3)[12]).toBe(`批次 ${batchId} / roster-202504.csv / 第 8 行`);
    const fill = (r: number, c: number) => (sheet.getRow(r).getCell(c).fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb;
    expect(fill(2, 3)).toBe('FFFFC7CE'); // 身份证号
    expect(fill(2, 11)).toBe('FFFFC7CE'); // 月救助金额
    expect(fill(2, 1)).toBeUndefined();
    expect(fill(3, 6)).toBe('FFFFC7CE'); // 区划代码
    expect(fill(3, 3)).toBeUndefined();

    // an extra column is kept; the duplicate's key is marked
    const relief = wb.getWorksheet('relief-202504')!;
    expect(cells(relief, 1)).toEqual([...RELIEF_HEADERS.split(','), '错误说明', '补正来源']);
    expect(cells(relief, 3).slice(0, 11)).toEqual(['B1', pid(230), '临救二', VIL_A1, '2025-04-05', '300', '1', '急难型', '疾病', '县级审批', '乙']);
    // a month read from a date cell goes back as a month
    const lowIncome = wb.getWorksheet('low-income-202504')!;
    expect(cells(lowIncome, 2).slice(0, 7)).toEqual(['2025-04', 'JT214', pid(214), '低收入214', VIL_B1, '低保户', '2024-05-06']);
  });

  it('fixed in the workbook and loaded again, replace only their own rows, once', async () => {
    const exported = path.join(dir, '补正-批次.xlsx');
    await exportRejects(await readRejects(db.pool, batchId), exported);
    const before = await counts();
    expect(before['roster 2025-04-01']).toBe(5);

    // staff fix the marked cells (and only them)
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(exported);
    const fixes: Record<string, (v: string) => string> = {
      身份证号: (v) => v.slice(0, 17) + idCheckChar(v.slice(0, 17)),
      月救助金额: () => '50',
      区划代码: () => VIL_B1,
      救助金额: () => '200',
      救助编号: () => 'B3',
      人口类别: () => '低保边缘人口',
    };
    let fixed = 0;
    for (const sheet of wb.worksheets) {
      const headers = (sheet.getRow(1).values as string[]).slice(1);
      sheet.eachRow((row, n) => {
        if (n === 1) return;
        headers.forEach((h, i) => {
          const cell = row.getCell(i + 1);
          if ((cell.fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb !== 'FFFFC7CE') return;
          cell.value = fixes[h]!(String(cell.value ?? ''));
          fixed++;
        });
      });
    }
    expect(fixed).toBe(6);
    const corrected = path.join(dir, '补正-已改正.xlsx');
    await wb.xlsx.writeFile(corrected);

    const report = await runLoad(db.pool, [corrected], { runBy: 'test' });
    expect(report.files.map((f) => [f.name, f.outcome, f.rowsLoaded, f.rowsRejected])).toEqual([
      ['补正-已改正.xlsx#low-income-202504', 'loaded', 1, 0],
      ['补正-已改正.xlsx#relief-202504', 'loaded', 2, 0],
      ['补正-已改正.xlsx#roster-202504', 'loaded', 2, 0],
    ]);
    const after = await counts();
    // the corrected rows are added to their month; the month's other rows and the other months stay
    expect(after).toEqual({
      ...before,
      'roster 2025-04-01': 7,
      'lowIncome 2025-04-01': 4,
      'relief all': before['relief all']! + 2,
      'mart all': before['mart all']! + 2,
    });
    const rows = await db.pool.query(`select id_number, region_code, monthly_benefit_yuan, source_file, source_row, extra from raw.basic_living_roster where id_number = any($1) order by id_number`, [[pid(206), pid(207)]]);
    expect(rows.rows).toEqual([
      { id_number: pid(206), region_code: VIL_B1, monthly_benefit_yuan: '50.00', source_file: '补正-已改正.xlsx#roster-202504', source_row: 2, extra: null },
      { id_number: pid(207), region_code: VIL_B1, monthly_benefit_yuan: '650.00', source_file: '补正-已改正.xlsx#roster-202504', source_row: 3, extra: null },
    ]);
    const li = await db.pool.query(`select stat_month, monitored_since, category from raw.low_income_roster where id_number = $1`, [pid(214)]);
    expect(li.rows).toEqual([{ stat_month: '2025-04-01', monitored_since: '2024-05-06', category: '低保边缘人口' }]);
    const relief = await db.pool.query(`select relief_id, amount_yuan, extra from raw.temp_relief where relief_id like 'B%' order by 1`);
    expect(relief.rows).toEqual([
      { relief_id: 'B1', amount_yuan: '100.00', extra: { 备注: '甲' } },
      { relief_id: 'B2', amount_yuan: '200.00', extra: null },
      { relief_id: 'B3', amount_yuan: '300.00', extra: { 备注: '乙' } },
    ]);
    const files = await db.pool.query(`select file_path, is_correction from etl.batch_files where batch_id = $1 order by 1`, [report.batchId]);
    expect(files.rows[0]).toEqual({ file_path: `${corrected}#low-income-202504`, is_correction: true });

    // the same correction again changes nothing
    const again = await runLoad(db.pool, [corrected], { runBy: 'test' });
    expect(again.files.every((f) => f.outcome === 'skipped')).toBe(true);
    expect(await counts()).toEqual(after);

    // a second correction of a row replaces the first (same month and ID number), not adds to it
    const roster = wb.getWorksheet('roster-202504')!;
    roster.getRow(2).getCell(11).value = '60';
    roster.spliceRows(3, 1);
    const second = path.join(dir, '补正-第二次.xlsx');
    await wb.xlsx.writeFile(second);
    await runLoad(db.pool, [second], { runBy: 'test' });
    expect(await counts()).toEqual(after);
    const amount = await db.pool.query(`select monthly_benefit_yuan from raw.basic_living_roster where id_number = $1`, [pid(206)]);
    expect(amount.rows).toEqual([{ monthly_benefit_yuan: '60.00' }]);
  });

  it('a correction CSV is a correction too, a full export in the same load comes first, and a new month is created', async () => {
    const both = path.join(dir, 'both');
    await mkdir(both);
    // a newer full April export with four rows (it replaces April) and a correction of one more row
    const full = [ROSTER_LINES[0], ...ROSTER_LINES.slice(1, 5)].join('\n') + '\n';
    await writeFile(path.join(both, 'a-roster-202504-v2.csv'), full);
    // (and one row of a month nothing else was loaded for)
    await writeFile(path.join(both, '0-fix.csv'), `${ROSTER_HEADERS.join(',')},错误说明,补正来源\n${rosterRow(209)},身份证号：…,批次 1 / x.csv / 第 2 行\n${rosterRow(210, { 统计月份: '2025-07' })},统计月份：…,批次 1 / x.csv / 第 3 行\n`);
    const report = await runLoad(db.pool, [both], { runBy: 'test' });
    expect(report.files.map((f) => f.name)).toEqual(['a-roster-202504-v2.csv', '0-fix.csv']);
    const april = await db.pool.query(`select count(*)::int as n, count(*) filter (where extra is not null)::int as with_extra from raw.basic_living_roster where stat_month = '2025-04-01'`);
    expect(april.rows[0]).toEqual({ n: 5, with_extra: 0 });
    const july = await db.pool.query(`select id_number from raw.basic_living_roster where stat_month = '2025-07-01'`);
    expect(july.rows).toEqual([{ id_number: pid(210) }]);
  });

  it('every kind that replaces whole partitions has a row identity for corrections', () => {
    const partitionKinds = KINDS.filter((k) => k.replace.by === 'partition');
    expect(partitionKinds.map((k) => k.table).sort()).toEqual(Object.keys(CORRECTION_IDENTITY).sort());
    for (const k of partitionKinds) {
      for (const c of CORRECTION_IDENTITY[k.table]!) expect(k.columns.map((x) => x.column)).toContain(c);
    }
  });

  it('runs as `etl rejects` on the command line: listing, JSON and --export', async () => {
    const listed = await runCli(db.url, ['rejects', String(batchId)]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('roster-202504.csv（3.低保特困在册人员）：拒收 2 行');
    const json = JSON.parse((await runCli(db.url, ['rejects', String(batchId), '--json'])).stdout) as BatchRejects;
    expect(json).toEqual(await readRejects(db.pool, batchId));
    const out = path.join(dir, 'cli-export.xlsx');
    const exported = await runCli(db.url, ['rejects', String(batchId), '--export', out]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`已导出批次 ${batchId} 的 5 行拒收数据`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['low-income-202504', 'relief-202504', 'roster-202504']);
    const missing = await runCli(db.url, ['rejects', '999']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('批次 999 不存在');
  });
});

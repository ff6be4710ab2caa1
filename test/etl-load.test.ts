// Loading exports: idempotence, month replacement, rejects with reasons,
// refusal of unknown files, and all-or-nothing batches.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { LoadRefusedError } from '../etl/load/plan.ts';
import { formatLoadSummary } from '../etl/load/report.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { pid, VIL_A1, writeSmallCity } from './fixtures/small-city.ts';

const FAILING_PROJECT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/failing-models');

let db: TestDatabase;
let dir: string;

const COUNTED = ['raw.regions', 'raw.basic_living_roster', 'raw.low_income_roster', 'raw.temp_relief', 'raw.applications', 'raw.alleviated_persons', 'marts.fct_indicator_period', 'marts.fct_low_income_person_month'];

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of COUNTED) {
    const r = await db.pool.query<{ n: string }>(`select count(*) as n from ${t}`).catch(() => ({ rows: [{ n: '-1' }] }));
    out[t] = Number(r.rows[0]!.n);
  }
  return out;
}

beforeAll(async () => {
  db = await createTestDatabase();
});

beforeEach(async () => {
  await db.pool.query('drop schema if exists raw, etl, staging, intermediate, marts cascade');
  const { ensureWarehouseSchema } = await import('../warehouse/schema.ts');
  await ensureWarehouseSchema(db.pool);
  dir = await mkdtemp(path.join(os.tmpdir(), 'etl-load-'));
  await writeSmallCity(dir);
});

afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('loading exports', () => {
  it('loads every file, detects kinds from headers, and reads UTF-8, GBK and XLSX', async () => {
    const report = await runLoad(db.pool, [dir], { runBy: 'test' });
    const byName = new Map(report.files.map((f) => [f.name, f]));
    expect(byName.get('regions.xlsx')).toMatchObject({ kind: 1, format: 'XLSX', rowsLoaded: 9, rowsRejected: 0 });
    expect(byName.get('temp-relief.csv')).toMatchObject({ kind: 6, format: 'CSV GBK', rowsLoaded: 5 });
    expect(byName.get('low-income-202501.csv')).toMatchObject({ kind: 4, format: 'CSV UTF-8', rowsLoaded: 5 });
    const names = await db.pool.query(`select person_name from raw.temp_relief order by relief_id limit 1`);
    expect(names.rows[0].person_name).toBe('临救');
    const lineage = await db.pool.query(`select source_file, source_row, batch_id from raw.applications where application_id = 'SQ-1'`);
    expect(lineage.rows[0]).toEqual({ source_file: 'applications.csv', source_row: 2, batch_id: String(report.batchId) });
    // monthly facts are COPYed straight into their partitions: each row still names its own file
    const files = await db.pool.query(`select stat_month::text as month, source_file, count(*)::int as n from raw.low_income_roster group by 1, 2 order by 1`);
    expect(files.rows.map((r) => [r.month, r.source_file])).toEqual([
      ['2025-01-01', 'low-income-202501.csv'], ['2025-02-01', 'low-income-202502.csv'], ['2025-03-01', 'low-income-202503.csv'],
    ]);
    const defaults = await db.pool.query(`select count(*)::int as n from information_schema.columns where table_schema = 'raw' and column_name = 'source_file' and column_default is not null`);
    expect(defaults.rows[0].n).toBe(0);
  });

  it('loading the same directory twice changes nothing', async () => {
    await runLoad(db.pool, [dir], { runBy: 'test' });
    const before = await counts();
    const again = await runLoad(db.pool, [dir], { runBy: 'test' });
    expect(again.files.every((f) => f.outcome === 'skipped')).toBe(true);
    expect(again.modelsRun).toBe(false);
    expect(await counts()).toEqual(before);
    const batches = await db.pool.query(`select status from etl.batches order by batch_id`);
    expect(batches.rows.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('a newer export of a month replaces that month only', async () => {
    await runLoad(db.pool, [dir], { runBy: 'test' });
    const file = path.join(dir, 'low-income-202503.csv');
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\r\n');
    const newer = path.join(dir, 'newer');
    await rm(newer, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(newer));
    await writeFile(path.join(newer, 'low-income-202503-v2.csv'), lines.slice(0, 3).join('\r\n') + '\r\n');
    await runLoad(db.pool, [newer], { runBy: 'test' });
    const perMonth = await db.pool.query(`select stat_month, count(*)::int as n from raw.low_income_roster group by 1 order by 1`);
    expect(perMonth.rows).toEqual([{ stat_month: '2025-01-01', n: 5 }, { stat_month: '2025-02-01', n: 6 }, { stat_month: '2025-03-01', n: 2 }]);
    const mart = await db.pool.query(`select low_income_persons from marts.fct_indicator_period where period_grain = 'month' and period_start = '2025-03-01' and region_level = 'city'`);
    expect(mart.rows[0].low_income_persons).toBe('2');
  });

  it('loads the good rows of a broken file and keeps the bad ones with file, row, column and reason', async () => {
    await runLoad(db.pool, [path.join(dir, 'regions.xlsx')], { runBy: 'test' });
    const broken = path.join(dir, 'broken');
    await import('node:fs/promises').then((fs) => fs.mkdir(broken));
    const header = '救助编号,身份证号,姓名,区划代码,救助日期,救助金额,救助人数,救助类型,致困原因,审批方式';
    const good = (id: string) => `${id},${pid(1)},张三,${VIL_A1},2025-01-05,100,1,急难型,疾病,县级审批`;
    const badId = pid(2).slice(0, 17) + (pid(2)[17] === '0' ? '1' : '0');
    await writeFile(path.join(broken, 'relief.csv'), [
      header, good('A1'),
      `A2,${badId},李四,${VIL_A1},2025-01-05,100,1,急难型,疾病,县级审批`,
      `A3,${pid(3)},王五,990199001001,2025-01-05,100,1,急难型,疾病,县级审批`,
      `A4,${pid(4)},赵六,${VIL_A1},2025-02-30,-100,1,急难型,疾病,县级审批`,
      good('A5'), good('A1'),
    ].join('\n') + '\n');
    const report = await runLoad(db.pool, [broken], { runBy: 'test' });
    expect(report.files[0]).toMatchObject({ rowsRead: 6, rowsLoaded: 2, rowsRejected: 4 });
    const rejects = await db.pool.query(`select file_name, row_number, column_name, reason from etl.rejects where batch_id = $1 order by row_number, column_name`, [report.batchId]);
    expect(rejects.rows.map((r) => [r.row_number, r.column_name])).toEqual([[3, '身份证号'], [4, '区划代码'], [5, '救助日期'], [5, '救助金额'], [7, '救助编号']]);
    expect(rejects.rows[0].file_name).toBe('relief.csv');
    expect(rejects.rows[4].reason).toContain('与第 2 行重复');
    const summary = formatLoadSummary(report);
    expect(summary).toContain('relief.csv 第 3 行 [身份证号]');
    expect(summary).toContain('区划代码 990199001001 不在行政区划表中');
    const loaded = await db.pool.query(`select relief_id from raw.temp_relief order by 1`);
    expect(loaded.rows.map((r) => r.relief_id)).toEqual(['A1', 'A5']);
  });

  it('rejects regions whose parent is unknown', async () => {
    const regionsDir = path.join(dir, 'regions-only');
    await import('node:fs/promises').then((fs) => fs.mkdir(regionsDir));
    await writeFile(path.join(regionsDir, 'r.csv'), '区划代码,区划名称,层级,上级区划代码,户籍人口\n990100000000,测试市,市,,100\n990101000000,甲区,区县,990100000000,60\n990102000000,乙县,区县,990900000000,40\n');
    const report = await runLoad(db.pool, [regionsDir], { runBy: 'test' });
    expect(report.files[0]).toMatchObject({ rowsLoaded: 2, rowsRejected: 1 });
    expect(report.files[0]!.rejects[0]).toMatchObject({ rowNumber: 4, column: '上级区划代码' });
  });

  it('refuses a file of unknown kind and loads nothing of the batch', async () => {
    await writeFile(path.join(dir, 'notes.csv'), '标题,内容\n一,二\n');
    const error = await runLoad(db.pool, [dir], { runBy: 'test' }).catch((e) => e);
    expect(error).toBeInstanceOf(LoadRefusedError);
    expect(error.message).toContain('notes.csv');
    expect(error.message).toContain('低收入人口监测名单：统计月份、家庭编号、身份证号');
    const r = await db.pool.query(`select count(*)::int as n from raw.regions`);
    expect(r.rows[0].n).toBe(0);
  });

  it('rolls the whole batch back when a data test fails, and records the failure', async () => {
    const error = await runLoad(db.pool, [dir], { runBy: 'test', projectDir: FAILING_PROJECT }).catch((e) => e);
    expect(error.message).toContain('always_fails');
    const raw = await db.pool.query(`select count(*)::int as n from raw.temp_relief`);
    expect(raw.rows[0].n).toBe(0);
    const batch = await db.pool.query(`select status, error from etl.batches order by batch_id desc limit 1`);
    expect(batch.rows[0].status).toBe('failed');
    expect(batch.rows[0].error).toContain('always_fails');
    // and the same files load afterwards: nothing of the failed batch counts as loaded
    const report = await runLoad(db.pool, [dir], { runBy: 'test' });
    expect(report.files.every((f) => f.outcome === 'loaded')).toBe(true);
  });
});

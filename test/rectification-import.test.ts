// Kind-12 imports merged into the application's items (rectification/import.ts):
// new numbers become items with their history, later exports add facts and
// never remove a review, and an import after a newer change in the
// application keeps the application's values and reports the conflict.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, type LoadReport } from '../etl/load/batch.ts';
import { formatLoadSummary } from '../etl/load/report.ts';
import { CITY, COUNTY_A, COUNTY_B, REGIONS, TOWN_A1, VIL_A1, VIL_B1 } from './fixtures/small-city.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

const HEADERS = ['问题编号', '发现日期', '问题来源', '区划代码', '问题类别', '问题描述', '涉及人数', '涉及金额', '整改期限', '责任单位', '整改状态', '整改完成日期', '回头看日期', '回头看结论'];
type Row = [number: string, found: string, region: string, deadline: string, status: string, completed: string, reviewOn: string, review: string, description?: string];

const csv = (headers: string[], rows: (string | number)[][]) => [headers, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';

let platform: TestPlatform;
let dir: string;
let inspector: string;
let admin: string;

async function load(name: string, rows: Row[]): Promise<LoadReport> {
  const file = path.join(dir, name);
  await writeFile(file, csv(HEADERS, rows.map(([n, found, region, deadline, status, completed, reviewOn, review, description]) => [
    n, found, '专项检查', region, '档案不规范', description ?? `${n} 档案缺少入户调查记录`, 3, '', deadline, '民政局', status, completed, reviewOn, review,
  ])));
  const report = await runLoad(platform.db.pool, [file], { runBy: 'tester' });
  expect(report.files.flatMap((f) => f.rejects)).toEqual([]);
  return report;
}

async function item(number: string) {
  const id = (await platform.db.pool.query(`select item_id from app.rectification_items where number = $1`, [number])).rows[0]?.item_id;
  const res = await platform.app.inject({ url: `/api/rectification/${id}`, headers: { authorization: admin } });
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function quarter(measures: string[]): Promise<Record<string, number>> {
  const { status, body } = await platform.load({
    measures: measures.map((m) => `rectification.${m}`),
    timeDimensions: [{ dimension: 'rectification.month', dateRange: ['2026-10-01', '2026-12-31'] }],
  }, admin);
  expect(status, JSON.stringify(body)).toBe(200);
  return Object.fromEntries(measures.map((m) => [m, Number(body.data[0]?.[`rectification.${m}`] ?? 0)]));
}

beforeAll(async () => {
  platform = await startTestPlatform();
  dir = await mkdtemp(path.join(os.tmpdir(), 'rectification-import-'));
  await writeFile(path.join(dir, 'regions.csv'), csv(['区划代码', '区划名称', '层级', '上级区划代码', '城乡分类', '户籍人口'], REGIONS.map((r) => [r.区划代码!, r.区划名称!, r.层级!, r.上级区划代码!, r.城乡分类 ?? '', r.户籍人口 ?? ''])));
  await runLoad(platform.db.pool, [path.join(dir, 'regions.csv')], { runBy: 'tester' });
  inspector = await platform.userToken({ role: 'inspector', region: CITY, name: 'inspector1' });
  admin = await platform.userToken({ role: 'admin', region: CITY, name: 'admin1' });
});

afterAll(async () => {
  await platform?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('kind-12 imports', () => {
  it('creates items with the history the rows state', async () => {
    const report = await load('rect-1.csv', [
      ['ZG-T-1', '2026-10-01', VIL_A1, '2026-11-30', '待整改', '', '', ''],
      ['ZG-T-2', '2026-09-01', COUNTY_B, '2026-10-15', '整改中', '2026-10-10', '2026-10-20', '未通过'],
      ['ZG-T-3', '2026-10-05', TOWN_A1, '2026-11-05', '待整改', '', '', ''],
    ]);
    expect(report.rectificationConflicts).toEqual([]);
    const t2 = await item('ZG-T-2');
    expect(t2).toMatchObject({ origin: 'import', state: '整改中', found_on: '2026-09-01', completed_on: '2026-10-10', person_count: 3, region_code: COUNTY_B });
    expect(t2.history.map((s: any) => [s.on, s.from, s.to, s.review_result])).toEqual([
      ['2026-09-01', null, '待整改', null],
      ['2026-10-10', '待整改', '已整改', null],
      ['2026-10-20', '已整改', '整改中', '未通过'],
    ]);
    expect(await quarter(['follow_ups', 'follow_ups_passed'])).toEqual({ follow_ups: 1, follow_ups_passed: 0 });
  });

  it('a later export adds facts and its review without erasing the earlier one; a change in the application after the row wins and is reported', async () => {
    const t3 = await item('ZG-T-3');
    const moved = await platform.app.inject({ method: 'POST', url: `/api/rectification/${t3.id}/transition`, headers: { authorization: inspector }, payload: { to: '整改中', note: '已交办甲一街道' } });
    expect(moved.statusCode).toBe(200);

    const report = await load('rect-2.csv', [
      ['ZG-T-1', '2026-10-01', VIL_A1, '2026-12-31', '整改中', '', '', ''],
      ['ZG-T-2', '2026-09-01', COUNTY_B, '2026-10-15', '已销号', '2026-11-01', '2026-11-10', '通过'],
      ['ZG-T-3', '2026-10-05', TOWN_A1, '2026-11-05', '已整改', '2026-11-15', '', ''],
      ['ZG-T-4', '2026-11-20', VIL_B1, '2026-12-20', '待整改', '', '', ''],
    ]);
    const reason = (c: { reason: string }) => c.reason;
    expect(report.rectificationConflicts.map((c) => [c.number, c.field, c.fileValue, c.applicationValue])).toEqual([
      ['ZG-T-3', '整改状态', '已整改', '整改中'],
      ['ZG-T-3', '整改完成日期', '2026-11-15', null],
    ]);
    const today = (await platform.db.pool.query(`select ((now() at time zone 'Asia/Shanghai')::date)::text as d`)).rows[0].d;
    expect(reason(report.rectificationConflicts[0]!)).toBe(`应用内于 ${today} 修改了该问题，晚于文件中该行的最新日期 2026-11-15；保留应用内的值`);
    const summary = formatLoadSummary(report);
    expect(summary).toContain('整改问题导入冲突 2 处');
    expect(summary).toContain('ZG-T-3 [整改状态] 文件："已整改"，应用内："整改中"');
    const stored = await platform.db.pool.query(`select number, field, file_value, application_value from app.rectification_import_conflicts where batch_id = $1 order by conflict_id`, [report.batchId]);
    expect(stored.rows).toEqual([
      { number: 'ZG-T-3', field: '整改状态', file_value: '已整改', application_value: '整改中' },
      { number: 'ZG-T-3', field: '整改完成日期', file_value: '2026-11-15', application_value: null },
    ]);

    // the application's change stands
    expect(await item('ZG-T-3')).toMatchObject({ state: '整改中', completed_on: null });
    // no change in the application: the file updates the item and says so in the history
    const t1 = await item('ZG-T-1');
    expect(t1).toMatchObject({ state: '整改中', deadline: '2026-12-31' });
    expect(t1.history.slice(-2)).toEqual([
      expect.objectContaining({ from: '待整改', to: '整改中', batch_id: report.batchId, note: '导入：整改状态为整改中' }),
      expect.objectContaining({ from: '整改中', to: '整改中', batch_id: report.batchId, note: '导入：更新整改期限', deadline: '2026-12-31' }),
    ]);
    // both reviews of ZG-T-2 are in its history and counted
    const t2 = await item('ZG-T-2');
    expect(t2.state).toBe('已销号');
    expect(t2.history.filter((s: any) => s.review_result).map((s: any) => [s.on, s.review_result])).toEqual([['2026-10-20', '未通过'], ['2026-11-10', '通过']]);
    expect(await quarter(['follow_ups', 'follow_ups_passed', 'follow_up_pass_rate'])).toEqual({ follow_ups: 2, follow_ups_passed: 1, follow_up_pass_rate: 50 });
    expect(await item('ZG-T-4')).toMatchObject({ state: '待整改', origin: 'import', region_code: VIL_B1 });
    const audit = await platform.db.pool.query(`select detail from app.audit_log where action = 'change' and target = $1`, [`rectification:import:${report.batchId}`]);
    expect(audit.rows[0].detail).toMatchObject({ rows: 4, created: 1, conflicts: 2, conflicting_numbers: ['ZG-T-3'] });
  });

  it('an older export sent again neither undoes later progress nor removes a review', async () => {
    const report = await load('rect-3.csv', [['ZG-T-2', '2026-09-01', COUNTY_B, '2026-10-15', '整改中', '2026-10-10', '2026-10-20', '未通过', '重报：档案缺少入户调查记录']]);
    expect(report.rectificationConflicts.map((c) => [c.field, c.fileValue, c.applicationValue])).toEqual([
      ['整改状态', '整改中', '已销号'], ['整改完成日期', '2026-10-10', '2026-11-01'], ['问题描述', '重报：档案缺少入户调查记录', 'ZG-T-2 档案缺少入户调查记录'],
    ]);
    expect(report.rectificationConflicts[0]!.reason).toBe('已记录的进展（2026-11-10）晚于文件中该行的最新日期 2026-10-20，文件较旧；保留已有的值');
    const t2 = await item('ZG-T-2');
    expect(t2.state).toBe('已销号');
    expect(t2.history.filter((s: any) => s.review_result).map((s: any) => s.review_result)).toEqual(['未通过', '通过']);
    expect(await quarter(['follow_ups', 'follow_ups_passed'])).toEqual({ follow_ups: 2, follow_ups_passed: 1 });
  });

  it('counts imported items in the view by county', async () => {
    const { body } = await platform.load({
      measures: ['rectification.open_items'], dimensions: ['rectification.county_code'],
      timeDimensions: [{ dimension: 'rectification.month', dateRange: ['2026-11-01', '2026-11-30'] }],
    }, admin);
    const byCounty = Object.fromEntries(body.data.map((r: any) => [r['rectification.county_code'], Number(r['rectification.open_items'])]));
    expect(byCounty[COUNTY_A]).toBe(2); // ZG-T-1, ZG-T-3 open at 11-30
    expect(byCounty[COUNTY_B]).toBe(1); // ZG-T-4; ZG-T-2 closed on 11-01
  });
});

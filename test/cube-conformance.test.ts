// Cube's REST API as a Cube user tries it: each documented query form sent
// with Cube's own JavaScript client (@cubejs-client/core) to the running
// gateway, checked against values worked out by hand from the small city
// (test/fixtures/small-city.ts; the derivations are in the comments and in
// test/indicators.test.ts). Two more low-income rosters (April, May) let a
// partial quarter differ from the whole one; the gateway's clock is fixed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import cube, { type Meta, type ResultSet } from '@cubejs-client/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { CITY, COUNTY_A, COUNTY_B, TOWN_A1, TOWN_A2, TOWN_B1, VIL_A1, VIL_A2, VIL_B1, pid, writeSmallCity } from './fixtures/small-city.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

// Tuesday 15 April 2025, 10:00 UTC
const clock = { now: new Date('2025-04-15T10:00:00.000Z') };

let platform: TestPlatform;
let dir: string;
/** Cube's client, typed loosely: its types are narrower than the API (a one-element dateRange, orders built at run time). */
interface Client {
  load(query: unknown): Promise<ResultSet>;
  dryRun(query: unknown): Promise<unknown>;
  meta(): Promise<Meta>;
}
const client = (token: string) => cube(token, { apiUrl }) as unknown as Client;

let api: Client;
let apiUrl: string;
let admin: string;

/** April: 101, 102 (A1), 104 (B1) → 3 persons; May: 101, 102 (A1), 103 (A2), 104, 105, 109 (B1) → 6. */
async function writeSpringRosters(into: string): Promise<void> {
  const months: [string, [number, string][]][] = [
    ['2025-04', [[101, VIL_A1], [102, VIL_A1], [104, VIL_B1]]],
    ['2025-05', [[101, VIL_A1], [102, VIL_A1], [103, VIL_A2], [104, VIL_B1], [105, VIL_B1], [109, VIL_B1]]],
  ];
  for (const [month, persons] of months) {
    const lines = persons.map(([id, village]) => `${month},JT${id},${pid(id)},低收入${id},${village},低保边缘人口,2024-06-01`);
    await writeFile(path.join(into, `low-income-${month.replace('-', '')}.csv`), `\uFEFF统计月份,家庭编号,身份证号,姓名,区划代码,人口类别,纳入监测日期\r\n${lines.join('\r\n')}\r\n`);
  }
}

beforeAll(async () => {
  platform = await startTestPlatform({ now: () => clock.now });
  dir = await mkdtemp(path.join(os.tmpdir(), 'cube-conformance-'));
  await writeSmallCity(dir);
  await writeSpringRosters(dir);
  const report = await runLoad(platform.db.pool, [dir], { runBy: 'test' });
  expect(report.files.flatMap((f) => f.rejects)).toEqual([]);
  admin = await platform.token({ role: 'admin', region: CITY });
  await platform.app.listen({ port: 0, host: '127.0.0.1' });
  const address = platform.app.server.address() as { port: number };
  apiUrl = `http://127.0.0.1:${address.port}/cubejs-api/v1`;
  api = client(admin);
});

afterAll(async () => {
  await platform?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const I = (m: string) => `indicators.${m}`;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const close = (actual: unknown, expected: number) => expect(Number(actual)).toBeCloseTo(expected, 6);
const rows = (rs: ResultSet) => rs.rawData() as Record<string, unknown>[];

/** The gateway's answer to a query the client sends, or the error it refuses it with. */
async function refusal(query: unknown): Promise<string> {
  try {
    await api.load(query);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`expected a refusal for ${JSON.stringify(query)}`);
}

describe('order', () => {
  // March by township: A1 101, 102, 107, 120 → 4; B1 104, 105, 108 → 3; A2 103, 106 → 2
  const march = { measures: [I('low_income_persons')], dimensions: [I('township_code')], timeDimensions: [{ dimension: I('month'), dateRange: ['2025-03-01', '2025-03-31'] }] };

  it('the object form, as in Cube\'s docs', async () => {
    const rs = await api.load({ ...march, order: { [I('low_income_persons')]: 'desc' } });
    expect(rows(rs).map((r) => [r[I('township_code')], num(r[I('low_income_persons')])])).toEqual([[TOWN_A1, 4], [TOWN_B1, 3], [TOWN_A2, 2]]);
  });

  it('the array-of-pairs form', async () => {
    const rs = await api.load({ ...march, order: [[I('low_income_persons'), 'asc']] });
    expect(rows(rs).map((r) => r[I('township_code')])).toEqual([TOWN_A2, TOWN_B1, TOWN_A1]);
  });

  it('Cube\'s default order without one: the first measure, largest first', async () => {
    const rs = await api.load(march);
    expect(rows(rs).map((r) => r[I('township_code')])).toEqual([TOWN_A1, TOWN_B1, TOWN_A2]);
    expect(rs.query().order).toEqual([{ id: I('low_income_persons'), desc: true }]);
  });

  it('order + limit: the top county by coverage in Q1 (A: 6 of 6,000 = 0.1 %; B: 3 of 4,000 = 0.075 %)', async () => {
    const rs = await api.load({
      measures: [I('low_income_coverage_rate')], dimensions: [I('county_code')],
      timeDimensions: [{ dimension: I('month'), granularity: 'quarter', dateRange: ['2025-01-01', '2025-03-31'] }],
      order: { [I('low_income_coverage_rate')]: 'desc' }, limit: 1,
    });
    expect(rows(rs)).toHaveLength(1);
    expect(rows(rs)[0]![I('county_code')]).toBe(COUNTY_A);
    close(rows(rs)[0]![I('low_income_coverage_rate')], 0.1);
    const bottom = await api.load({
      measures: [I('low_income_coverage_rate')], dimensions: [I('county_code')],
      timeDimensions: [{ dimension: I('month'), granularity: 'quarter', dateRange: ['2025-01-01', '2025-03-31'] }],
      order: [[I('low_income_coverage_rate'), 'asc']], limit: 1,
    });
    expect(rows(bottom)[0]![I('county_code')]).toBe(COUNTY_B);
  });

  it('pages of limit/offset joined are the whole ordered list, ties included', async () => {
    // February temporary relief 人次 by township: A1 1 (LS-4), A2 0, B1 0: a tie
    const query = {
      measures: [I('temp_relief_person_times')], dimensions: [I('township_code')],
      timeDimensions: [{ dimension: I('month'), granularity: 'month' as const, dateRange: ['2025-01-01', '2025-03-31'] }],
      order: { [I('temp_relief_person_times')]: 'desc' as const },
    };
    const whole = rows(await api.load(query)).map((r) => [r[I('month.month')], r[I('township_code')], num(r[I('temp_relief_person_times')])]);
    expect(whole).toHaveLength(9);
    const pages: unknown[] = [];
    for (let offset = 0; offset < 9; offset += 2) {
      const page = await api.load({ ...query, limit: 2, offset, total: true });
      expect(page.totalRows()).toBe(9);
      pages.push(...rows(page).map((r) => [r[I('month.month')], r[I('township_code')], num(r[I('temp_relief_person_times')])]));
    }
    expect(pages).toEqual(whole);
    // by 人次, largest first; ties by month, then township (A1 < A2 < B1)
    const [jan, feb, mar] = ['2025-01-01T00:00:00.000', '2025-02-01T00:00:00.000', '2025-03-01T00:00:00.000'];
    expect(whole).toEqual([
      [jan, TOWN_B1, 3], [jan, TOWN_A1, 2], [mar, TOWN_B1, 2], [jan, TOWN_A2, 1], [feb, TOWN_A1, 1],
      [feb, TOWN_A2, 0], [feb, TOWN_B1, 0], [mar, TOWN_A1, 0], [mar, TOWN_A2, 0],
    ]);
  });

  it('`view.month.quarter` as an order member, after a dimension in the select list', async () => {
    const rs = await api.load({
      measures: [I('low_income_persons')], dimensions: [I('county_code')],
      timeDimensions: [{ dimension: I('month'), granularity: 'quarter', dateRange: ['2025-01-01', '2025-06-30'] }],
      order: [[I('month.quarter'), 'desc']],
    });
    // Q2 (May: A 101, 102, 103 → 3; B 104, 105, 109 → 3), then Q1 (March: A 6, B 3); counties by code within a quarter
    expect(rows(rs).map((r) => [r[I('month.quarter')], r[I('county_code')], num(r[I('low_income_persons')])])).toEqual([
      ['2025-04-01T00:00:00.000', COUNTY_A, 3], ['2025-04-01T00:00:00.000', COUNTY_B, 3],
      ['2025-01-01T00:00:00.000', COUNTY_A, 6], ['2025-01-01T00:00:00.000', COUNTY_B, 3],
    ]);
  });

  it('refuses an unknown member and a member the query does not select, with 400', async () => {
    expect(await refusal({ measures: [I('low_income_persons')], order: { [I('nope')]: 'desc' } })).toMatch(/未知成员/);
    expect(await refusal({ measures: [I('low_income_persons')], timeDimensions: [{ dimension: I('month'), dateRange: ['2025-03-01', '2025-03-31'] }], order: { [I('county_code')]: 'asc' } })).toMatch(/不在查询/);
  });
});

describe('relative date ranges at a fixed now (15 April 2025)', () => {
  it('"last quarter" is Q1: March\'s snapshot (9 persons) and the quarter\'s flows (4,200 yuan / 9 人次)', async () => {
    const rs = await api.load({ measures: [I('low_income_persons'), I('temp_relief_per_capita')], timeDimensions: [{ dimension: I('month'), granularity: 'quarter', dateRange: 'last quarter' }] });
    expect(rows(rs)).toHaveLength(1);
    expect(rows(rs)[0]![I('month.quarter')]).toBe('2025-01-01T00:00:00.000');
    expect(num(rows(rs)[0]![I('low_income_persons')])).toBe(9);
    close(rows(rs)[0]![I('temp_relief_per_capita')], 4200 / 9);
    expect(rs.query().timeDimensions![0]!.dateRange).toEqual(['2025-01-01T00:00:00.000', '2025-03-31T23:59:59.999']);
  });

  it('"last 6 months" by month: October–March, the months held (January–March)', async () => {
    const rs = await api.load({ measures: [I('low_income_persons')], timeDimensions: [{ dimension: I('month'), granularity: 'month', dateRange: 'last 6 months' }] });
    expect(rows(rs).map((r) => [r[I('month.month')], num(r[I('low_income_persons')])])).toEqual([
      ['2025-01-01T00:00:00.000', 5], ['2025-02-01T00:00:00.000', 6], ['2025-03-01T00:00:00.000', 9],
    ]);
  });

  it('"this year" by year: May\'s snapshot (6), the year\'s flows', async () => {
    const rs = await api.load({ measures: [I('low_income_persons'), I('temp_relief_amount')], timeDimensions: [{ dimension: I('month'), granularity: 'year', dateRange: 'this year' }] });
    expect(rows(rs).map((r) => [r[I('month.year')], num(r[I('low_income_persons')]), num(r[I('temp_relief_amount')])])).toEqual([['2025-01-01T00:00:00.000', 6, 4200]]);
  });

  it('"from … to …" and as an inDateRange filter value', async () => {
    const a = await api.load({ measures: [I('low_income_persons')], timeDimensions: [{ dimension: I('month'), granularity: 'month', dateRange: 'from 2025-02-01 to 2025-03-31' }] });
    expect(rows(a).map((r) => num(r[I('low_income_persons')]))).toEqual([6, 9]);
    const b = await api.load({ measures: [I('low_income_persons')], timeDimensions: [{ dimension: I('month'), granularity: 'month' }], filters: [{ member: I('month'), operator: 'inDateRange', values: ['last quarter'] }] });
    expect(rows(b).map((r) => num(r[I('low_income_persons')]))).toEqual([5, 6, 9]);
  });

  it('a one-element dateRange is that day; a day cuts a month, refused naming the whole month', async () => {
    const message = await refusal({ measures: [I('low_income_persons')], timeDimensions: [{ dimension: I('month'), dateRange: ['2025-03-15'] }] });
    expect(message).toContain('2025-03-01 至 2025-03-31');
    expect(await refusal({ measures: [I('low_income_persons')], timeDimensions: [{ dimension: I('month'), dateRange: 'today' }] })).toContain('2025-04-01 至 2025-04-30');
    const march = await api.load({ measures: [I('low_income_persons')], timeDimensions: [{ dimension: I('month'), dateRange: ['2025-03-01', '2025-03-31'] }] });
    expect(num(rows(march)[0]![I('low_income_persons')])).toBe(9);
  });

  it('refuses a phrase it cannot read, naming the forms it can', async () => {
    expect(await refusal({ measures: [I('low_income_persons')], timeDimensions: [{ dimension: I('month'), dateRange: 'the other week' }] })).toMatch(/无法解析日期范围.*last 6 months/);
  });
});

describe('partial periods: exactly the part inside the range', () => {
  const byQuarter = (dateRange: string[], measures: string[], dimensions: string[] = []) =>
    api.load({ measures: measures.map(I), dimensions: dimensions.map(I), timeDimensions: [{ dimension: I('month'), granularity: 'quarter', dateRange }] });

  it('January–February by quarter: flows of January and February, February\'s snapshot', async () => {
    const rs = await byQuarter(['2025-01-01', '2025-02-28'], ['temp_relief_amount', 'temp_relief_person_times', 'temp_relief_per_capita', 'proactive_discovery_rate', 'low_income_persons', 'low_income_coverage_rate', 'alleviated_dibao_share']);
    expect(rows(rs)).toHaveLength(1);
    const q1 = rows(rs)[0]!;
    expect(q1[I('month.quarter')]).toBe('2025-01-01T00:00:00.000');
    expect(num(q1[I('temp_relief_amount')])).toBe(3000); // LS-1..3 (2,500) + LS-4 (500)
    expect(num(q1[I('temp_relief_person_times')])).toBe(7); // 6 + 1
    close(q1[I('temp_relief_per_capita')], 3000 / 7);
    close(q1[I('proactive_discovery_rate')], (100 * 4) / 7); // SQ-1, 3, 5, 7 of SQ-1, 2, 3, 5, 6, 7, 8
    expect(num(q1[I('low_income_persons')])).toBe(6); // February: 101–106
    close(q1[I('low_income_coverage_rate')], (100 * 6) / 10000);
    close(q1[I('alleviated_dibao_share')], 100 / 3); // February: H1 of H1, H2, H3
  });

  it('February–March by quarter, by county: each county\'s own February–March', async () => {
    const rs = await byQuarter(['2025-02-01', '2025-03-31'], ['temp_relief_amount', 'temp_relief_person_times', 'low_income_persons'], ['county_code']);
    const byCounty = Object.fromEntries(rows(rs).map((r) => [r[I('county_code')], [num(r[I('temp_relief_amount')]), num(r[I('temp_relief_person_times')]), num(r[I('low_income_persons')])]]));
    // A: LS-4 (500, 1); March 101, 102, 107, 120, 103, 106. B: LS-5 (1,200, 2); March 104, 105, 108
    expect(byCounty).toEqual({ [COUNTY_A]: [500, 1, 6], [COUNTY_B]: [1200, 2, 3] });
    // Cube's default order: by quarter, then (ties) by county
    expect(rows(rs).map((r) => r[I('county_code')])).toEqual([COUNTY_A, COUNTY_B]);
  });

  it('January–April by quarter: Q1 whole, Q2 = April with April\'s snapshot (3), not May\'s (6)', async () => {
    const rs = await byQuarter(['2025-01-01', '2025-04-30'], ['low_income_persons', 'temp_relief_amount']);
    expect(rows(rs).map((r) => [r[I('month.quarter')], num(r[I('low_income_persons')]), num(r[I('temp_relief_amount')])])).toEqual([
      ['2025-01-01T00:00:00.000', 9, 4200],
      ['2025-04-01T00:00:00.000', 3, 0],
    ]);
    const whole = await byQuarter(['2025-04-01', '2025-06-30'], ['low_income_persons']);
    expect(num(rows(whole)[0]![I('low_income_persons')])).toBe(6); // the whole Q2: its last month held, May
  });

  it('February–May by year: one bucket, the year\'s label, May\'s snapshot and February–May\'s flows', async () => {
    const rs = await api.load({ measures: [I('low_income_persons'), I('temp_relief_amount')], timeDimensions: [{ dimension: I('month'), granularity: 'year', dateRange: ['2025-02-01', '2025-05-31'] }] });
    expect(rows(rs).map((r) => [r[I('month.year')], num(r[I('low_income_persons')]), num(r[I('temp_relief_amount')])])).toEqual([['2025-01-01T00:00:00.000', 6, 1700]]);
  });

  it('without granularity, a range of several months is one total: flows summed, the last month\'s snapshot', async () => {
    const rs = await api.load({ measures: [I('temp_relief_per_capita'), I('low_income_persons')], timeDimensions: [{ dimension: I('month'), dateRange: ['2025-02-01', '2025-03-31'] }] });
    close(rows(rs)[0]![I('temp_relief_per_capita')], 1700 / 3); // LS-4, LS-5
    expect(num(rows(rs)[0]![I('low_income_persons')])).toBe(9);
  });

  it('a quarter before the data: no row for it, the held part for the rest', async () => {
    const rs = await byQuarter(['2024-11-01', '2025-02-28'], ['low_income_persons']);
    expect(rows(rs).map((r) => [r[I('month.quarter')], num(r[I('low_income_persons')])])).toEqual([['2025-01-01T00:00:00.000', 6]]);
  });

  it('refuses what it cannot compute, naming the nearest whole-period range', async () => {
    const message = await refusal({ dimensions: [I('county_code')], timeDimensions: [{ dimension: I('month'), granularity: 'quarter', dateRange: ['2025-01-01', '2025-02-28'] }], ungrouped: true });
    expect(message).toContain('2025-01-01 至 2025-03-31');
    expect(await refusal({ measures: [I('low_income_persons')], timeDimensions: [{ dimension: I('month'), granularity: 'month' }], filters: [{ member: I('month'), operator: 'beforeDate', values: ['2025-02-15'] }] })).toMatch(/dateRange/);
  });

  it('the same on a catalogue view read from its mart', async () => {
    // low_income view: persons of February (6) for January–February by quarter
    const rs = await api.load({ measures: ['low_income.low_income_persons'], timeDimensions: [{ dimension: 'low_income.month', granularity: 'quarter', dateRange: ['2025-01-01', '2025-02-28'] }] });
    expect(rows(rs).map((r) => num(r['low_income.low_income_persons']))).toEqual([6]);
  });
});

describe('compareDateRange and blending', () => {
  it('compareDateRange: one result per range, each row labelled, chartPivot by range', async () => {
    const rs = await api.load({
      measures: [I('low_income_persons')],
      timeDimensions: [{ dimension: I('month'), granularity: 'month', compareDateRange: [['2025-01-01', '2025-02-28'], 'from 2025-02-01 to 2025-03-31'] }],
    });
    expect(rs.pivotQuery().queryType).toBe('compareDateRangeQuery');
    const [first, second] = rs.decompose();
    expect(rows(first!).map((r) => num(r[I('low_income_persons')]))).toEqual([5, 6]);
    expect(rows(second!).map((r) => num(r[I('low_income_persons')]))).toEqual([6, 9]);
    expect(rows(first!)[0]!.compareDateRange).toBe('2025-01-01T00:00:00.000 - 2025-02-28T23:59:59.999');
    const series = rs.seriesNames().map((s) => s.key);
    expect(series).toEqual([
      `2025-01-01T00:00:00.000 - 2025-02-28T23:59:59.999,${I('low_income_persons')}`,
      `2025-02-01T00:00:00.000 - 2025-03-31T23:59:59.999,${I('low_income_persons')}`,
    ]);
  });

  it('blending: chartPivot keeps both queries\' measures on one time axis', async () => {
    const rs = await api.load([
      { measures: [I('low_income_persons')], timeDimensions: [{ dimension: I('month'), granularity: 'month', dateRange: ['2025-01-01', '2025-03-31'] }] },
      { measures: ['temp_relief.temp_relief_amount'], timeDimensions: [{ dimension: 'temp_relief.month', granularity: 'month', dateRange: ['2025-01-01', '2025-03-31'] }] },
    ]);
    expect(rs.pivotQuery().queryType).toBe('blendingQuery');
    const pivot = rs.chartPivot();
    expect(pivot.map((p) => [p.x, p[I('low_income_persons')], p['temp_relief.temp_relief_amount']])).toEqual([
      ['2025-01-01T00:00:00.000', 5, 2500], ['2025-02-01T00:00:00.000', 6, 500], ['2025-03-01T00:00:00.000', 9, 1200],
    ]);
  });

  it('person-level members stay masked and audited when blended or compared', async () => {
    // the small city's one finding: SQ-10, pending past its deadline (applicant pid(310))
    const staff = client(await platform.token({ role: 'staff', region: CITY }));
    const person = { measures: ['integrity.findings'], dimensions: ['integrity.id_number', 'integrity.person_name'] };
    const audited = async () => Number((await platform.db.pool.query(`select count(*) as n from app.audit_log where action = 'query_person_level'`)).rows[0].n);
    const before = await audited();
    const blended = await staff.load([
      { ...person, timeDimensions: [{ dimension: 'integrity.month', granularity: 'month', dateRange: ['2025-01-01', '2025-12-31'] }] },
      { measures: [I('low_income_persons')], timeDimensions: [{ dimension: I('month'), granularity: 'month', dateRange: ['2025-01-01', '2025-12-31'] }] },
    ]);
    const compared = await staff.load({ ...person, timeDimensions: [{ dimension: 'integrity.month', granularity: 'year', compareDateRange: ['this year', 'last year'] }] });
    const found = [...rows(blended.decompose()[0]!), ...compared.decompose().flatMap(rows)];
    expect(found.length).toBeGreaterThan(0);
    for (const row of found) {
      expect(row['integrity.id_number']).toBe(`${pid(310).slice(0, 6)}********${pid(310).slice(-4)}`);
      if (row['integrity.person_name'] !== null) expect(String(row['integrity.person_name'])).toMatch(/\*/);
    }
    expect(JSON.stringify(blended.chartPivot())).not.toContain(pid(310));
    expect(await audited()).toBe(before + 3); // the blended query naming them, and each compared range
    // a role without access is refused in a dry-run too
    const leader = client(await platform.token({ role: 'leader', region: CITY }));
    await expect(leader.dryRun(person)).rejects.toThrow(/无权查询人员明细/);
  });

  it('blending needs one granularity in every query', async () => {
    expect(await refusal([
      { measures: [I('low_income_persons')], timeDimensions: [{ dimension: I('month'), granularity: 'month' }] },
      { measures: [I('low_income_persons')], timeDimensions: [{ dimension: I('month'), granularity: 'quarter' }] },
    ])).toMatch(/粒度须相同/);
  });
});

describe('dry-run, meta, the granularity dimension form, limits', () => {
  it('dry-run: the normalised query, pivot query, query type and order, nothing run', async () => {
    const answer = await api.dryRun({ measures: [I('low_income_persons')], dimensions: [I('county_code')], timeDimensions: [{ dimension: I('month'), granularity: 'quarter', dateRange: 'last quarter' }] }) as any;
    expect(answer.queryType).toBe('regularQuery');
    expect(answer.normalizedQueries[0]).toMatchObject({
      timezone: 'UTC', limit: 10_000, order: [{ id: I('month'), desc: false }],
      timeDimensions: [{ dimension: I('month'), granularity: 'quarter', dateRange: ['2025-01-01T00:00:00.000', '2025-03-31T23:59:59.999'] }],
    });
    expect(answer.pivotQuery.queryType).toBe('regularQuery');
    expect(answer.queryOrder).toEqual([{ [I('month')]: 'asc' }]);
    // Cube's rollup-matching form of the query that runs (the gateway's rewrite adds its own members)
    expect(answer.transformedQueries).toHaveLength(1);
    expect(answer.transformedQueries[0].measures).toContain(I('low_income_persons'));
    expect(answer.transformedQueries[0].sortedDimensions).toEqual(expect.arrayContaining([I('county_code')]));
    expect(answer.transformedQueries[0].timeDimensions).toEqual(expect.arrayContaining([[I('month'), 'quarter']]));
    const blended = await api.dryRun([
      { measures: [I('low_income_persons')], timeDimensions: [{ dimension: I('month'), granularity: 'month' }] },
      { measures: ['temp_relief.temp_relief_amount'], timeDimensions: [{ dimension: 'temp_relief.month', granularity: 'month' }] },
    ]) as any;
    expect(blended.queryType).toBe('blendingQuery');
    expect(blended.pivotQuery.measures).toEqual([I('low_income_persons'), 'temp_relief.temp_relief_amount']);
  });

  it('meta hides the gateway\'s own members; ?extended adds each member\'s SQL', async () => {
    const meta = await api.meta();
    const names = meta.meta.cubes.flatMap((c) => c.dimensions.map((d) => d.name));
    for (const hidden of ['period_grain', 'region_level', 'snapshot_month', 'row_key']) {
      expect(names.filter((n) => n.endsWith(`.${hidden}`)), hidden).toEqual([]);
    }
    const res = await fetch(`${apiUrl}/meta?extended`, { headers: { authorization: admin } });
    const view = (await res.json()).cubes.find((c: { name: string }) => c.name === 'indicators');
    expect(view.fileName).toBe('views/indicators.yml');
    const rate = view.measures.find((m: { name: string }) => m.name === I('low_income_coverage_rate'));
    expect(rate.sql).toBe('100.0 * {low_income_persons} / NULLIF({registered_population}, 0)');
    expect(view.dimensions.map((d: { name: string }) => d.name)).not.toContain(I('period_grain'));
  });

  it('`view.month.quarter` in dimensions is the time dimension by quarter', async () => {
    const rs = await api.load({ measures: [I('low_income_persons')], dimensions: [I('month.quarter')], filters: [{ member: I('month'), operator: 'inDateRange', values: ['2025-01-01', '2025-03-31'] }] });
    expect(rows(rs).map((r) => [r[I('month.quarter')], num(r[I('low_income_persons')])])).toEqual([['2025-01-01T00:00:00.000', 9]]);
  });

  it('a query over two views is refused with 400, pointing to blending', async () => {
    const message = await refusal({ measures: [I('low_income_persons'), 'temp_relief.temp_relief_amount'], timeDimensions: [{ dimension: I('month'), granularity: 'month' }, { dimension: 'temp_relief.month', granularity: 'month' }] });
    expect(message).toContain('一个查询只能使用同一视图的成员，此查询用到了 indicators、temp_relief');
    expect(message).toContain('blending');
  });

  it('the default limit is echoed; one beyond the maximum is refused', async () => {
    const rs = await api.load({ measures: [I('low_income_persons')], timeDimensions: [{ dimension: I('month'), granularity: 'month' }] });
    expect(rs.query().limit).toBe(10_000);
    expect(await refusal({ measures: [I('low_income_persons')], limit: 50_001 })).toMatch(/超过上限 50000/);
  });
});

describe('timezone: the same months on a rollup-served and a mart-served view', () => {
  const trend = (view: string, measure: string, timezone?: string) => ({
    measures: [`${view}.${measure}`],
    timeDimensions: [{ dimension: `${view}.month`, granularity: 'month' as const, dateRange: ['2025-01-01', '2025-03-31'] }],
    ...(timezone ? { timezone } : {}),
  });

  it('indicators is read from its rollup, low_income from its mart', async () => {
    const rollup = await platform.app.inject({ url: `/cubejs-api/v1/sql?query=${encodeURIComponent(JSON.stringify(trend('indicators', 'low_income_persons', 'Asia/Shanghai')))}`, headers: { authorization: admin } });
    expect(rollup.json().sql.preAggregations.map((p: { tableName: string }) => p.tableName)).toEqual(['rollups.indicator_periods_city_trend']);
    const mart = await platform.app.inject({ url: `/cubejs-api/v1/sql?query=${encodeURIComponent(JSON.stringify(trend('low_income', 'low_income_persons', 'Asia/Shanghai')))}`, headers: { authorization: admin } });
    expect(mart.json().sql.preAggregations).toEqual([]);
  });

  it.each([undefined, 'UTC', 'Asia/Shanghai'])('%s: January–March as 5, 6, 9 on both, the zone echoed', async (timezone) => {
    for (const view of ['indicators', 'low_income']) {
      const rs = await api.load(trend(view, 'low_income_persons', timezone));
      expect(rows(rs).map((r) => [r[`${view}.month.month`], num(r[`${view}.low_income_persons`])]), view).toEqual([
        ['2025-01-01T00:00:00.000', 5], ['2025-02-01T00:00:00.000', 6], ['2025-03-01T00:00:00.000', 9],
      ]);
      expect(rs.query().timezone).toBe(timezone ?? 'UTC');
    }
  });

  it('another zone is refused on both, saying why', async () => {
    for (const view of ['indicators', 'low_income']) {
      expect(await refusal(trend(view, 'low_income_persons', 'America/New_York'))).toMatch(/中国日历/);
    }
  });

  it('"this month" follows the query\'s zone: 20:00 UTC on 31 March is April in China (3 persons), March in UTC (9)', async () => {
    const before = clock.now;
    clock.now = new Date('2025-03-31T20:00:00.000Z');
    try {
      for (const view of ['indicators', 'low_income']) {
        const query = (timezone: string) => ({ measures: [`${view}.low_income_persons`], timeDimensions: [{ dimension: `${view}.month`, dateRange: 'this month' }], timezone });
        expect(num(rows(await api.load(query('UTC')))[0]![`${view}.low_income_persons`]), view).toBe(9);
        expect(num(rows(await api.load(query('Asia/Shanghai')))[0]![`${view}.low_income_persons`]), view).toBe(3);
      }
    } finally {
      clock.now = before;
    }
  });
});

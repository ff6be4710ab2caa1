// Every headline indicator against values worked out by hand from the rows of
// test/fixtures/small-city.ts, at month, quarter and year, for the city, a
// county and a township, through the real ETL, models and Cube API.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { CITY, COUNTY_A, COUNTY_B, TOWN_A2, writeSmallCity } from './fixtures/small-city.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
let dir: string;
let admin: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  dir = await mkdtemp(path.join(os.tmpdir(), 'small-city-'));
  await writeSmallCity(dir);
  await runLoad(platform.db.pool, [dir], { runBy: 'test' });
  admin = await platform.token({ role: 'admin', region: CITY });
});

afterAll(async () => {
  await platform?.close();
  await rm(dir, { recursive: true, force: true });
});

const RATES = [
  'indicators.low_income_coverage_rate',
  'indicators.alleviated_dibao_share',
  'indicators.alleviated_person_dibao_share',
  'indicators.relapse_watch_dibao_share',
  'indicators.temp_relief_per_capita',
  'indicators.proactive_discovery_rate',
];

async function rates(granularity: string, dateRange: [string, string], dimensions: string[] = [], token = admin) {
  const { status, body } = await platform.load({ measures: RATES, dimensions, timeDimensions: [{ dimension: 'indicators.month', granularity, dateRange }] }, token);
  expect(status, JSON.stringify(body)).toBe(200);
  return (body.data as Record<string, string | null>[]).map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace('indicators.', ''), RATES.includes(k) && v !== null ? Number(v) : v])),
  );
}

const close = (actual: unknown, expected: number) => expect(actual as number).toBeCloseTo(expected, 6);

describe('headline indicators, city-wide', () => {
  it('January 2025 (month)', async () => {
    const [jan] = await rates('month', ['2025-01-01', '2025-01-31']);
    close(jan!.low_income_coverage_rate, (100 * 5) / 10000); // persons 101–105 / city population
    close(jan!.alleviated_dibao_share, (100 * 2) / 3); // H1 (1), H3 (4) of H1, H2, H3
    close(jan!.alleviated_person_dibao_share, (100 * 2) / 5); // 1, 4 of 1–5
    close(jan!.relapse_watch_dibao_share, 50); // 6 of 6, 7
    close(jan!.temp_relief_per_capita, 2500 / 6); // LS-1..3
    close(jan!.proactive_discovery_rate, (100 * 3) / 5); // SQ-1, 3, 5 of SQ-1, 2, 3, 5, 6
  });

  it('each month of the trend', async () => {
    const rows = await rates('month', ['2025-01-01', '2025-03-31']);
    expect(rows.map((r) => r['month.month'])).toEqual(['2025-01-01T00:00:00.000', '2025-02-01T00:00:00.000', '2025-03-01T00:00:00.000']);
    close(rows[1]!.low_income_coverage_rate, (100 * 6) / 10000);
    close(rows[1]!.alleviated_dibao_share, 100 / 3); // only H1 on the roster in February
    close(rows[1]!.temp_relief_per_capita, 500);
    close(rows[1]!.proactive_discovery_rate, 50); // SQ-7 (decided in Feb) and SQ-8
    close(rows[2]!.low_income_coverage_rate, (100 * 9) / 10000); // 120 listed twice counts once
    close(rows[2]!.alleviated_dibao_share, 75); // March snapshot adds H4: H1, H3, H4 of 4
    close(rows[2]!.proactive_discovery_rate, 0); // SQ-9 by hotline; SQ-10 pending
  });

  it('Q1 2025: snapshots take March, flows add up the quarter', async () => {
    const [q1] = await rates('quarter', ['2025-01-01', '2025-03-31']);
    expect(q1!['month.quarter']).toBe('2025-01-01T00:00:00.000');
    close(q1!.low_income_coverage_rate, (100 * 9) / 10000);
    close(q1!.alleviated_dibao_share, 75);
    close(q1!.alleviated_person_dibao_share, 50); // 1, 5, 8 of 1–5, 8
    close(q1!.relapse_watch_dibao_share, 50); // 7 of 6, 7
    close(q1!.temp_relief_per_capita, 4200 / 9);
    close(q1!.proactive_discovery_rate, 50); // 4 of 8 approved
  });

  it('the year equals its only quarter with data', async () => {
    const [year] = await rates('year', ['2025-01-01', '2025-12-31']);
    const [q1] = await rates('quarter', ['2025-01-01', '2025-03-31']);
    for (const m of RATES) close(year![m.replace('indicators.', '')], q1![m.replace('indicators.', '')] as number);
  });

  it('a dateRange of exactly one quarter without granularity is that quarter', async () => {
    const { status, body } = await platform.load({ measures: ['indicators.temp_relief_per_capita'], timeDimensions: [{ dimension: 'indicators.month', dateRange: ['2025-01-01', '2025-03-31'] }] }, admin);
    expect(status).toBe(200);
    close(Number(body.data[0]['indicators.temp_relief_per_capita']), 4200 / 9);
  });
});

describe('headline indicators by county and township', () => {
  it('January by county', async () => {
    const rows = await rates('month', ['2025-01-01', '2025-01-31'], ['indicators.county_code', 'indicators.county_name']);
    const a = rows.find((r) => r.county_code === COUNTY_A)!;
    const b = rows.find((r) => r.county_code === COUNTY_B)!;
    expect(rows).toHaveLength(2);
    expect(a.county_name).toBe('甲区');
    close(a.low_income_coverage_rate, (100 * 3) / 6000);
    close(b.low_income_coverage_rate, (100 * 2) / 4000);
    close(a.alleviated_dibao_share, 50);
    close(b.alleviated_dibao_share, 100);
    close(a.alleviated_person_dibao_share, 100 / 3);
    close(b.relapse_watch_dibao_share, 100);
    close(a.relapse_watch_dibao_share, 0);
    close(a.temp_relief_per_capita, 1600 / 3);
    close(b.temp_relief_per_capita, 300);
    close(a.proactive_discovery_rate, (100 * 2) / 3);
    close(b.proactive_discovery_rate, 50);
  });

  it('Q1 by county', async () => {
    const rows = await rates('quarter', ['2025-01-01', '2025-03-31'], ['indicators.county_code']);
    const a = rows.find((r) => r.county_code === COUNTY_A)!;
    const b = rows.find((r) => r.county_code === COUNTY_B)!;
    close(a.low_income_coverage_rate, (100 * 6) / 6000); // county's own population, not its townships' sum
    close(b.low_income_coverage_rate, (100 * 3) / 4000);
    close(a.alleviated_dibao_share, 50);
    close(b.alleviated_dibao_share, 100);
    close(a.relapse_watch_dibao_share, 100);
    close(b.relapse_watch_dibao_share, 0);
    close(a.temp_relief_per_capita, 2100 / 4);
    close(b.temp_relief_per_capita, 2100 / 5);
    close(a.proactive_discovery_rate, 60);
    close(b.proactive_discovery_rate, 100 / 3);
  });

  it('March by township uses each township\'s own population', async () => {
    const rows = await rates('month', ['2025-03-01', '2025-03-31'], ['indicators.township_code']);
    expect(rows).toHaveLength(3);
    close(rows.find((r) => r.township_code === TOWN_A2)!.low_income_coverage_rate, (100 * 2) / 2500);
  });
});

describe('the API behaves as Cube does', () => {
  it('answers queryType=multi with results and a pivot query', async () => {
    const query = JSON.stringify({ measures: ['indicators.low_income_persons'], timeDimensions: [{ dimension: 'indicators.month', granularity: 'month' }] });
    const res = await platform.app.inject({ method: 'GET', url: `/cubejs-api/v1/load?queryType=multi&query=${encodeURIComponent(query)}`, headers: { authorization: admin } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.queryType).toBe('regularQuery');
    expect(body.results[0].data.map((r: Record<string, string>) => Number(r['indicators.low_income_persons']))).toEqual([5, 6, 9]);
    expect(body.results[0].annotation.measures['indicators.low_income_persons'].shortTitle).toBe('低收入人口数');
  });

  it('counts every row in total, not only the page limit and offset select', async () => {
    const { status, body } = await platform.load({ measures: ['indicators.low_income_persons'], timeDimensions: [{ dimension: 'indicators.month', granularity: 'month' }], limit: 1, offset: 1, total: true }, admin);
    expect(status).toBe(200);
    expect(body.data).toHaveLength(1);
    expect(Number(body.data[0]['indicators.low_income_persons'])).toBe(6);
    expect(body.total).toBe(3);
  });

  it('serves the dashboard and falls back to it for client-side routes', async () => {
    const { DASHBOARD_DIR } = await import('../server/app.ts');
    const { existsSync } = await import('node:fs');
    if (!existsSync(`${DASHBOARD_DIR}/index.html`)) throw new Error('dist/dashboard is not built: run vite build (npm test does)');
    for (const url of ['/', '/living', '/integrity?role=inspector']) {
      const res = await platform.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
    }
    // an unknown API path: 401 without a token (nothing is said about what exists), 404 with one
    expect((await platform.app.inject({ url: '/api/nope' })).statusCode).toBe(401);
    expect((await platform.app.inject({ url: '/api/nope', headers: { authorization: admin } })).statusCode).toBe(404);
  });

  it('lists every headline indicator with Chinese titles in /meta', async () => {
    const res = await platform.app.inject({ url: '/cubejs-api/v1/meta', headers: { authorization: admin } });
    const view = res.json().cubes.find((c: { name: string }) => c.name === 'indicators');
    const measures = new Map(view.measures.map((m: { name: string; shortTitle: string; description: string }) => [m.name, m]));
    for (const name of RATES) {
      const m = measures.get(name) as { shortTitle: string; description: string } | undefined;
      expect(m, name).toBeDefined();
      expect(m!.shortTitle).toMatch(/[\u4e00-\u9fa5]/);
      expect(m!.description).toMatch(/[\u4e00-\u9fa5]/);
    }
    expect(res.json().cubes.map((c: { name: string }) => c.name)).not.toContain('indicator_periods');
  });

  it('shows the SQL it runs, with the server-chosen grain and level', async () => {
    const query = JSON.stringify({ measures: ['indicators.low_income_coverage_rate'], dimensions: ['indicators.county_name'], timeDimensions: [{ dimension: 'indicators.month', granularity: 'quarter' }] });
    const res = await platform.app.inject({ url: `/cubejs-api/v1/sql?query=${encodeURIComponent(query)}`, headers: { authorization: admin } });
    expect(res.statusCode).toBe(200);
    const [sql, params] = res.json().sql.sql;
    expect(sql).toContain('rollups.indicator_periods_county_ranking');
    expect(res.json().sql.preAggregations).toEqual([{ preAggregationId: 'indicator_periods.county_ranking', tableName: 'rollups.indicator_periods_county_ranking' }]);
    expect(params).toEqual(expect.arrayContaining(['quarter', 'county']));
  });

  it.each([
    [{ measures: ['indicators.nope'], timeDimensions: [{ dimension: 'indicators.month', granularity: 'month' }] }, '未知的成员'],
    [{ measures: ['indicators.low_income_persons'] }, '指定粒度'],
    [{ measures: ['indicators.low_income_persons'], timeDimensions: [{ dimension: 'indicators.month', granularity: 'day' }] }, '不支持粒度'],
    [{ measures: ['indicators.low_income_persons'], dimensions: ['indicators.period_grain'], timeDimensions: [{ dimension: 'indicators.month', granularity: 'month' }] }, '由服务端'],
    [{ measures: ['indicator_periods.low_income_persons'], timeDimensions: [{ dimension: 'indicator_periods.month', granularity: 'month' }] }, '未知的成员'],
    [{ measures: 'x' }, '查询格式错误'],
  ])('rejects a bad query with 400 and a reason: %j', async (query, reason) => {
    const { status, body } = await platform.load(query, admin);
    expect(status).toBe(400);
    expect(body.error).toContain(reason);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('refuses requests without a valid token', async () => {
    const none = await platform.app.inject({ url: '/cubejs-api/v1/meta' });
    // Cube's status for a missing or bad token
    expect(none.statusCode).toBe(403);
    expect(none.json().error).toContain('缺少访问令牌');
    const forged = await platform.app.inject({ url: '/cubejs-api/v1/meta', headers: { authorization: admin.slice(0, -4) + 'AAAA' } });
    expect(forged.statusCode).toBe(403);
    expect(forged.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('is ready when the warehouse answers', async () => {
    const res = await platform.app.inject({ url: '/readyz' });
    expect(res.json()).toEqual({ health: 'HEALTH' });
  });
});

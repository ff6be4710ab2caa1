// Rollups: declared in the Cube model, built after each load in versioned
// tables swapped in atomically, used by the gateway when a query matches, and
// never a different answer from the marts.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileModel } from '../cube/compiler.ts';
import { listRollups, refreshModelRollups } from '../cube/rollups/index.ts';
import { runLoad } from '../etl/load/batch.ts';
import { CITY, writeSmallCity } from './fixtures/small-city.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
let dir: string;
let leader: string;

const HEADLINE = ['indicators.low_income_coverage_rate', 'indicators.alleviated_dibao_share', 'indicators.temp_relief_per_capita', 'indicators.proactive_discovery_rate'];
const trend = (granularity: string) => ({ measures: HEADLINE, timeDimensions: [{ dimension: 'indicators.month', granularity, dateRange: ['2024-01-01', '2025-12-31'] }] });
const ranking = { measures: HEADLINE, dimensions: ['indicators.county_code', 'indicators.county_name'], timeDimensions: [{ dimension: 'indicators.month', granularity: 'quarter', dateRange: ['2025-01-01', '2025-03-31'] }] };

async function sqlOf(query: object): Promise<{ sql: string; preAggregations: { preAggregationId: string }[] }> {
  const res = await platform.app.inject({ url: `/cubejs-api/v1/sql?query=${encodeURIComponent(JSON.stringify(query))}`, headers: { authorization: leader } });
  expect(res.statusCode).toBe(200);
  return { sql: res.json().sql.sql[0], preAggregations: res.json().sql.preAggregations };
}

beforeAll(async () => {
  // every answer read from the warehouse: a test drops a rollup and reads the marts' answer (no result cache)
  platform = await startTestPlatform({ env: { RESULT_CACHE_MB: '0' } });
  dir = await mkdtemp(path.join(os.tmpdir(), 'rollups-'));
  await writeSmallCity(dir);
  await runLoad(platform.db.pool, [dir], { runBy: 'test' });
  leader = await platform.token({ role: 'leader', region: CITY });
});

afterAll(async () => {
  await platform?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('rollups', () => {
  it('are declared in the data model with their build SQL', async () => {
    const rollups = listRollups(await compileModel());
    expect(rollups.map((r) => r.id)).toEqual(expect.arrayContaining(['indicator_periods.city_trend', 'indicator_periods.county_ranking']));
    for (const r of rollups) {
      expect(r.selectSql).toMatch(/^SELECT/);
      expect(r.refreshKeySql).toContain('etl.batches');
    }
  });

  it('are built by the load and recorded with their version', async () => {
    const builds = await platform.db.pool.query(`select rollup_id, version, row_count from rollups.builds order by rollup_id`);
    expect(builds.rows.map((r) => r.rollup_id)).toEqual(expect.arrayContaining(['indicator_periods.city_trend', 'indicator_periods.county_ranking']));
    // city trend: 1 city × (3 months + 1 quarter + 1 year)
    const trendRows = await platform.db.pool.query(`select count(*)::int as n from rollups.indicator_periods_city_trend where "indicator_periods__region_level" = 'city'`);
    expect(trendRows.rows[0].n).toBe(5);
  });

  it('answer the leadership page queries, for a city token too', async () => {
    expect((await sqlOf(trend('month'))).preAggregations.map((p) => p.preAggregationId)).toEqual(['indicator_periods.city_trend']);
    const r = await sqlOf(ranking);
    expect(r.preAggregations.map((p) => p.preAggregationId)).toEqual(['indicator_periods.county_ranking']);
    expect(r.sql).toContain('rollups.indicator_periods_county_ranking');
  });

  it('are not used where they cannot answer: by township the mart is read', async () => {
    const r = await sqlOf({ ...ranking, dimensions: ['indicators.township_code'] });
    expect(r.preAggregations).toEqual([]);
    expect(r.sql).toContain('marts.fct_indicator_period');
  });

  it('give the same figures as the mart, and the mart answers while a rollup is missing', async () => {
    const fromRollup = await platform.load(ranking, leader);
    await platform.db.pool.query('drop table rollups.indicator_periods_county_ranking');
    const r = await sqlOf(ranking);
    expect(r.preAggregations).toEqual([]);
    const fromMart = await platform.load(ranking, leader);
    expect(fromMart.status, JSON.stringify(fromMart.body)).toBe(200);
    expect(fromMart.body.data).toEqual(fromRollup.body.data);
    expect(fromRollup.body.data).toHaveLength(2);
  });

  it('a refresh rebuilds only what is missing or stale, under a new version', async () => {
    const client = await platform.db.pool.connect();
    try {
      const results = await refreshModelRollups(client);
      const byId = new Map(results.map((x) => [x.id, x.outcome]));
      expect(byId.get('indicator_periods.county_ranking')).toBe('built');
      expect(byId.get('indicator_periods.city_trend')).toBe('fresh');
    } finally {
      client.release();
    }
    expect((await sqlOf(ranking)).preAggregations).toHaveLength(1);
    const versions = await platform.db.pool.query(`select count(distinct version)::int as n from rollups.builds where rollup_id = 'indicator_periods.county_ranking'`);
    expect(versions.rows[0].n).toBe(2);
    const leftovers = await platform.db.pool.query(`select count(*)::int as n from information_schema.tables where table_schema = 'rollups' and table_name like '%\\_\\_v%'`);
    expect(leftovers.rows[0].n).toBe(0);
  });
});

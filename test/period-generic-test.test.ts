// The generic data test period_rollup_consistent (tests/generic/) passes on
// the built period marts and fails when a mart breaks the snapshot/flow rule:
// a snapshot column summed over the quarter's months, or a flow column taken
// from the last month only. The marts are altered inside a transaction that
// is rolled back.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { compileProject, loadProject, type CompiledProject } from '../models/runner/index.ts';
import { compileTest, runTest } from '../models/runner/tests.ts';
import type { TestSpec } from '../models/runner/test-spec.ts';
import { writeSmallCity } from './fixtures/small-city.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let dir: string;
let compiled: CompiledProject;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'generic-test-'));
  await writeSmallCity(dir);
  await runLoad(db.pool, [dir], { runBy: 'test', refreshRollups: false });
  compiled = compileProject(await loadProject('.'));
});

afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

function rollupTest(model: string): TestSpec {
  const spec = compiled.project.tests.find((t) => t.generic === 'period_rollup_consistent' && t.target.kind === 'model' && t.target.model === model);
  if (!spec) throw new Error(`no period_rollup_consistent on ${model}`);
  return spec;
}

/**
 * Runs the mart's test after `plant` inside a transaction that is rolled back. `changedMonths`: as
 * after a run that updated the mart in place for those months (is_incremental() true in the test).
 */
async function failuresAfter(model: string, plant: string, changedMonths?: string[]): Promise<Array<Record<string, unknown>>> {
  const client: pg.PoolClient = await db.pool.connect();
  try {
    await client.query('begin');
    if (plant) await client.query(plant);
    const sql = changedMonths === undefined
      ? compileTest(rollupTest(model), compiled)!
      : compileTest(rollupTest(model), compileProject(compiled.project, { vars: { changed_months: changedMonths } }), true)!;
    const result = await runTest(client, rollupTest(model), sql);
    expect(result.error).toBeUndefined();
    return result.failures === 0 ? [] : (await client.query(`select * from (${result.sql}) t`)).rows;
  } finally {
    await client.query('rollback');
    client.release();
  }
}

describe('period_rollup_consistent', () => {
  it('is declared on every period mart', () => {
    const marts = [...compiled.models.keys()].filter((m) => /^fct_.*_period$/.test(m));
    expect(marts.length).toBeGreaterThanOrEqual(10);
    for (const mart of marts) expect(() => rollupTest(mart)).not.toThrow();
  });

  it('passes on the built marts', async () => {
    expect(await failuresAfter('fct_basic_living_period', '')).toEqual([]);
    expect(await failuresAfter('fct_benefit_period', '')).toEqual([]);
    expect(await failuresAfter('fct_indicator_period', '')).toEqual([]);
  });

  it('fails on a snapshot column summed over the quarter', async () => {
    const rows = await failuresAfter('fct_indicator_period', `
      update marts.fct_indicator_period as q set low_income_persons = (
        select sum(m.low_income_persons) from marts.fct_indicator_period as m
        where m.period_grain = 'month' and m.region_code = q.region_code
          and m.period_start >= q.period_start and m.period_start < q.period_start + interval '3 months')
      where q.period_grain = 'quarter'`);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r['column_name']))).toEqual(new Set(['low_income_persons']));
  });

  it('fails on a flow column taken from the last month only', async () => {
    const rows = await failuresAfter('fct_indicator_period', `
      update marts.fct_indicator_period as q set temp_relief_person_times = (
        select m.temp_relief_person_times from marts.fct_indicator_period as m
        where m.period_grain = 'month' and m.period_start = q.snapshot_month and m.region_code = q.region_code)
      where q.period_grain = 'year'`);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r['column_name'] === 'temp_relief_person_times' && String(r['period_region_key']).startsWith('year:'))).toBe(true);
  });

  it('after an update in place, checks the periods holding a changed month', async () => {
    const { rows } = await db.pool.query<{ q: string }>(
      `select max(period_start)::text as q from marts.fct_indicator_period where period_grain = 'quarter'`);
    const last = rows[0]!.q;
    const elsewhere = `${Number(last.slice(0, 4)) + 3}-01-01`; // a month of no period in the mart
    const breakQuarter = (q: string) => `update marts.fct_indicator_period set temp_relief_person_times = temp_relief_person_times + 1
      where period_grain = 'quarter' and period_start = '${q}' and region_level = 'city'`;
    // A quarter the load did not change is not read again; the full test still sees it.
    expect(await failuresAfter('fct_indicator_period', breakQuarter(last), [elsewhere])).toEqual([]);
    expect((await failuresAfter('fct_indicator_period', breakQuarter(last))).length).toBeGreaterThan(0);
    // The changed month's quarter is checked against all its months.
    const rows2 = await failuresAfter('fct_indicator_period', breakQuarter(last), [last]);
    expect(rows2.map((r) => r['period_region_key'])).toEqual([expect.stringMatching(new RegExp(`^quarter:${last}`))]);
    // Unchanged: the scoped test passes on the built mart.
    expect(await failuresAfter('fct_indicator_period', '', [last])).toEqual([]);
  });

  it('fails on a snapshot mart whose quarter row differs from its last month', async () => {
    const rows = await failuresAfter('fct_basic_living_period', `
      update marts.fct_basic_living_period set persons = persons + 1
      where period_grain = 'quarter' and region_level = 'city'`);
    expect(rows.length).toBeGreaterThan(0);
  });
});

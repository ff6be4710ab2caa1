// Readers during a load: the models and rollups a load rebuilds are built aside
// and published just before its commit, so a reader on another connection is
// never blocked (lock_timeout 200 ms) and sees the data as it was until the
// commit, then the new data.
import { appendFile, copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { pid, VIL_A2, writeSmallCity } from './fixtures/small-city.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let root: string;
let city: string;

beforeAll(async () => {
  db = await createTestDatabase();
  root = await mkdtemp(path.join(os.tmpdir(), 'load-readers-'));
  city = path.join(root, 'city');
  await writeSmallCity(city);
  await runLoad(db.pool, [city], { runBy: 'test' });
});

afterAll(async () => {
  await db?.drop();
  await rm(root, { recursive: true, force: true });
});

const MART = 'marts.fct_indicator_period';

async function rollupTables(): Promise<string[]> {
  const r = await db.pool.query<{ name: string }>(
    `select 'rollups.' || table_name as name from information_schema.tables where table_schema = 'rollups' and table_name <> 'builds' order by 1`,
  );
  return r.rows.map((x) => x.name);
}

/** What a dashboard reader sees, read on its own connection that gives up on any lock after 200 ms. */
async function readAsReader(tables: string[]): Promise<Record<string, string>> {
  const client = await db.pool.connect();
  try {
    await client.query(`set lock_timeout = '200ms'`);
    const out: Record<string, string> = {};
    for (const t of tables) {
      const r = await client.query<{ sum: string }>(`select count(*) || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as sum from ${t} x`);
      out[t] = r.rows[0]!.sum;
    }
    // the figure the load changes: March's low-income persons in the city
    const march = await client.query<{ n: string }>(
      `select low_income_persons::text as n from ${MART} where period_grain = 'month' and period_start = '2025-03-01' and region_level = 'city'`,
    );
    out.march = march.rows[0]!.n;
    return out;
  } finally {
    client.release();
  }
}

describe('readers during a load', () => {
  it('are not blocked and see the old data until the commit, then the new', async () => {
    const tables = [MART, ...(await rollupTables())];
    expect(tables.length).toBeGreaterThan(1);
    const before = await readAsReader(tables);

    // March again, with one more low-income person
    const dir = path.join(root, 'march');
    await mkdir(dir);
    const file = path.join(dir, 'low-income-202503.csv');
    await copyFile(path.join(city, 'low-income-202503.csv'), file);
    await appendFile(file, `2025-03,JT130,${pid(130)},低收入130,${VIL_A2},低保边缘人口,2024-06-01\r\n`);

    let during: Record<string, string> | null = null;
    const report = await runLoad(db.pool, [dir], {
      runBy: 'test',
      beforePublish: async () => {
        during = await readAsReader(tables);
      },
    });
    expect(report.refresh).toEqual({ full: null, months: ['2025-03-01'] });
    expect(report.rollups.some((r) => r.outcome === 'built')).toBe(true);
    expect(during).toEqual(before);

    const after = await readAsReader(tables);
    expect(Number(after.march)).toBe(Number(before.march) + 1);
    for (const t of tables) expect(after[t], t).not.toBe(before[t]);
  });
});

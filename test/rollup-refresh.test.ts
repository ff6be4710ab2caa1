// A load rebuilds only the rollups it must: one whose sources it did not
// change keeps its table (its refresh key carried forward), one whose sources
// it changed is rebuilt, equal to building it afresh; a rollup that was stale
// before the load is rebuilt whatever the load changed. The rollup
// definitions are compiled once per version of the Cube model and stored.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileModel } from '../cube/compiler.ts';
import { listRollups, modelHash, type RollupDefinition } from '../cube/rollups/index.ts';
import { runLoad, type LoadReport } from '../etl/load/batch.ts';
import { pid, VIL_A1, writeSmallCity } from './fixtures/small-city.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let root: string;
let rollups: RollupDefinition[];
let loads = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  root = await mkdtemp(path.join(os.tmpdir(), 'rollup-refresh-'));
  const city = path.join(root, 'city');
  await writeSmallCity(city);
  await runLoad(db.pool, [city], { runBy: 'test' });
  rollups = listRollups(await compileModel());
}, 300_000);

afterAll(async () => {
  await db?.drop();
  await rm(root, { recursive: true, force: true });
});

/** A load of one file, named and written as given. */
async function loadFile(name: string, text: string, options: { refreshRollups?: boolean } = {}): Promise<LoadReport> {
  const dir = path.join(root, `load-${++loads}`);
  await mkdir(dir);
  await writeFile(path.join(dir, name), text);
  return runLoad(db.pool, [dir], { runBy: 'test', ...options });
}

/** Warnings feed no model the rollups read (fct_indicator_period). */
const warnings = (id: string) =>
  '预警编号,预警日期,身份证号,姓名,区划代码,预警来源,预警事由,预警等级,处置状态\r\n' +
  `${id},2025-03-05,${pid(401)},预警一,${VIL_A1},医保,大额医疗支出,红,待核查\r\n`;

/** The March low-income list of the small city again, without its last `drop` persons: it feeds the rollups' mart. */
async function lowIncomeAgain(drop: number): Promise<string> {
  const lines = (await readFile(path.join(root, 'city', 'low-income-202503.csv'), 'utf8')).split('\r\n').filter((l) => l !== '');
  return lines.slice(0, lines.length - drop).join('\r\n') + '\r\n';
}

async function builds(): Promise<Map<string, { version: string; refresh_key: string | null }>> {
  const r = await db.pool.query<{ rollup_id: string; version: string; refresh_key: string | null }>(
    `select distinct on (rollup_id) rollup_id, version, refresh_key from rollups.builds order by rollup_id, built_at desc`,
  );
  return new Map(r.rows.map((x) => [x.rollup_id, { version: x.version, refresh_key: x.refresh_key }]));
}

/** Rows of the rollup's table that building it afresh would not give, and the other way round. */
async function differenceFromFresh(rollup: RollupDefinition): Promise<number> {
  const r = await db.pool.query<{ n: number }>(
    `select count(*)::int as n from (
       (select * from ${rollup.tableName} except all (${rollup.selectSql}))
       union all
       ((${rollup.selectSql}) except all select * from ${rollup.tableName})
     ) d`,
    rollup.params,
  );
  return r.rows[0]!.n;
}

const outcomes = (report: LoadReport) => Object.fromEntries(report.rollups.map((r) => [r.id, r.outcome]));
/** The rollups' refresh key now (cube/model: the last successful batch), as build.ts stores it. */
const refreshKeyNow = async (rollup: RollupDefinition) => JSON.stringify((await db.pool.query(rollup.refreshKeySql!)).rows[0] ?? null);

describe('a load and the rollups', () => {
  it('stores the rollup definitions once per version of the model, equal to compiling it', async () => {
    const stored = await db.pool.query<{ model_hash: string; definitions: unknown; compiled_at: Date }>(`select * from etl.rollup_definitions`);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0]!.model_hash).toBe(await modelHash());
    expect(stored.rows[0]!.definitions).toEqual(JSON.parse(JSON.stringify(rollups)));
    await loadFile('warnings-a.csv', warnings('YJ-A'));
    const again = await db.pool.query<{ compiled_at: Date }>(`select compiled_at from etl.rollup_definitions`);
    expect(again.rows.map((r) => r.compiled_at)).toEqual([stored.rows[0]!.compiled_at]);
  });

  it('keeps a rollup whose sources the load did not change, with the refresh key of the load', async () => {
    const before = await builds();
    expect(before.size).toBe(rollups.length);
    const report = await loadFile('warnings-b.csv', warnings('YJ-B'));
    expect(report.models.map((m) => m.relation)).not.toContain('marts.fct_indicator_period');
    for (const rollup of rollups) expect(outcomes(report)[rollup.id], rollup.id).toBe('unchanged');
    const after = await builds();
    for (const rollup of rollups) {
      expect(after.get(rollup.id)!.version).toBe(before.get(rollup.id)!.version);
      expect(after.get(rollup.id)!.refresh_key).not.toBe(before.get(rollup.id)!.refresh_key);
      expect(after.get(rollup.id)!.refresh_key).toBe(await refreshKeyNow(rollup));
      expect(await differenceFromFresh(rollup), rollup.id).toBe(0);
    }
  });

  it('rebuilds a rollup whose sources the load changed, equal to building it afresh', async () => {
    const before = await builds();
    const report = await loadFile('low-income-202503.csv', await lowIncomeAgain(1));
    expect(report.models.map((m) => m.relation)).toContain('marts.fct_indicator_period');
    for (const rollup of rollups) {
      expect(outcomes(report)[rollup.id], rollup.id).toBe('built');
      expect((await builds()).get(rollup.id)!.version).not.toBe(before.get(rollup.id)!.version);
      expect(await differenceFromFresh(rollup), rollup.id).toBe(0);
    }
  });

  it('rebuilds a rollup stale before the load, although the load did not change its sources', async () => {
    // a load without rollups changes their mart and leaves them stale
    const skipped = await loadFile('low-income-202503.csv', await lowIncomeAgain(2), { refreshRollups: false });
    expect(skipped.rollups).toEqual([]);
    expect(await differenceFromFresh(rollups[0]!)).toBeGreaterThan(0);
    const report = await loadFile('warnings-c.csv', warnings('YJ-C'));
    for (const rollup of rollups) {
      expect(outcomes(report)[rollup.id], rollup.id).toBe('built');
      expect(await differenceFromFresh(rollup), rollup.id).toBe(0);
    }
  });
});

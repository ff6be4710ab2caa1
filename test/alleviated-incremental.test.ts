// The alleviated person-months rebuilt for the persons a load names (var
// changed_persons) equal a full rebuild, also when the load moves a month's
// snapshot in force: a correction that brings the first rows of a new snapshot
// date changes every person of the months it reaches, not only its own.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { monthsBetween } from '../etl/load/refresh.ts';
import { generateCity } from '../etl/generate/index.ts';
import { runModels } from '../models/runner/index.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { martChecksums } from './support/mart-checksums.ts';

let db: TestDatabase;
let dir: string;
const LAST = '2024-12-01';

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'alleviated-incremental-'));
  await generateCity({ outDir: dir, endMonth: LAST.slice(0, 7), months: 8, scale: 0.05, seed: 5 });
  await runLoad(db.pool, [dir], { runBy: 'test', refreshRollups: false });
}, 600_000);

afterAll(async () => {
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function build(vars: Record<string, unknown>, fullRefresh = false) {
  const client = await db.pool.connect();
  try {
    return await runModels(client, { projectDir: '.', vars: { changed_months: null, ...vars }, fullRefresh });
  } finally {
    client.release();
  }
}

const ALLEVIATED = ['fct_alleviated_person_month', 'fct_alleviated_household_month'];
const pick = (sums: Record<string, string>) => Object.fromEntries(ALLEVIATED.map((m) => [m, sums[m]]));

describe('alleviated person-months rebuilt for the changed persons', () => {
  it('equal a full rebuild after a roster change of a few persons', async () => {
    const { rows } = await db.pool.query<{ id_number: string }>(
      `select r.id_number from raw.basic_living_roster r
        where r.stat_month = $1 and exists (select 1 from marts.fct_alleviated_person_month a where a.month_start = $1 and a.id_number = r.id_number)
        order by r.id_number limit 2`, [LAST]);
    expect(rows).toHaveLength(2);
    const persons = rows.map((r) => r.id_number);
    const before = pick(await martChecksums(db.pool));
    await db.pool.query(`delete from raw.basic_living_roster where stat_month = $1 and id_number = any($2)`, [LAST, persons]);

    const run = await build({ changed_months: [LAST], changed_persons: persons, changed_households: [] });
    const person = run.models.find((m) => m.name === 'fct_alleviated_person_month')!;
    expect(person.mode).toBe('incremental');
    // only the two persons' rows of the month were rebuilt (at most one row per person type)
    expect(person.rowsInserted).toBeLessThanOrEqual(4);
    const incremental = pick(await martChecksums(db.pool));
    expect(incremental.fct_alleviated_person_month).not.toBe(before.fct_alleviated_person_month);

    await build({}, true);
    expect(pick(await martChecksums(db.pool))).toEqual(incremental);
  }, 600_000);

  it('rebuild every person of the months whose snapshot in force a correction moved', async () => {
    // a correction brings three persons of a new list dated in the middle of a month
    const day = '2024-11-15';
    const { rows: [latest] } = await db.pool.query<{ snapshot_on: string | null }>(
      `select max(snapshot_on)::text as snapshot_on from raw.alleviated_persons where snapshot_on < $1`, [day]);
    expect(latest!.snapshot_on, 'a list in force before the new one').not.toBeNull();
    await db.pool.query(`create table raw.alleviated_persons_p20241115 partition of raw.alleviated_persons for values in ('${day}')`);
    const { rows } = await db.pool.query<{ id_number: string }>(
      `insert into raw.alleviated_persons
       select * from (
         select (jsonb_populate_record(a, jsonb_build_object('snapshot_on', '${day}'))).*
           from raw.alleviated_persons as a where a.snapshot_on = $1 order by a.id_number limit 3
       ) as moved
       returning id_number`, [latest!.snapshot_on]);
    const persons = [...new Set(rows.map((r) => r.id_number))];
    const before = pick(await martChecksums(db.pool));

    const changed = monthsBetween('2024-11-01', LAST);
    const run = await build({ changed_months: changed, changed_persons: persons, changed_households: [] });
    const person = run.models.find((m) => m.name === 'fct_alleviated_person_month')!;
    expect(person.mode).toBe('incremental');
    const incremental = pick(await martChecksums(db.pool));
    expect(incremental.fct_alleviated_person_month).not.toBe(before.fct_alleviated_person_month);
    expect(incremental.fct_alleviated_household_month).not.toBe(before.fct_alleviated_household_month);

    await build({}, true);
    expect(pick(await martChecksums(db.pool))).toEqual(incremental);
  }, 600_000);
});

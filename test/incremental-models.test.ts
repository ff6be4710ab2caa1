// Incremental models (issue 14) equal a full rebuild: a synthetic city built
// in full, then the raw rows of a recent and an older month changed, the
// models run with vars.changed_months naming those months, and every mart's
// checksum compared with a full rebuild of the same data.
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

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'incremental-'));
  await generateCity({ outDir: dir, endMonth: '2025-02', months: 20, scale: 0.1, seed: 3 });
  await runLoad(db.pool, [dir], { runBy: 'test', refreshRollups: false });
}, 600_000);

afterAll(async () => {
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const RECENT = '2025-02-01';
const OLDER = '2024-03-01';

/** Changes to the raw rows of the two months: people leave the rosters, amounts and results change. */
const CHANGES = [
  `delete from raw.basic_living_roster where stat_month in ('${RECENT}', '${OLDER}') and id_number in (
     select id_number from raw.basic_living_roster where stat_month = '${RECENT}' order by id_number limit 40)`,
  `delete from raw.low_income_roster where stat_month = '${OLDER}' and id_number in (
     select id_number from raw.low_income_roster where stat_month = '${OLDER}' order by id_number limit 30)`,
  `update raw.temp_relief set amount_yuan = amount_yuan + 100 where date_trunc('month', relief_on) = '${RECENT}'`,
  // the latest alleviated list: in force from its month on (carried forward)
  `delete from raw.alleviated_persons where snapshot_on = (select max(snapshot_on) from raw.alleviated_persons)
     and id_number in (select id_number from raw.alleviated_persons order by id_number limit 20)`,
  `delete from raw.economic_verifications where date_trunc('month', verified_on) = '${OLDER}' and extract(day from verified_on) < 10`,
];

async function build(options: { changedMonths?: string[]; fullRefresh?: boolean }) {
  const client = await db.pool.connect();
  try {
    return await runModels(client, {
      projectDir: '.',
      vars: { changed_months: options.changedMonths ?? null },
      fullRefresh: options.fullRefresh ?? false,
    });
  } finally {
    client.release();
  }
}

describe('incremental models', () => {
  it('rebuild only the changed months and periods, and equal a full rebuild', async () => {
    const before = await martChecksums(db.pool);
    const { rows } = await db.pool.query(`select to_char(max(snapshot_on), 'YYYY-MM-01') as m from raw.alleviated_persons`);
    for (const sql of CHANGES) expect((await db.pool.query(sql)).rowCount, sql).toBeGreaterThan(0);

    // as the load computes them (etl/load/refresh.ts): a carried-forward source changes every later month
    const changed = [...new Set([OLDER, RECENT, ...monthsBetween(rows[0].m, RECENT)])].sort();
    expect(changed.length).toBeLessThan(20);
    const incremental = await build({ changedMonths: changed });
    const modes = new Map(incremental.models.map((m) => [m.name, m.mode]));
    for (const model of ['int_basic_living_listing', 'fct_basic_living_person_month', 'fct_alleviated_person_month', 'fct_low_income_period', 'fct_indicator_period', 'fct_basic_living_period']) {
      expect(modes.get(model), model).toBe('incremental');
    }
    const afterIncremental = await martChecksums(db.pool);
    for (const mart of ['fct_alleviated_person_month', 'fct_basic_living_period', 'fct_low_income_period', 'fct_indicator_period', 'fct_temp_relief_period', 'fct_verification_period']) {
      expect(afterIncremental[mart], `${mart} changed`).not.toBe(before[mart]);
    }

    await build({ fullRefresh: true });
    expect(await martChecksums(db.pool)).toEqual(afterIncremental);
  });
});

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
  }, 600_000);

  it('place findings again, and rebuild the months a pending application or the as-of date reaches', async () => {
    const K = '2024-09-01';
    const J = '2024-08-01';
    const L = '2024-10-01';
    const { rows: [late] } = await db.pool.query<{ id_number: string }>(
      `select p.id_number from raw.benefit_payments p
        where p.benefit_month = $1 and p.paid_on > p.benefit_month + 9
          and exists (select 1 from raw.basic_living_roster r where r.id_number = p.id_number and r.stat_month = $2)
        order by p.id_number limit 1`,
      [K, J],
    );
    expect(late, 'a late payment of K whose person is listed in J').toBeDefined();
    const person = late!.id_number;
    const placed = async () => (await db.pool.query<{ region_code: string }>(
      `select distinct region_code from marts.fct_integrity_late_payment where id_number = $1 and month_start = $2`, [person, K])).rows.map((r) => r.region_code);

    // the person leaves K's rosters: the late payment of K is placed by J's listing
    await db.pool.query(`delete from raw.basic_living_roster where stat_month = $1 and id_number = $2`, [K, person]);
    await db.pool.query(`delete from raw.low_income_roster where stat_month = $1 and id_number = $2`, [K, person]);
    await build({ changedMonths: [K] });
    const before = await placed();
    expect(before).toHaveLength(1);

    // the listings of J and L move to another region; K is not a changed month (the findings take the
    // closest earlier month, J; the benefits paid the closest month either side, L if listed there)
    const { rows: [other] } = await db.pool.query<{ region_code: string }>(
      `select region_code from raw.basic_living_roster where stat_month = $1 and region_code <> $2 order by region_code limit 1`, [J, before[0]]);
    expect((await db.pool.query(`update raw.basic_living_roster set region_code = $3 where stat_month in ($1, $4) and id_number = $2`,
      [J, person, other!.region_code, L])).rowCount).toBeGreaterThan(0);

    // an application decided in the month it was accepted reopens: pending, it counts in its deadline's
    // month, which is not a changed month (the load changes the months of its acceptance and decision)
    const { rows: [reopened] } = await db.pool.query<{ application_id: string; accepted: string; deadline: string }>(
      `select a.application_id, to_char(a.accepted_on, 'YYYY-MM-01') as accepted, w.deadline_month::text as deadline
         from raw.applications a inner join intermediate.int_application_working_days w on w.application_id = a.application_id
        where a.application_type in ('低保', '特困') and date_trunc('month', a.decided_on) = date_trunc('month', a.accepted_on)
          and w.deadline_month > date_trunc('month', a.accepted_on) and w.deadline_month < date '${RECENT}' and w.deadline_month not in (date '${J}', date '${L}')
          and date_trunc('month', a.accepted_on) <> date '${K}'
        order by a.application_id limit 1`,
    );
    expect(reopened, 'an application decided in its acceptance month, its deadline in a later one').toBeDefined();
    await db.pool.query(`update raw.applications set decided_on = null, decision = '办理中' where application_id = $1`, [reopened!.application_id]);

    // a warning of a later month moves the as-of date: the pending warnings raised
    // late in the last month become late, although their month did not change
    const { rows: [judged] } = await db.pool.query<{ n: number }>(
      `select count(*)::int as n from raw.warnings where handling_status <> '已处置' and warned_on > date '${RECENT}' + interval '1 month - 16 days'`);
    expect(judged!.n).toBeGreaterThan(0);
    const NEXT = '2025-03-01';
    await db.pool.query(
      `insert into raw.warnings select 'W-incremental-test', date '${NEXT}' + 4, id_number, person_name, region_code, source_department, reason,
              level, '已处置', outcome, date '${NEXT}' + 5, batch_id, source_file, source_row, extra
         from raw.warnings where handling_status = '已处置' order by warning_id limit 1`);

    const changed = [...new Set([J, L, reopened!.accepted, NEXT])].sort();
    for (const month of [K, reopened!.deadline, RECENT]) expect(changed).not.toContain(month);
    const incremental = await build({ changedMonths: changed });
    const modes = new Map(incremental.models.map((m) => [m.name, m.mode]));
    for (const model of ['fct_integrity_late_payment', 'fct_integrity_roster_payment_mismatch', 'int_integrity_person_locations', 'fct_application_period', 'fct_warning_period', 'fct_benefit_period', 'int_benefit_payment_listed']) {
      expect(modes.get(model), model).toBe('incremental');
    }
    expect(await placed()).toEqual([other!.region_code]);
    const afterIncremental = await martChecksums(db.pool);

    await build({ fullRefresh: true });
    expect(await martChecksums(db.pool)).toEqual(afterIncremental);
  }, 600_000);
});

import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { generateCity } from '../etl/generate/index.ts';
import { createTestDatabase } from './support/database.ts';

it('scratch', async () => {
  const db = await createTestDatabase();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'integrity-'));
  let t = Date.now();
  await generateCity({ outDir: dir, months: 6, seed: 1, endMonth: '2024-06', scale: 0.1 });
  console.log('gen', Date.now() - t); t = Date.now();
  const r = await runLoad(db.pool, [dir], { runBy: 'test' });
  console.log('load', Date.now() - t, r.modelSeconds);
  const q = async (s: string) => console.table((await db.pool.query(s)).rows);
  await q(`select check_code, count(*), count(distinct id_number) persons, sum(amount_yuan) from marts.fct_integrity_findings group by 1`);
  await q(`select id_number, month_start, died_on, months_after_death, paid_on, region_code from marts.fct_integrity_paid_after_death`);
  await q(`select month_start, id_number, county_code, region_codes, is_dibao_and_tekun, is_in_two_counties from marts.fct_integrity_multiple_rosters`);
  await q(`select finding_type, count(*), min(working_days), max(working_days) from marts.fct_integrity_late_decision group by 1`);
  await q(`select count(*) from staging.stg_raw__benefit_payments`);
  await q(`select count(*) filter (where care_level is null) nocare, count(*) from staging.stg_raw__basic_living_roster where programme='tekun'`);
  await q(`select month_start, count(*) from marts.dim_month group by 1 order by 1`);
  await db.drop();
}, 600000);

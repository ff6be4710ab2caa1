import { existsSync } from 'node:fs';
import { it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { generateCity } from '../etl/generate/index.ts';
import { runModels } from '../models/runner/run.ts';
import { createTestDatabase } from './support/database.ts';

it('perf', async () => {
  const db = await createTestDatabase();
  const dir = '/tmp/scratch/city-full';
  let t = Date.now();
  if (!existsSync(dir + '/01-行政区划.xlsx')) await generateCity({ outDir: dir, months: 24, seed: 1, endMonth: '2025-12', scale: 1 });
  console.log('gen', Date.now() - t); t = Date.now();
  const r = await runLoad(db.pool, [dir], { runBy: 'test' });
  console.log('load', Date.now() - t, r.modelSeconds);
  const client = await db.pool.connect();
  await client.query('begin');
  const res = await runModels(client, { projectDir: '/work/main' });
  await client.query('commit');
  client.release();
  console.table(res.models.map((m) => ({ name: m.name, ms: Math.round(m.durationMs), rows: m.rowCount })));
  console.table(res.tests.filter((x) => x.durationMs > 200).map((x) => ({ name: x.name, ms: Math.round(x.durationMs) })));
  console.table((await db.pool.query(`select check_code, count(*), count(distinct id_number) persons from marts.fct_integrity_findings group by 1`)).rows);
  await db.drop();
}, 3_000_000);

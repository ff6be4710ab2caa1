// A correction of a kind replaced by partition reads only the partitions of
// its own rows, when it records the months it changes and when it replaces
// rows: the city's roster has 24 months, and reading all of them for ten
// corrected rows cost seconds. Shown by a month held locked by another
// session: a correction of another month does not wait for it.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindByNumber } from '../etl/formats/kinds.ts';
import { runLoad } from '../etl/load/batch.ts';
import { ChangeRecorder } from '../etl/load/changes.ts';
import { applyCorrection, stagedPartitions } from '../etl/rejects/apply-correction.ts';
import { correctionReplaceRule } from '../etl/rejects/read-correction.ts';
import { writeSmallCity } from './fixtures/small-city.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'correction-partitions-'));
  await writeSmallCity(dir);
  await runLoad(db.pool, [dir], { runBy: 'test' });
}, 300_000);

afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `fn` in a transaction that gives up on any lock it waits for a second. */
async function inTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  try {
    await client.query('begin');
    await client.query(`set local lock_timeout = '1s'`);
    const out = await fn(client);
    await client.query('commit');
    return out;
  } catch (e) {
    await client.query('rollback');
    throw e;
  } finally {
    client.release();
  }
}

describe('a correction of a partitioned kind', () => {
  it('reads only its own partitions, and replaces its rows there', async () => {
    const spec = { ...kindByNumber(3), replace: correctionReplaceRule(kindByNumber(3)) };
    const identity = correctionReplaceRule(kindByNumber(3));
    if (identity.by !== 'key') throw new Error('a key');
    const holder = await db.pool.connect();
    try {
      // another session holds January
      await holder.query('begin');
      await holder.query('lock table raw.basic_living_roster_p20250101 in access exclusive mode');
      const result = await inTransaction(async (client) => {
        await client.query(`create temp table load_stage (like raw.basic_living_roster) on commit drop`);
        await client.query(`insert into pg_temp.load_stage select * from raw.basic_living_roster where stat_month = '2025-03-01' order by id_number limit 1`);
        await client.query(`update pg_temp.load_stage set monthly_benefit_yuan = monthly_benefit_yuan + 7`);
        const within = await stagedPartitions(client, spec, 'pg_temp.load_stage');
        expect(within).toEqual({ column: 'stat_month', values: ['2025-03-01'] });
        const changes = new ChangeRecorder(spec);
        await changes.staged(client, 'pg_temp.load_stage', identity.columns, within!);
        await applyCorrection(client, spec, 'pg_temp.load_stage', within);
        const staged = await client.query<{ id_number: string; amount: string }>(`select id_number, monthly_benefit_yuan::text as amount from pg_temp.load_stage`);
        return { months: changes.result().months, staged: staged.rows[0]! };
      });
      expect(result.months).toEqual(['2025-03-01']);
      await holder.query('rollback');
      const rows = await db.pool.query<{ amount: string }>(
        `select monthly_benefit_yuan::text as amount from raw.basic_living_roster where stat_month = '2025-03-01' and id_number = $1`,
        [result.staged.id_number],
      );
      expect(rows.rows).toEqual([{ amount: result.staged.amount }]);
    } finally {
      await holder.query('rollback').catch(() => {});
      holder.release();
    }
  });

  it('without its partitions named, would have waited for the locked month (the check above can fail)', async () => {
    const holder = await db.pool.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table raw.basic_living_roster_p20250101 in access exclusive mode');
      await expect(inTransaction(async (client) => {
        await client.query(`create temp table load_stage (like raw.basic_living_roster) on commit drop`);
        await client.query(`insert into pg_temp.load_stage select * from raw.basic_living_roster where stat_month = '2025-03-01' limit 1`);
        await client.query(`delete from raw.basic_living_roster r using pg_temp.load_stage s where r.stat_month = s.stat_month and r.id_number = s.id_number`);
      })).rejects.toThrow(/lock timeout/);
    } finally {
      await holder.query('rollback').catch(() => {});
      holder.release();
    }
  });
});

// Crash safety: a load killed with SIGKILL in the middle leaves the warehouse as
// it was, is recorded as abandoned, and the same load run again ends with
// exactly what one clean load gives.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCity } from '../etl/generate/index.ts';
import { getBatch } from '../etl/history/query.ts';
import { runLoad } from '../etl/load/batch.ts';
import { runCli, startCli } from './fixtures/etl-cli.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const VICTIM = 'etl-crash-victim';

let dir: string;
let crashed: TestDatabase;
let clean: TestDatabase;
let fileCount: number;
const children: { kill(signal: NodeJS.Signals): boolean; exitCode: number | null; signalCode: NodeJS.Signals | null }[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns a value; fails after `timeoutMs`. */
async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | null | undefined>, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Row counts of every table and view of the layers built by a load, and the load's rejects. */
async function counts(db: TestDatabase): Promise<Record<string, number>> {
  const relations = await db.pool.query<{ name: string }>(
    `select table_schema || '.' || table_name as name from information_schema.tables
      where table_schema in ('raw', 'staging', 'intermediate', 'marts') order by 1`,
  );
  const out: Record<string, number> = {};
  for (const { name } of relations.rows) {
    out[name] = Number((await db.pool.query<{ n: string }>(`select count(*) as n from ${name}`)).rows[0]!.n);
  }
  out['etl.rejects (succeeded batches)'] = Number(
    (await db.pool.query<{ n: string }>(`select count(*) as n from etl.rejects r join etl.batches b using (batch_id) where b.status = 'succeeded'`)).rows[0]!.n,
  );
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'etl-crash-'));
  const summary = await generateCity({ outDir: dir, endMonth: '2025-06', months: 4, scale: 0.2, seed: 7, withErrors: true });
  fileCount = summary.files.length;
  [crashed, clean] = await Promise.all([createTestDatabase(), createTestDatabase()]);
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await crashed?.drop();
  await clean?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('a load killed mid-way', () => {
  it('leaves nothing behind, is recorded as abandoned, and the rerun equals one clean load', { timeout: 400_000 }, async () => {
    // the reference: one clean load into another database, meanwhile
    const reference = runLoad(clean.pool, [dir], { runBy: 'reference' });
    reference.catch(() => {}); // awaited below

    const victimUrl = new URL(crashed.url);
    victimUrl.searchParams.set('application_name', VICTIM);
    const victim = startCli(victimUrl.toString(), ['load', dir]);
    children.push(victim.child);
    let exited = false;
    void victim.done.then(() => (exited = true));

    // mid-way: the batch is running, several files are done inside its open
    // transaction (the progress line of file k ≥ 8), more files are to come
    const midWay = await waitFor('the load to be mid-way', 180_000, async () => {
      if (exited) throw new Error(`the load ended before it could be killed:\n${victim.output().stderr}`);
      const started = [...victim.output().stderr.matchAll(/^\[(\d+)\/(\d+)\] /gm)].map((m) => [Number(m[1]), Number(m[2])] as const);
      const last = started.at(-1);
      if (!last || last[0] < 8) return null;
      expect(last[1]).toBe(fileCount);
      const running = await crashed.pool.query(`select batch_id from etl.batches where status = 'running'`);
      if (running.rows.length !== 1) return null;
      const activity = await crashed.pool.query<{ xid: string | null; query: string }>(
        `select backend_xid::text as xid, query from pg_stat_activity where application_name = $1 and xact_start is not null`,
        [VICTIM],
      );
      if (!activity.rows.some((a) => a.xid !== null)) return null; // the transaction has written rows
      return { file: last[0], batchId: Number(running.rows[0].batch_id), copying: activity.rows.some((a) => /^\s*copy /i.test(a.query)) };
    }, 20);
    victim.child.kill('SIGKILL');
    const ended = await victim.done;
    expect(ended.signal).toBe('SIGKILL');
    expect(midWay.file).toBeLessThan(fileCount);

    // the killed client's server process notices the closed connection and rolls back
    await waitFor('the killed load’s database session to end', 120_000, async () => {
      const r = await crashed.pool.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where application_name = $1`, [VICTIM]);
      return r.rows[0]!.n === 0 ? true : null;
    }, 100);
    const left = await counts(crashed);
    expect(Object.entries(left).filter(([name, n]) => name.startsWith('raw.') && n > 0)).toEqual([]);
    const killed = (await crashed.pool.query(`select status from etl.batches where batch_id = $1`, [midWay.batchId])).rows[0];
    expect(killed.status).toBe('running'); // as the killed process left it
    expect((await getBatch(crashed.pool, midWay.batchId))!.statusText).toBe('中断'); // nobody holds the load lock

    // the same load again, to its end
    const rerun = await runCli(crashed.url, ['load', dir], 300_000);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain('导入批次');

    const batches = await crashed.pool.query(`select batch_id, status, error from etl.batches order by batch_id`);
    expect(batches.rows.map((b) => b.status)).toEqual(['abandoned', 'succeeded']);
    expect(Number(batches.rows[0].batch_id)).toBe(midWay.batchId);
    expect(batches.rows[0].error).toBe('导入进程中断，事务已回滚');
    expect((await getBatch(crashed.pool, midWay.batchId))!.statusText).toBe('中断');
    const files = await crashed.pool.query(`select batch_id, outcome, count(*)::int as n from etl.batch_files group by 1, 2 order by 1, 2`);
    // nothing of the killed batch counts as loaded: every file loads in the rerun
    expect(files.rows.map((r) => [Number(r.batch_id), r.outcome, r.n])).toEqual([[Number(batches.rows[1].batch_id), 'loaded', fileCount]]);

    await reference;
    const expected = await counts(clean);
    expect(expected['raw.basic_living_roster']).toBeGreaterThan(1000);
    expect(expected['etl.rejects (succeeded batches)']).toBeGreaterThan(0);
    expect(await counts(crashed)).toEqual(expected);
  });
});

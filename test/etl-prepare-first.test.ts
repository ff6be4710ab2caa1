// A load's first file does not wait for the preparing threads to start: it is
// prepared on the loader's thread, with the same events a thread would send,
// and its errors named as a thread names them; once a thread has started, the
// file goes to it. A small load starts no threads at all, and loads the same.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREPARING_THREADS_MIN_BYTES, preparingThreadsFor, runLoad, type LoadReport } from '../etl/load/batch.ts';
import { planLoad, type PlannedFile } from '../etl/load/plan.ts';
import { PreparerPool } from '../etl/load/prepare/pool.ts';
import { prepareFile, prepareJob, type PreparedEvent } from '../etl/load/prepare/prepare.ts';
import { SourceReadError } from '../etl/read/index.ts';
import { writeSmallCity } from './fixtures/small-city.ts';
import { createTestDatabase } from './support/database.ts';

let dir: string;
let planned: PlannedFile[];
const pools: PreparerPool[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'prepare-first-'));
  await writeSmallCity(dir);
  planned = (await planLoad([dir])).filter((f) => f.match.spec.table !== 'regions');
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await rm(dir, { recursive: true, force: true });
  await rm(`${dir}-broken.csv`, { force: true });
});

function newPool(): PreparerPool {
  const pool = new PreparerPool(1);
  pools.push(pool);
  return pool;
}

async function collect(events: AsyncIterable<PreparedEvent>) {
  const out: unknown[] = [];
  for await (const e of events) out.push(e.type === 'data' ? { type: 'data', text: new TextDecoder().decode(e.data) } : e);
  return out;
}

/** Whether the pool's thread has received a job (it has started when it has one). */
const threadLoad = (pool: PreparerPool) => (pool as unknown as { threads: { load: number; ready: boolean }[] }).threads;

describe('the first file of a load', () => {
  it('is prepared here, as a thread would, while the threads are starting', async () => {
    const pool = newPool();
    pool.start();
    expect(threadLoad(pool).every((t) => !t.ready)).toBe(true);
    for (const file of planned) {
      const job = prepareJob(file, 3, ['990100000000']);
      const first = pool.prepareFirst(job);
      expect(threadLoad(pool).every((t) => t.load === 0), file.name).toBe(true);
      expect(await collect(first), file.name).toEqual(await collect(prepareFile(job)));
    }
  });

  it('fails as a thread fails: with the file name, a read error still a read error', async () => {
    const pool = newPool();
    const csv = planned.find((f) => f.name.endsWith('.csv'))!;
    const failure = (events: AsyncIterable<PreparedEvent>) => collect(events).then(() => null, (e: unknown) => e as Error);
    // a file that is gone (a plain error) and one that is not CSV (a read error)
    const gone = { ...prepareJob(csv, 3, null), path: path.join(dir, 'gone.csv'), name: 'gone.csv' };
    const header = (await readFile(csv.path, 'utf8')).split(/\r?\n/)[0]!;
    // beside the city's files, not among them (the last test loads them)
    await writeFile(`${dir}-broken.csv`, `${header}\r\n"an unclosed quote,1\r\n`);
    const broken = { ...prepareJob(csv, 3, null), path: `${dir}-broken.csv`, name: 'broken.csv' };
    for (const job of [gone, broken]) {
      const here = await failure(pool.prepareFirst(job));
      const threaded = await failure(newPool().prepare(job));
      expect(here?.message, job.name).toMatch(new RegExp(`^${job.name.replace('.', '\\.')}：`));
      expect(here?.message).toBe(threaded?.message);
      expect(here instanceof SourceReadError).toBe(threaded instanceof SourceReadError);
    }
    expect((await failure(pool.prepareFirst(broken))) instanceof SourceReadError).toBe(true);
  });

  it('goes to a thread once one has started', async () => {
    const pool = newPool();
    pool.start();
    for (let i = 0; i < 600 && !threadLoad(pool).some((t) => t.ready); i++) await new Promise((r) => setTimeout(r, 50));
    expect(threadLoad(pool).some((t) => t.ready)).toBe(true);
    const job = prepareJob(planned[0]!, 3, null);
    const events = pool.prepareFirst(job);
    expect(threadLoad(pool)[0]!.load).toBe(1);
    expect(await collect(events)).toEqual(await collect(prepareFile(job)));
  });
});

describe('preparing threads of a load', () => {
  it('are started only for a large load of more than one file', () => {
    const mb = 1024 * 1024;
    expect(preparingThreadsFor([{ size: 14 * mb }, { size: 6 * mb }])).toBe(0);
    expect(preparingThreadsFor([{ size: PREPARING_THREADS_MIN_BYTES * 2 }])).toBe(0);
    expect(preparingThreadsFor([{ size: PREPARING_THREADS_MIN_BYTES }, { size: 1 }])).toBeGreaterThan(0);
  });

  it('load the same as preparing every file on the loader thread', async () => {
    const dbs = [await createTestDatabase(), await createTestDatabase()];
    try {
      const summary = (report: LoadReport) => report.files.map(({ name, outcome, rowsRead, rowsLoaded, rowsRejected, rejects, lines, changes, partitions }) => ({ name, outcome, rowsRead, rowsLoaded, rowsRejected, rejects, lines, changes, partitions }));
      const here = await runLoad(dbs[0]!.pool, [dir], { runBy: 'test', refreshRollups: false, preparingThreads: 0 });
      const threaded = await runLoad(dbs[1]!.pool, [dir], { runBy: 'test', refreshRollups: false, preparingThreads: 2 });
      expect(summary(threaded)).toEqual(summary(here));
      expect(here.files.every((f) => f.outcome === 'loaded' && f.rowsLoaded > 0)).toBe(true);
      const rows = async (i: number) => (await dbs[i]!.pool.query(`select stat_month::text, id_number, monthly_benefit_yuan::text, source_file, source_row from raw.basic_living_roster order by 1, 2, 5`)).rows;
      expect(await rows(1)).toEqual(await rows(0));
    } finally {
      await Promise.all(dbs.map((db) => db.drop()));
    }
  }, 300_000);
});

// A load's first file does not wait for the preparing threads to start: it is
// prepared on the loader's thread, with the same events a thread would send,
// and its errors named as a thread names them; once a thread has started, the
// file goes to it.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planLoad, type PlannedFile } from '../etl/load/plan.ts';
import { PreparerPool } from '../etl/load/prepare/pool.ts';
import { prepareFile, prepareJob, type PreparedEvent } from '../etl/load/prepare/prepare.ts';
import { SourceReadError } from '../etl/read/index.ts';
import { writeSmallCity } from './fixtures/small-city.ts';

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
    await writeFile(path.join(dir, 'broken.csv'), `${header}\r\n"an unclosed quote,1\r\n`);
    const broken = { ...prepareJob(csv, 3, null), path: path.join(dir, 'broken.csv'), name: 'broken.csv' };
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

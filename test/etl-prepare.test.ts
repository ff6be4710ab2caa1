// Files are prepared (read, validated, encoded) on worker threads: what a
// thread sends must be what the same code makes in-process, and a file that
// cannot be read must fail with its name.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planLoad, type PlannedFile } from '../etl/load/plan.ts';
import { PreparerPool } from '../etl/load/prepare/pool.ts';
import { prepareFile, prepareJob, type PreparedEvent } from '../etl/load/prepare/prepare.ts';
import { writeSmallCity, VIL_A1 } from './fixtures/small-city.ts';

let dir: string;
let planned: PlannedFile[];
const pool = new PreparerPool(2);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'prepare-'));
  await writeSmallCity(dir);
  planned = await planLoad([dir]);
});

afterAll(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

const jobOf = (file: PlannedFile, regionCodes: string[] | null) => prepareJob(file, 7, regionCodes);

/** Events with their COPY data as text, to compare. */
async function collect(events: AsyncIterable<PreparedEvent>) {
  const out: unknown[] = [];
  for await (const e of events) out.push(e.type === 'data' ? { type: 'data', text: new TextDecoder().decode(e.data) } : e);
  return out;
}

describe('preparing files on worker threads', () => {
  it('sends the same segments, COPY data and rejects as preparing in-process', async () => {
    // without VIL_A1 among the known codes, rows of that village are rejected
    const codes = ['990100000000', '990101000000'];
    let filesWithRejects = 0;
    for (const file of planned.filter((f) => f.match.spec.table !== 'regions')) {
      const job = jobOf(file, codes);
      const [threaded, direct] = await Promise.all([collect(pool.prepare(job)), collect(prepareFile(job))]);
      expect(threaded, file.name).toEqual(direct);
      const done = direct.at(-1) as Extract<PreparedEvent, { type: 'done' }>;
      expect(done.type).toBe('done');
      if (done.rowsRead > done.rowsWritten) {
        filesWithRejects++;
        expect(done.rejects.some((r) => r.reason.includes(VIL_A1))).toBe(true);
      }
    }
    expect(filesWithRejects).toBeGreaterThan(3);
  });

  it('fails with the file name when a file cannot be read', async () => {
    const file = planned.find((f) => f.name.endsWith('.csv'))!;
    const job = { ...jobOf(file, null), path: path.join(dir, 'gone.csv'), name: 'gone.csv' };
    await expect(collect(pool.prepare(job))).rejects.toThrow(/^gone\.csv：/);
    // the thread goes on with the next file
    const next = await collect(pool.prepare(jobOf(file, null)));
    expect((next.at(-1) as { type: string }).type).toBe('done');
  });
});

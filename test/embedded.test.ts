// The ETL and the server share one embedded PostgreSQL per DATA_DIR: whoever
// comes second connects to the running one and leaves it running.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startOrReuseEmbedded, type EmbeddedServer } from '../warehouse/embedded.ts';
import { freePort } from '../warehouse/free-port.ts';

let dir: string | undefined;
let first: EmbeddedServer | undefined;

afterAll(async () => {
  await first?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function ping(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('select 1 as one')).rows[0]!.one;
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL', () => {
  it('is started by the first process and reused by the second', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'embedded-'));
    const port = await freePort();
    first = await startOrReuseEmbedded(dir, port);
    expect(first.owned).toBe(true);
    const second = await startOrReuseEmbedded(dir, port);
    expect(second.owned).toBe(false);
    expect(await ping(second.url)).toBe(1);
    await second.stop(); // a process that did not start it leaves it running
    expect(await ping(first.url)).toBe(1);
    const client = new pg.Client({ connectionString: first.url });
    await client.connect();
    const settings = await client.query(`select current_setting('wal_level') as wal, current_setting('timezone') as tz`);
    await client.end();
    expect(settings.rows[0]).toEqual({ wal: 'minimal', tz: 'UTC' });
  });

  it('starts again on the same data after a stop', async () => {
    await first!.stop();
    const port = await freePort();
    first = await startOrReuseEmbedded(dir!, port);
    expect(first.owned).toBe(true);
    expect(await ping(first.url)).toBe(1);
  });
});

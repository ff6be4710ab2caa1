// The ETL and the server share one embedded PostgreSQL per DATA_DIR: whoever
// comes second connects to the running one; the last to let go stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readlink, rm, utimes, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningPostmasterPid, startOrReuseEmbedded, type EmbeddedServer } from '../warehouse/embedded.ts';
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

/** Starts test/fixtures/embedded-user.ts on `dir`; resolves once it holds the warehouse. */
function secondProcess(rootDir: string, port: number): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/embedded-user.ts', rootDir, String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, output: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`second process exited ${code}: ${out}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));

describe('one warehouse, one owner', () => {
  let root: string;
  let port: number;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'embedded-owner-'));
    port = await freePort();
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stays up while another process uses it, whoever started it; the last to let go stops it', async () => {
    const starter = await startOrReuseEmbedded(root, port);
    expect(starter.owned).toBe(true);
    const other = await secondProcess(root, port);
    await starter.stop();
    expect(await ping(other.url)).toBe(1);
    other.child.stdin!.end();
    await exited(other.child);
    expect(other.output()).toContain('STOPPED');
    expect(await runningPostmasterPid(path.join(root, 'pg'))).toBeNull();
  }, 120_000);

  it('a killed process leaves a server the next one adopts and stops', async () => {
    const victim = await secondProcess(root, port);
    victim.child.kill('SIGKILL');
    await exited(victim.child);
    expect(await runningPostmasterPid(path.join(root, 'pg'))).not.toBeNull();
    const logs: string[] = [];
    const next = await startOrReuseEmbedded(root, port, (m) => logs.push(m));
    expect(next.owned, `${victim.output()}\n${logs.join('\n')}`).toBe(false);
    expect(logs.join('\n')).toContain('接管无人使用的内置 PostgreSQL');
    await next.stop();
    expect(await runningPostmasterPid(path.join(root, 'pg'))).toBeNull();
  }, 120_000);

  it('is not blocked by an empty lock file an older version left when killed while writing it', async () => {
    const lockFile = path.join(root, 'pg.lock');
    await writeFile(lockFile, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(lockFile, old, old);
    const next = await startOrReuseEmbedded(root, port);
    await next.stop();
    expect(existsSync(lockFile)).toBe(false);
  }, 120_000);

  it('uses the port its data directory really runs on, checked, whatever EMBEDDED_PG_PORT says', async () => {
    const first = await startOrReuseEmbedded(root, port);
    const logs: string[] = [];
    const second = await startOrReuseEmbedded(root, await freePort(), (m) => logs.push(m));
    expect(second.url).toBe(first.url);
    expect(logs.join('\n')).toContain(`已在端口 ${port} 运行`);
    await second.stop();
    await first.stop();
  }, 120_000);

  it('refuses a taken port naming it and the variable to set, quoting PostgreSQL', async () => {
    const blocker = net.createServer();
    const taken = await freePort();
    await new Promise<void>((r) => blocker.listen(taken, '127.0.0.1', () => r()));
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'embedded-port-'));
    try {
      await expect(startOrReuseEmbedded(elsewhere, taken)).rejects.toThrow(new RegExp(`端口 ${taken} 已被其他程序占用.*EMBEDDED_PG_PORT.*(could not bind|Address already in use|could not create listen socket)`));
    } finally {
      blocker.close();
      await rm(elsewhere, { recursive: true, force: true });
    }
  }, 120_000);

  it('redoes an initdb that was interrupted', async () => {
    const fresh = await mkdtemp(path.join(os.tmpdir(), 'embedded-initdb-'));
    try {
      // what a kill -9 during the first initdb leaves: a half-written scratch directory
      await mkdir(path.join(fresh, 'pg.initdb', 'base'), { recursive: true });
      await writeFile(path.join(fresh, 'pg.initdb', 'PG_VERSION'), '17\n');
      const server = await startOrReuseEmbedded(fresh, await freePort());
      expect(await ping(server.url)).toBe(1);
      expect(existsSync(path.join(fresh, 'pg.initdb'))).toBe(false);
      await server.stop();
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  }, 120_000);

  it.runIf(process.getuid?.() === 0)('as root, from a directory the postgres user cannot enter, puts the cluster where it can', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'private-home-'));
    await chmod(home, 0o700);
    const dataDir = path.join(home, 'checkout', '.data');
    try {
      const server = await startOrReuseEmbedded(dataDir, await freePort());
      expect(await ping(server.url)).toBe(1);
      const link = path.join(dataDir, 'pg');
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
      expect(await readlink(link)).toMatch(/^\/var\/lib\/social-assistance\/clusters\//);
      await server.stop();
      await rm(await readlink(link), { recursive: true, force: true });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }, 120_000);
});

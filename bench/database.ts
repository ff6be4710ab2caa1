// The benchmark's own PostgreSQL: the project's embedded server with its data
// directory in bench/.cache/pg on a free port, one fresh database per
// measurement (like test/support/database.ts), and restarts for cold runs.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { runningPostmasterPid, startOrReuseEmbedded, type EmbeddedServer } from '../warehouse/embedded.ts';
import { freePort } from '../warehouse/free-port.ts';
import { ensureWarehouseSchema } from '../warehouse/schema.ts';
import '../warehouse/connect.ts'; // the warehouse's type parsers
import { CACHE_DIR } from './data.ts';

/** Every database the benchmark creates starts with this prefix; leftovers of an interrupted run are dropped. */
const DB_PREFIX = 'bench_';

export const PG_DATA_DIR = path.join(CACHE_DIR, 'pg');

/** The pid of the benchmark's PostgreSQL if it is running. */
export const postmasterPid = (): Promise<number | null> => runningPostmasterPid(PG_DATA_DIR);

async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

export interface BenchDatabase {
  name: string;
  url: string;
  /** A pool like the warehouse's (warehouse/connect.ts): max 8, UTC. */
  pool: pg.Pool;
  drop(): Promise<void>;
}

export function openPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 8, options: '-c timezone=UTC' });
  pool.on('error', () => {}); // idle clients die when the server restarts for a cold run
  return pool;
}

export class BenchServer {
  private embedded: EmbeddedServer | null = null;

  private constructor(readonly port: number, private readonly log: (msg: string) => void) {}

  /** Starts the benchmark's server; a server left running by an interrupted benchmark is stopped first. */
  static async start(log: (msg: string) => void): Promise<BenchServer> {
    const stale = await postmasterPid();
    if (stale) {
      log(`上次基准测试遗留的 PostgreSQL 仍在运行（pid ${stale}，数据目录 ${PG_DATA_DIR}），先停止它`);
      process.kill(stale, 'SIGINT');
      if (!(await waitUntilGone(stale, 60_000))) throw new Error(`无法停止遗留的 PostgreSQL（pid ${stale}）：请手动停止后重试`);
    }
    const server = new BenchServer(await freePort(), log);
    await server.startEmbedded();
    await server.dropLeftovers();
    return server;
  }

  private async startEmbedded(quiet = false): Promise<void> {
    // startOrReuseEmbedded keeps its data in <root>/pg: the root is bench/.cache.
    this.embedded = await startOrReuseEmbedded(CACHE_DIR, this.port, quiet ? () => {} : this.log);
    if (!this.embedded.owned) throw new Error(`数据目录 ${PG_DATA_DIR} 的 PostgreSQL 由其他进程启动，基准测试需要自己的服务器`);
  }

  /** Connection URL of database `name` (default: the maintenance database). */
  urlOf(name = 'postgres'): string {
    const url = new URL(this.embedded!.url);
    url.pathname = `/${name}`;
    return url.toString();
  }

  async admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.urlOf() });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  /** A fresh, empty database; with `warehouse`, the warehouse schema (etl.*, raw.*) is created in it. */
  async createDatabase(label: string, options: { warehouse: boolean }): Promise<BenchDatabase> {
    const name = `${DB_PREFIX}${label}_${randomBytes(4).toString('hex')}`;
    await this.admin((c) => c.query(`create database ${name}`));
    const url = this.urlOf(name);
    const pool = openPool(url);
    if (options.warehouse) await ensureWarehouseSchema(pool);
    return {
      name,
      url,
      pool,
      drop: async () => {
        await pool.end().catch(() => {});
        await this.admin((c) => c.query(`drop database if exists ${name} with (force)`));
      },
    };
  }

  private async dropLeftovers(): Promise<void> {
    const names = await this.admin(async (c) => (await c.query<{ datname: string }>(`select datname from pg_database where datname like '${DB_PREFIX}%'`)).rows.map((r) => r.datname));
    for (const name of names) {
      this.log(`删除上次遗留的基准测试数据库 ${name}`);
      await this.admin((c) => c.query(`drop database if exists ${name} with (force)`));
    }
  }

  async version(): Promise<string> {
    return this.admin(async (c) => (await c.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v);
  }

  async settings(): Promise<Record<string, string>> {
    const names = ['shared_buffers', 'work_mem', 'maintenance_work_mem', 'effective_cache_size', 'max_wal_size', 'max_parallel_workers_per_gather', 'jit'];
    return this.admin(async (c) => {
      const r = await c.query<{ name: string; setting: string }>(`select name, current_setting(name) as setting from pg_settings where name = any($1)`, [names]);
      return Object.fromEntries(r.rows.map((x) => [x.name, x.setting]));
    });
  }

  /** Stops and starts the server: shared buffers are empty afterwards (the OS page cache is not). */
  async restart(): Promise<void> {
    await this.embedded?.stop();
    this.embedded = null;
    await this.startEmbedded(true);
  }

  async stop(): Promise<void> {
    const embedded = this.embedded;
    this.embedded = null;
    await embedded?.stop();
  }
}

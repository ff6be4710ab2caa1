// A fresh database per test file on the shared test server.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { ensureWarehouseSchema } from '../../warehouse/schema.ts';
import '../../warehouse/connect.ts'; // type parsers

export interface TestDatabase {
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('postgresUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 6, options: '-c timezone=UTC' });
  await ensureWarehouseSchema(pool);
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await dropWhenClosed(c, name);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * pool.end() resolves before its connections have closed; `drop database …
 * with (force)` would terminate one still closing, and its client then throws
 * 57P01 where nothing listens (an unhandled error that fails the run). So wait
 * for them (object_in_use while they close), and force only what is left after 5 s.
 */
async function dropWhenClosed(c: pg.Client, name: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      await c.query(`drop database if exists ${name}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006') throw error;
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await c.query(`drop database if exists ${name} with (force)`);
}

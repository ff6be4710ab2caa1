// The application's own tables (schema `app`): accounts, the audit trail, and
// the workflows built on them. Each feature keeps its DDL beside its code; this
// list is the order they are applied in, at every start (all idempotent).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const APP_SCHEMA_FILES = [
  'auth/schema.sql',
  'audit/schema.sql',
  'notices/schema.sql',
  'rectification/schema.sql',
] as const;

export async function ensureAppSchema(client: pg.ClientBase): Promise<void> {
  for (const file of APP_SCHEMA_FILES) {
    const sql = await readFile(path.join(ROOT, file), 'utf8');
    try {
      await client.query(sql);
    } catch (e) {
      throw new Error(`应用表结构 ${file} 执行失败：${(e as Error).message}`, { cause: e });
    }
  }
}

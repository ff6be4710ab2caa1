// The rollup definitions a load builds, without compiling the Cube model each
// time: compiling it takes seconds (most of a monthly load's rollups phase, the
// builds themselves take milliseconds), and its result depends only on the
// model's files and the compiler. The definitions are kept in the warehouse
// under a hash of both and compiled again only when that hash changes.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type pg from 'pg';
import { z } from 'zod';
import { compileModel, MODEL_DIR } from '../compiler.ts';
import { listRollups, type RollupDefinition } from './describe.ts';

/** Bump when listRollups' output changes for the same model files (describe.ts). */
const DEFINITIONS_FORMAT = 1;

/**
 * Beside the loads' bookkeeping, not in the rollups' schema: every table there
 * is a rollup to the gateway and the tests.
 */
export const DEFINITIONS_TABLE = 'etl.rollup_definitions';

export const DEFINITIONS_DDL = `
create schema if not exists etl;
create table if not exists ${DEFINITIONS_TABLE} (
  model_hash text primary key,
  definitions jsonb not null,
  compiled_at timestamptz not null default now()
);
-- where a development version kept them for a while
drop table if exists rollups.definitions;
`;

const definitionsSchema = z.array(
  z.object({
    id: z.string(),
    tableName: z.string(),
    selectSql: z.string(),
    params: z.array(z.unknown()),
    refreshKeySql: z.string().nullable(),
    indexesSql: z.array(z.string()),
  }),
);

function compilerVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = require('@cubejs-backend/schema-compiler/package.json') as { version: string };
  return pkg.version;
}

async function modelFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return modelFiles(full);
    return Promise.resolve(/\.ya?ml$/.test(e.name) ? [full] : []);
  }));
  return nested.flat().sort();
}

/** What the rollup definitions are compiled from: every model file (name and content), the compiler's version, this format. */
export async function modelHash(modelDir: string = MODEL_DIR): Promise<string> {
  const hash = createHash('sha256').update(`format ${DEFINITIONS_FORMAT}\0compiler ${compilerVersion()}\0`);
  for (const file of await modelFiles(modelDir)) {
    hash.update(path.relative(modelDir, file)).update('\0').update(await readFile(file)).update('\0');
  }
  return hash.digest('hex');
}

/**
 * The model's rollup definitions: those stored under the model's hash, or
 * compiled now and stored (replacing those of earlier model versions). Inside
 * a load's transaction the stored row goes with its commit or rollback.
 */
export async function rollupDefinitions(client: pg.ClientBase, modelDir: string = MODEL_DIR): Promise<{ rollups: RollupDefinition[]; compiled: boolean }> {
  await client.query(DEFINITIONS_DDL);
  const hash = await modelHash(modelDir);
  const stored = await client.query<{ definitions: unknown }>(`select definitions from ${DEFINITIONS_TABLE} where model_hash = $1`, [hash]);
  if (stored.rows[0]) {
    const parsed = definitionsSchema.safeParse(stored.rows[0].definitions);
    if (parsed.success) return { rollups: parsed.data, compiled: false };
  }
  const rollups = listRollups(await compileModel(modelDir));
  await client.query(`delete from ${DEFINITIONS_TABLE} where model_hash <> $1`, [hash]);
  await client.query(
    `insert into ${DEFINITIONS_TABLE} (model_hash, definitions) values ($1, $2) on conflict (model_hash) do update set definitions = excluded.definitions, compiled_at = now()`,
    [hash, JSON.stringify(rollups)],
  );
  return { rollups, compiled: true };
}

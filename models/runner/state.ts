// Per-relation build state, kept by the runner in the warehouse (schema dbt_runner) and written in
// the caller's transaction: which code built each relation, so that an incremental model whose code,
// or whose upstream models' code, changed since its last build is rebuilt in full instead of patched.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { CompiledModel } from './compile.ts';
import { reachable } from './graph.ts';
import type { ModelGraph } from './graph.ts';

export const STATE_SCHEMA = 'dbt_runner';
export const STATE_TABLE = `${STATE_SCHEMA}.model_state`;

export interface ModelState {
  relation: string;
  model: string;
  checksum: string;
  /** Checksum over the checksums of every model upstream of this one. */
  upstreamChecksum: string;
  mode: string;
  builtAt: Date;
  fullRefreshReason: string | null;
}

export async function ensureStateTable(client: pg.ClientBase): Promise<void> {
  await client.query(`
    create schema if not exists ${STATE_SCHEMA};
    create table if not exists ${STATE_TABLE} (
      relation text primary key,
      model text not null,
      project text not null,
      checksum text not null,
      upstream_checksum text not null,
      mode text not null,
      built_at timestamptz not null,
      full_refresh_reason text
    )`);
}

export async function readState(client: pg.ClientBase): Promise<Map<string, ModelState>> {
  const { rows } = await client.query<ModelState>(
    `select relation, model, checksum, upstream_checksum as "upstreamChecksum", mode, built_at as "builtAt",
            full_refresh_reason as "fullRefreshReason"
       from ${STATE_TABLE}`,
  );
  return new Map(rows.map((r) => [r.relation, r]));
}

/** Record the builds of several relations in one statement. */
export async function writeState(client: pg.ClientBase, project: string, states: Array<Omit<ModelState, 'builtAt'>>): Promise<void> {
  if (states.length === 0) return;
  const column = <K extends keyof Omit<ModelState, 'builtAt'>>(key: K): Array<Omit<ModelState, 'builtAt'>[K]> => states.map((s) => s[key]);
  await client.query(
    `insert into ${STATE_TABLE} (relation, model, project, checksum, upstream_checksum, mode, built_at, full_refresh_reason)
     select relation, model, $3, checksum, upstream_checksum, mode, now(), full_refresh_reason
       from unnest($1::text[], $2::text[], $4::text[], $5::text[], $6::text[], $7::text[])
            as s(relation, model, checksum, upstream_checksum, mode, full_refresh_reason)
     on conflict (relation) do update set model = excluded.model, project = excluded.project, checksum = excluded.checksum,
       upstream_checksum = excluded.upstream_checksum, mode = excluded.mode, built_at = excluded.built_at,
       full_refresh_reason = excluded.full_refresh_reason`,
    [column('relation'), column('model'), project, column('checksum'), column('upstreamChecksum'), column('mode'), column('fullRefreshReason')],
  );
}

function sha256(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/**
 * What a full build of a model produces, independent of the run: its SQL and hooks compiled with
 * is_incremental() false and real relation names, and the configs that shape the relation. Configs
 * that only steer incremental runs (unique_key, strategy, incremental_predicates, on_schema_change)
 * and run-specific vars used only inside `{% if is_incremental() %}` therefore do not change it.
 */
export function modelChecksum(m: CompiledModel): string {
  const c = m.config;
  return sha256({
    relation: m.relation.toString(),
    sql: m.sql,
    preHooks: m.preHooks,
    postHooks: m.postHooks,
    materialized: c.materialized,
    indexes: c.indexes,
  });
}

/** Each model's checksum and the checksum of all its ancestors' checksums. */
export function projectChecksums(
  models: Map<string, CompiledModel>,
  graph: ModelGraph,
): Map<string, { checksum: string; upstreamChecksum: string; ancestors: string[] }> {
  const own = new Map([...models].map(([name, m]) => [name, modelChecksum(m)]));
  const out = new Map<string, { checksum: string; upstreamChecksum: string; ancestors: string[] }>();
  for (const name of models.keys()) {
    const ancestors = [...reachable(name, graph.parents)].filter((a) => own.has(a)).sort();
    out.set(name, {
      checksum: own.get(name)!,
      upstreamChecksum: sha256(ancestors.map((a) => [a, own.get(a)])),
      ancestors,
    });
  }
  return out;
}

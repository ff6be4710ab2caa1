// Builds the rollups in PostgreSQL: each into a new versioned table, then
// swapped in under the name the compiler reads in one short transaction, so a
// reader sees the old rollup or the new one, never a half-built one.
import type pg from 'pg';
import { ROLLUP_SCHEMA, type RollupDefinition } from './describe.ts';

const REFRESH_LOCK = 7_310_003;

export const ROLLUP_REGISTRY_DDL = `
create schema if not exists ${ROLLUP_SCHEMA};
create table if not exists ${ROLLUP_SCHEMA}.builds (
  rollup_id text not null,
  table_name text not null,
  version text not null,
  refresh_key text,
  row_count bigint not null,
  build_ms integer not null,
  built_at timestamptz not null default now(),
  primary key (rollup_id, version)
);
`;

export interface RollupBuild {
  id: string;
  tableName: string;
  outcome: 'built' | 'fresh';
  rows: number;
  ms: number;
}

const unqualified = (table: string) => table.split('.').pop()!;

async function refreshKeyOf(client: pg.ClientBase, rollup: RollupDefinition): Promise<string | null> {
  if (!rollup.refreshKeySql) return null;
  const r = await client.query(rollup.refreshKeySql);
  return JSON.stringify(r.rows[0] ?? null);
}

async function currentKey(client: pg.ClientBase, rollup: RollupDefinition): Promise<string | null | undefined> {
  const exists = await client.query(`select to_regclass($1) is not null as ok`, [rollup.tableName]);
  if (!exists.rows[0].ok) return undefined;
  const r = await client.query<{ refresh_key: string | null }>(
    `select refresh_key from ${ROLLUP_SCHEMA}.builds where rollup_id = $1 order by built_at desc limit 1`,
    [rollup.id],
  );
  return r.rows[0] ? r.rows[0].refresh_key : undefined;
}

async function buildOne(client: pg.ClientBase, rollup: RollupDefinition, refreshKey: string | null, inTransaction: boolean): Promise<RollupBuild> {
  const started = Date.now();
  const version = `v${started}`;
  const finalName = unqualified(rollup.tableName);
  const versioned = `${ROLLUP_SCHEMA}.${finalName}__${version}`;
  await client.query(`create table ${versioned} as ${rollup.selectSql}`, rollup.params);
  for (const index of rollup.indexesSql) {
    // index names live in the schema too: version them with their table
    const sql = index.replaceAll(rollup.tableName, versioned).replace(/^CREATE INDEX (\S+) ON/i, `CREATE INDEX $1__${version} ON`);
    await client.query(sql);
  }
  await client.query(`analyze ${versioned}`);
  const rows = Number((await client.query<{ n: string }>(`select count(*) as n from ${versioned}`)).rows[0]!.n);
  // the swap: a reader waits for this short transaction, then reads the new table
  if (!inTransaction) await client.query('begin');
  await client.query(`drop table if exists ${rollup.tableName}`);
  await client.query(`alter table ${versioned} rename to ${finalName}`);
  const ms = Date.now() - started;
  await client.query(
    `insert into ${ROLLUP_SCHEMA}.builds (rollup_id, table_name, version, refresh_key, row_count, build_ms) values ($1, $2, $3, $4, $5, $6)`,
    [rollup.id, rollup.tableName, version, refreshKey, rows, ms],
  );
  if (!inTransaction) await client.query('commit');
  return { id: rollup.id, tableName: rollup.tableName, outcome: 'built', rows, ms };
}

/**
 * Rebuilds every rollup whose refresh key changed (or that is missing; all of
 * them with `force`). Inside a caller's transaction (the load) the new rollups
 * become visible with the load's commit; otherwise each swap commits by itself.
 */
export async function refreshRollups(
  client: pg.ClientBase,
  rollups: RollupDefinition[],
  options: { force?: boolean; inTransaction?: boolean } = {},
): Promise<RollupBuild[]> {
  const inTransaction = options.inTransaction ?? false;
  if (inTransaction) await client.query('select pg_advisory_xact_lock($1)', [REFRESH_LOCK]);
  else {
    const locked = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [REFRESH_LOCK]);
    if (!locked.rows[0]!.ok) return [];
  }
  try {
    await client.query(ROLLUP_REGISTRY_DDL);
    const results: RollupBuild[] = [];
    for (const rollup of rollups) {
      const key = await refreshKeyOf(client, rollup);
      const current = await currentKey(client, rollup);
      if (!options.force && current !== undefined && current === key) {
        results.push({ id: rollup.id, tableName: rollup.tableName, outcome: 'fresh', rows: 0, ms: 0 });
        continue;
      }
      results.push(await buildOne(client, rollup, key, inTransaction));
    }
    return results;
  } finally {
    if (!inTransaction) await client.query('select pg_advisory_unlock($1)', [REFRESH_LOCK]);
  }
}

/** Tables of rollups that exist now, for the gateway to decide whether a query may use one. */
export async function availableRollupTables(pool: pg.Pool): Promise<Set<string>> {
  const r = await pool.query<{ name: string }>(
    `select table_schema || '.' || table_name as name from information_schema.tables where table_schema = $1`,
    [ROLLUP_SCHEMA],
  );
  return new Set(r.rows.map((x) => x.name));
}

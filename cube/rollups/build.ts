// Builds the rollups in PostgreSQL: each into a new versioned table, then
// swapped in under the name the compiler reads (drop + rename) only at the
// end, so readers keep reading the current rollup while the new one is built.
import type pg from 'pg';
import { ROLLUP_REFRESH_LOCK as REFRESH_LOCK } from '../../warehouse/locks.ts';
import { ROLLUP_SCHEMA, type RollupDefinition } from './describe.ts';

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
  /**
   * built; fresh: its refresh key did not change; unchanged: its key changed
   * but the load changed none of its sources, so the key is carried forward
   * without a rebuild (see `LoadSources`).
   */
  outcome: 'built' | 'fresh' | 'unchanged';
  rows: number;
  ms: number;
}

/**
 * What a load changed, for the rollups it need not rebuild: a rollup whose
 * refresh key is due only because a load succeeded (the key is the last
 * successful batch) reads the same rows as before when the load wrote none of
 * the relations it reads.
 */
export interface LoadSources {
  /** Relations (`schema.table`, unquoted) the load wrote: its raw tables and every model it built. */
  changed: ReadonlySet<string>;
  /** Schemas only loads write (raw and the models'): a rollup reading anything else is always rebuilt. */
  loadSchemas: ReadonlySet<string>;
  /** Rollup id → whether it was fresh before the load (its stored key equal to the key before the load's batch succeeded). */
  freshBefore: ReadonlyMap<string, boolean>;
}

const RELATION = /\b(?:from|join)\s+((?:"(?:[^"]|"")+"|[a-z_][\w$]*)\.(?:"(?:[^"]|"")+"|[a-z_][\w$]*))/gi;
const unquote = (part: string) => (part.startsWith('"') ? part.slice(1, -1).replace(/""/g, '"') : part.toLowerCase());

/** The relations (`schema.table`) a rollup's SQL reads; a subquery or unqualified table leaves none, or fewer. */
export function rollupSources(rollup: Pick<RollupDefinition, 'selectSql'>): string[] {
  const out = new Set<string>();
  for (const m of rollup.selectSql.matchAll(RELATION)) {
    const [schema, table] = m[1]!.match(/"(?:[^"]|"")+"|[^.]+/g)!;
    out.add(`${unquote(schema!)}.${unquote(table!)}`);
  }
  return [...out];
}

/** Whether the load left every relation the rollup reads as it was (then the rollup is too, if it was fresh before). */
function untouchedBy(rollup: RollupDefinition, load: LoadSources): boolean {
  if (load.freshBefore.get(rollup.id) !== true) return false;
  // a FROM ( subquery ) or a table without schema: sources unknown
  if (/\b(?:from|join)\s*\(/i.test(rollup.selectSql)) return false;
  const sources = rollupSources(rollup);
  return sources.length > 0 && sources.every((s) => load.loadSchemas.has(s.split('.')[0]!) && !load.changed.has(s));
}

const unqualified = (table: string) => table.split('.').pop()!;

async function refreshKeyOf(client: pg.ClientBase, rollup: RollupDefinition): Promise<string | null> {
  if (!rollup.refreshKeySql) return null;
  const r = await client.query(rollup.refreshKeySql);
  return JSON.stringify(r.rows[0] ?? null);
}

/** The refresh key and version the rollup's current table was built (or carried forward) with; undefined: no table. */
async function currentBuild(client: pg.ClientBase, rollup: RollupDefinition): Promise<{ key: string | null; version: string } | undefined> {
  const exists = await client.query(`select to_regclass($1) is not null as ok`, [rollup.tableName]);
  if (!exists.rows[0].ok) return undefined;
  const r = await client.query<{ refresh_key: string | null; version: string }>(
    `select refresh_key, version from ${ROLLUP_SCHEMA}.builds where rollup_id = $1 order by built_at desc limit 1`,
    [rollup.id],
  );
  return r.rows[0] ? { key: r.rows[0].refresh_key, version: r.rows[0].version } : undefined;
}

/** Each rollup: whether its stored refresh key equals its key now (before a load marks its batch succeeded). */
export async function freshRollups(client: pg.ClientBase, rollups: RollupDefinition[]): Promise<Map<string, boolean>> {
  await client.query(ROLLUP_REGISTRY_DDL);
  const out = new Map<string, boolean>();
  for (const rollup of rollups) {
    const current = await currentBuild(client, rollup);
    out.set(rollup.id, current !== undefined && current.key === (await refreshKeyOf(client, rollup)));
  }
  return out;
}

/** A rollup built under a versioned name, not yet under the name the compiler reads. */
interface ShadowBuild {
  build: RollupBuild;
  swap(): Promise<void>;
}

/**
 * The rollup's SQL reading each table of `readFrom` (`schema.table` → relation)
 * from the relation given: a load's models not yet published under their names.
 */
export function readingFrom(sql: string, readFrom: ReadonlyMap<string, string>): string {
  let out = sql;
  for (const [table, relation] of readFrom) {
    const [schema, name] = table.split('.');
    const pattern = new RegExp(`(?<![\\w".])(?:${schema}|"${schema}")\\.(?:${name}|"${name}")(?![\\w"])`, 'g');
    out = out.replace(pattern, relation);
  }
  return out;
}

async function buildShadow(client: pg.ClientBase, rollup: RollupDefinition, refreshKey: string | null, readFrom: ReadonlyMap<string, string>): Promise<ShadowBuild> {
  const started = Date.now();
  const version = `v${started}`;
  const finalName = unqualified(rollup.tableName);
  const versioned = `${ROLLUP_SCHEMA}.${finalName}__${version}`;
  await client.query(`create table ${versioned} as ${readingFrom(rollup.selectSql, readFrom)}`, rollup.params);
  for (const index of rollup.indexesSql) {
    // index names live in the schema too: version them with their table
    const sql = index.replaceAll(rollup.tableName, versioned).replace(/^CREATE INDEX (\S+) ON/i, `CREATE INDEX $1__${version} ON`);
    await client.query(sql);
  }
  await client.query(`analyze ${versioned}`);
  const rows = Number((await client.query<{ n: string }>(`select count(*) as n from ${versioned}`)).rows[0]!.n);
  const ms = Date.now() - started;
  return {
    build: { id: rollup.id, tableName: rollup.tableName, outcome: 'built', rows, ms },
    // the swap takes the old table's exclusive lock: readers wait for it only
    // until the enclosing transaction commits, then read the new table
    async swap() {
      await client.query(`drop table if exists ${rollup.tableName}`);
      await client.query(`alter table ${versioned} rename to ${finalName}`);
      await client.query(
        `insert into ${ROLLUP_SCHEMA}.builds (rollup_id, table_name, version, refresh_key, row_count, build_ms) values ($1, $2, $3, $4, $5, $6)`,
        [rollup.id, rollup.tableName, version, refreshKey, rows, ms],
      );
    },
  };
}

/** A rollup left as it is, its refresh key carried forward when published. */
function carried(client: pg.ClientBase, rollup: RollupDefinition, version: string, key: string | null): ShadowBuild {
  return {
    build: { id: rollup.id, tableName: rollup.tableName, outcome: 'unchanged', rows: 0, ms: 0 },
    async swap() {
      await client.query(`update ${ROLLUP_SCHEMA}.builds set refresh_key = $3 where rollup_id = $1 and version = $2`, [rollup.id, version, key]);
    },
  };
}

/**
 * Builds the stale rollups (all of them with `force`) under versioned names;
 * with `load`, a stale rollup whose sources the load did not change is carried
 * forward instead.
 */
async function buildStale(client: pg.ClientBase, rollups: RollupDefinition[], force: boolean, readFrom: ReadonlyMap<string, string> = new Map(), load?: LoadSources): Promise<{ results: RollupBuild[]; shadows: ShadowBuild[] }> {
  await client.query(ROLLUP_REGISTRY_DDL);
  const results: RollupBuild[] = [];
  const shadows: ShadowBuild[] = [];
  for (const rollup of rollups) {
    const key = await refreshKeyOf(client, rollup);
    const current = await currentBuild(client, rollup);
    if (!force && current !== undefined && current.key === key) {
      results.push({ id: rollup.id, tableName: rollup.tableName, outcome: 'fresh', rows: 0, ms: 0 });
      continue;
    }
    if (!force && current !== undefined && load && untouchedBy(rollup, load)) {
      const shadow = carried(client, rollup, current.version, key);
      shadows.push(shadow);
      results.push(shadow.build);
      continue;
    }
    const shadow = await buildShadow(client, rollup, key, readFrom);
    shadows.push(shadow);
    results.push(shadow.build);
  }
  return { results, shadows };
}

/**
 * Rebuilds every rollup whose refresh key changed (or that is missing; all of
 * them with `force`), each swapped in by a short transaction of its own, so a
 * reader sees the old rollup or the new one, never a half-built one. Skipped
 * (nothing built) while another session refreshes them.
 */
export async function refreshRollups(client: pg.ClientBase, rollups: RollupDefinition[], options: { force?: boolean } = {}): Promise<RollupBuild[]> {
  const locked = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [REFRESH_LOCK]);
  if (!locked.rows[0]!.ok) return [];
  try {
    const { results, shadows } = await buildStale(client, rollups, options.force ?? false);
    for (const shadow of shadows) {
      await client.query('begin');
      await shadow.swap();
      await client.query('commit');
    }
    return results;
  } finally {
    await client.query('select pg_advisory_unlock($1)', [REFRESH_LOCK]);
  }
}

/** Rollups built inside a caller's transaction, published by `publish()`. */
export interface PendingRollups {
  builds: RollupBuild[];
  /** Swaps the new tables in: call it last before the commit (the swap locks the old tables until then). */
  publish(): Promise<void>;
}

/**
 * Inside the caller's transaction (a load): builds the stale rollups under
 * versioned names while readers keep reading the current ones, from the
 * load's models where `readFrom` says they are until published; `publish`
 * swaps them in, visible with the caller's commit.
 */
export async function buildRollupsInTransaction(
  client: pg.ClientBase,
  rollups: RollupDefinition[],
  options: { force?: boolean; readFrom?: ReadonlyMap<string, string>; load?: LoadSources } = {},
): Promise<PendingRollups> {
  await client.query('select pg_advisory_xact_lock($1)', [REFRESH_LOCK]);
  const { results, shadows } = await buildStale(client, rollups, options.force ?? false, options.readFrom, options.load);
  return {
    builds: results,
    async publish() {
      for (const shadow of shadows) await shadow.swap();
    },
  };
}

/** Tables of rollups that exist now, for the gateway to decide whether a query may use one. */
export async function availableRollupTables(pool: pg.Pool): Promise<Set<string>> {
  const r = await pool.query<{ name: string }>(
    `select table_schema || '.' || table_name as name from information_schema.tables where table_schema = $1`,
    [ROLLUP_SCHEMA],
  );
  return new Set(r.rows.map((x) => x.name));
}

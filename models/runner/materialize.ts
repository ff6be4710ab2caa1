// Builds one model in PostgreSQL, inside the caller's transaction (never begins, commits or rolls back).
// Views and tables are built under a shadow name (`<identifier>__new`) that readers never see, and
// swapped in by `publishShadows` at the end of the run; until then nothing the readers use is locked.
// Incremental models are changed in place (temporary table of new rows, delete, insert): row locks only.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { CompiledModel, RenderedModel } from './compile.ts';
import type { IndexConfig } from './config.ts';
import { ModelRunError } from './errors.ts';
import type { ModelPhase, SqlPosition } from './errors.ts';
import { limitIdentifier, quoteIdent, Relation } from './relation.ts';

/** A view or table built under its shadow name, waiting to be published. */
export interface ShadowBuild {
  model: string;
  file: string;
  relation: Relation;
  shadow: Relation;
  kind: 'view' | 'table';
  /** Indexes built on the shadow under a temporary name, renamed to their final name at publish. */
  indexes: Array<{ temp: string; final: string }>;
}

export interface MaterializeResult {
  /** Rows in the built table (shadow tables only; null for views and in-place incremental builds). */
  rowCount: number | null;
  /** In-place incremental builds: rows the delete removed and the insert added. */
  rowsDeleted?: number;
  rowsInserted?: number;
  /**
   * In-place incremental builds: rows the pre_ and post_hooks deleted, updated or inserted (an
   * incremental model's own deletion of the months it rebuilds); null when a hook ran a statement
   * whose changes cannot be counted (truncate, alter, do, ...).
   */
  rowsChangedByHooks?: number | null;
  /** Set when the model was built under a shadow name. */
  shadow?: ShadowBuild;
}

export interface ColumnInfo {
  name: string;
  type: string;
}

interface PgErrorLike {
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: string;
}

/**
 * Map a 1-based character position in a statement to a line/column of `sql` embedded at `offset`,
 * and to the line of the source file `rawSql` when that line's text occurs there exactly once.
 */
export function positionInSql(sql: string, offset: number, position: number, rawSql: string): SqlPosition | undefined {
  const index = position - 1 - offset;
  if (!Number.isInteger(index) || index < 0 || index > sql.length) return undefined;
  const before = sql.slice(0, index).split('\n');
  const line = before.length;
  const column = before[before.length - 1]!.length + 1;
  const lineText = sql.split('\n')[line - 1] ?? '';
  const result: SqlPosition = { line, column, lineText };
  const needle = lineText.trim();
  if (needle !== '') {
    const matches = rawSql.split('\n').flatMap((l, i) => (sourceLineMatches(l.trim(), needle) ? [i + 1] : []));
    if (matches.length === 1) result.sourceLine = matches[0]!;
  }
  return result;
}

/** Does a source line (possibly with `{{ ... }}` expressions) render to `compiled`? */
function sourceLineMatches(source: string, compiled: string): boolean {
  if (source === compiled) return true;
  const parts = source.split(/\{\{.*?\}\}/);
  if (parts.length < 2 || parts.join('').trim() === '' || /\{%|\{#/.test(source)) return false;
  const pattern = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*?');
  return new RegExp(`^${pattern}$`).test(compiled);
}

type RelationKind = 'table' | 'view' | 'materialized view' | 'foreign table';

const KIND_BY_RELKIND: Record<string, RelationKind> = { r: 'table', p: 'table', v: 'view', m: 'materialized view', f: 'foreign table' };

export async function relationKind(client: pg.ClientBase, relation: Relation): Promise<RelationKind | 'other' | undefined> {
  const { rows } = await client.query<{ relkind: string }>(
    `select c.relkind from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relname = $2`,
    [relation.schema, relation.identifier],
  );
  const relkind = rows[0]?.relkind;
  if (relkind === undefined) return undefined;
  return KIND_BY_RELKIND[relkind] ?? 'other';
}

/** The kinds of several relations in one catalogue query (absent: no such relation), keyed by `"schema"."name"`. */
export async function relationKinds(client: pg.ClientBase, relations: Relation[]): Promise<Map<string, RelationKind | 'other'>> {
  if (relations.length === 0) return new Map();
  const { rows } = await client.query<{ schema: string; name: string; relkind: string }>(
    `select n.nspname as schema, c.relname as name, c.relkind
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where (n.nspname, c.relname) in (select * from unnest($1::text[], $2::text[]))`,
    [relations.map((r) => r.schema), relations.map((r) => r.identifier)],
  );
  return new Map(rows.map((r) => [new Relation(r.schema, r.name).toString(), KIND_BY_RELKIND[r.relkind] ?? 'other']));
}

/** The columns of several relations in one catalogue query, keyed by `"schema"."name"` (absent: no such relation). */
export async function relationsColumns(client: pg.ClientBase, relations: Relation[]): Promise<Map<string, ColumnInfo[]>> {
  if (relations.length === 0) return new Map();
  const { rows } = await client.query<{ schema: string; rel: string; name: string; type: string }>(
    `select n.nspname as schema, c.relname as rel, a.attname as name, pg_catalog.format_type(a.atttypid, a.atttypmod) as type
       from pg_catalog.pg_attribute a
       join pg_catalog.pg_class c on c.oid = a.attrelid
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where (n.nspname, c.relname) in (select * from unnest($1::text[], $2::text[])) and a.attnum > 0 and not a.attisdropped
      order by n.nspname, c.relname, a.attnum`,
    [relations.map((r) => r.schema), relations.map((r) => r.identifier)],
  );
  const out = new Map<string, ColumnInfo[]>();
  for (const r of rows) {
    const key = new Relation(r.schema, r.rel).toString();
    const list = out.get(key) ?? [];
    list.push({ name: r.name, type: r.type });
    out.set(key, list);
  }
  return out;
}

/**
 * Rows a hook's statements changed: deleted, updated, inserted or merged rows; 0 for statements that
 * change no rows (select, analyze, set, create index...); null when one may have changed rows uncounted.
 */
export function rowsChanged(result: pg.QueryResult | pg.QueryResult[]): number | null {
  let rows = 0;
  for (const r of Array.isArray(result) ? result : [result]) {
    const command = (r.command ?? '').toUpperCase();
    if (ROW_COMMANDS.has(command)) rows += r.rowCount ?? 0;
    else if (!NO_ROW_COMMANDS.has(command)) return null;
  }
  return rows;
}

const ROW_COMMANDS = new Set(['DELETE', 'UPDATE', 'INSERT', 'MERGE']);
const NO_ROW_COMMANDS = new Set(['SELECT', 'ANALYZE', 'VACUUM', 'SET', 'RESET', 'SHOW', 'CREATE', 'DROP', 'SAVEPOINT', 'RELEASE', 'COMMENT', 'GRANT', 'REVOKE']);

export function indexName(relation: Relation, index: IndexConfig): string {
  const hash = createHash('md5')
    .update(JSON.stringify([relation.schema, relation.identifier, index.columns, index.unique, index.type ?? null]))
    .digest('hex')
    .slice(0, 8);
  const cols = index.columns.map((c) => c.replace(/[^A-Za-z0-9_]+/g, '_')).join('_');
  return limitIdentifier(`${relation.identifier}__${cols}`, `__${hash}`);
}

export function indexStatement(relation: Relation, index: IndexConfig, name = indexName(relation, index)): string {
  const using = index.type ? ` using ${index.type}` : '';
  return `create ${index.unique ? 'unique ' : ''}index ${quoteIdent(name)} on ${relation}${using} (${index.columns.join(', ')})`;
}

/** The name a view or table is built under before it is published. */
export function shadowRelation(relation: Relation): Relation {
  return relation.withIdentifier(limitIdentifier(relation.identifier, '__new'));
}

/** Columns of a relation (a temporary table when `relation` is a bare quoted name), in order. */
export async function relationColumns(client: pg.ClientBase, relation: string): Promise<ColumnInfo[]> {
  const { rows } = await client.query<ColumnInfo>(
    `select a.attname as name, pg_catalog.format_type(a.atttypid, a.atttypmod) as type
       from pg_catalog.pg_attribute a
      where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped
      order by a.attnum`,
    [relation],
  );
  return rows;
}

/** Column names a query returns, without running it (dbt's get_columns_in_query). */
export async function queryColumnNames(client: pg.ClientBase, sql: string): Promise<string[]> {
  const result = await client.query(`select * from (\n${sql}\n) as dbt_sbq where false limit 0`);
  return result.fields.map((f) => f.name);
}

export interface SchemaDiff {
  sourceNotInTarget: ColumnInfo[];
  targetNotInSource: ColumnInfo[];
  typeChanged: Array<{ name: string; from: string; to: string }>;
}

export function diffColumns(source: ColumnInfo[], target: ColumnInfo[]): SchemaDiff {
  const targetByName = new Map(target.map((c) => [c.name, c]));
  const sourceNames = new Set(source.map((c) => c.name));
  return {
    sourceNotInTarget: source.filter((c) => !targetByName.has(c.name)),
    targetNotInSource: target.filter((c) => !sourceNames.has(c.name)),
    typeChanged: source.flatMap((c) => {
      const t = targetByName.get(c.name);
      return t && t.type !== c.type ? [{ name: c.name, from: t.type, to: c.type }] : [];
    }),
  };
}

function describeDiff(d: SchemaDiff): string {
  const parts: string[] = [];
  if (d.sourceNotInTarget.length > 0) parts.push(`新增列 ${d.sourceNotInTarget.map((c) => c.name).join('、')}`);
  if (d.targetNotInSource.length > 0) parts.push(`缺少列 ${d.targetNotInSource.map((c) => c.name).join('、')}`);
  if (d.typeChanged.length > 0) parts.push(`类型变化 ${d.typeChanged.map((c) => `${c.name}（${c.from} → ${c.to}）`).join('、')}`);
  return parts.join('；');
}

export function schemaChanged(d: SchemaDiff): boolean {
  return d.sourceNotInTarget.length + d.targetNotInSource.length + d.typeChanged.length > 0;
}

type Exec = (statement: string, phase: ModelPhase, sqlOffset?: number) => Promise<pg.QueryResult>;

interface Executor {
  exec: Exec;
  fail: (phase: ModelPhase, statement: string, e: PgErrorLike, position?: SqlPosition, cause?: unknown) => never;
  dropExisting: (target: Relation, phase: ModelPhase) => Promise<void>;
}

/** Runs a model's statements, turning PostgreSQL errors into ModelRunError with the SQL position. */
function executor(client: pg.ClientBase, model: CompiledModel, sql: string, compiledFile: string | undefined): Executor {
  const fail = (phase: ModelPhase, statement: string, e: PgErrorLike, position?: SqlPosition, cause?: unknown): never => {
    throw new ModelRunError(
      {
        model: model.node.name,
        file: model.node.file,
        relation: model.relation.toString(),
        phase,
        pgMessage: e.message,
        pgCode: e.code,
        pgDetail: e.detail,
        pgHint: e.hint,
        position,
        compiledSql: sql,
        compiledFile,
        statement,
      },
      { cause },
    );
  };

  const exec: Exec = async (statement, phase, sqlOffset) => {
    try {
      return await client.query(statement);
    } catch (err) {
      const e = err as PgErrorLike;
      if (typeof e?.message !== 'string') throw err;
      const position = sqlOffset !== undefined && e.position !== undefined ? positionInSql(sql, sqlOffset, Number(e.position), model.node.rawSql) : undefined;
      return fail(phase, statement, e, position, err);
    }
  };

  const dropExisting = async (target: Relation, phase: ModelPhase): Promise<void> => {
    const kind = await relationKind(client, target);
    if (kind === undefined) return;
    const statement = `drop ${kind} if exists ${target} cascade`;
    if (kind === 'other') fail(phase, statement, { message: `${target} 已存在，但不是表或视图，无法替换` });
    await exec(statement, phase);
  };

  return { exec, fail, dropExisting };
}

/**
 * Build a view or table (an incremental model's full build too) under its shadow name: the real
 * relation is not touched, so readers keep reading it without waiting. Post-hooks see the shadow.
 */
export async function buildShadow(
  client: pg.ClientBase,
  model: CompiledModel,
  rendered: RenderedModel,
  compiledFile: string | undefined,
  known?: KnownCatalogue,
): Promise<MaterializeResult> {
  const { relation } = model;
  const { sql } = rendered;
  const { exec, fail, dropExisting } = executor(client, model, sql, compiledFile);
  const shadow = shadowRelation(relation);
  const kind = model.config.materialized === 'view' ? 'view' : 'table';

  for (const hook of rendered.preHooks) await exec(hook, 'pre_hook');
  // A shadow left by an earlier run that was committed without publishing (known: read for the whole run).
  if (known === undefined) await dropExisting(shadow, 'build');
  else if (known.kinds.has(shadow.toString())) {
    const leftover = known.kinds.get(shadow.toString())!;
    const statement = `drop ${leftover} if exists ${shadow} cascade`;
    if (leftover === 'other') fail('build', statement, { message: `${shadow} 已存在，但不是表或视图，无法替换` });
    await exec(statement, 'build');
  }
  const prefix = `create ${kind} ${shadow} as (\n`;
  const created = await exec(`${prefix}${sql}\n)`, 'build', prefix.length);

  const indexes: ShadowBuild['indexes'] = [];
  let rowCount: number | null = null;
  if (kind === 'table') {
    for (const index of model.config.indexes) {
      const temp = indexName(shadow, index);
      await exec(indexStatement(shadow, index, temp), 'index');
      indexes.push({ temp, final: indexName(relation, index) });
    }
    // CREATE TABLE AS reports its rows (command tag `SELECT n`): no count(*) over the new table.
    rowCount = created.rowCount ?? Number((await exec(`select count(*) as n from ${shadow}`, 'build')).rows[0]?.n ?? 0);
  }

  for (const hook of rendered.postHooks) await exec(hook, 'post_hook');
  return { rowCount, shadow: { model: model.node.name, file: model.node.file, relation, shadow, kind, indexes } };
}

/**
 * dbt's incremental materialization on an existing table: the new rows into a temporary table,
 * on_schema_change, then the strategy's statements (dbt-postgres' get_delete_insert_merge_sql or
 * append) on the real table, all in place.
 */
export async function buildIncremental(
  client: pg.ClientBase,
  model: CompiledModel,
  rendered: RenderedModel,
  compiledFile: string | undefined,
  known?: KnownCatalogue,
): Promise<MaterializeResult> {
  const { relation, config } = model;
  const { sql } = rendered;
  const { exec, fail } = executor(client, model, sql, compiledFile);
  const tmp = quoteIdent(limitIdentifier(relation.identifier, '__dbt_tmp'));

  let rowsChangedByHooks: number | null = 0;
  const countHook = (result: pg.QueryResult | pg.QueryResult[]): void => {
    const n = rowsChanged(result);
    rowsChangedByHooks = n === null || rowsChangedByHooks === null ? null : rowsChangedByHooks + n;
  };
  for (const hook of rendered.preHooks) countHook(await exec(hook, 'pre_hook'));
  // One round trip: a temporary table left by a failed build in this session, then the new rows.
  const prefix = `drop table if exists pg_temp.${tmp};\ncreate temporary table ${tmp} as (\n`;
  await exec(`${prefix}${sql}\n)`, 'build', prefix.length);

  // The target's columns as the run read them before its builds (its own on_schema_change alters them
  // only below); the new rows' columns only where on_schema_change compares them.
  const target = known?.columns.get(relation.toString()) ?? (await relationColumns(client, relation.toString()));
  let destColumns = target;
  const mode = config.onSchemaChange;
  if (mode === 'fail' || mode === 'append_new_columns' || mode === 'sync_all_columns') {
    const source = await relationColumns(client, `pg_temp.${tmp}`);
    const diff = diffColumns(source, target);
    if (schemaChanged(diff)) {
      if (mode === 'fail') {
        fail('build', `-- on_schema_change: fail`, {
          message: `增量模型的新数据与现有表 ${relation} 的列不一致（on_schema_change: fail）：${describeDiff(diff)}。` +
            `可改用 on_schema_change: append_new_columns 或 sync_all_columns，或全量刷新（--full-refresh）`,
        });
      }
      for (const c of diff.sourceNotInTarget) await exec(`alter table ${relation} add column ${quoteIdent(c.name)} ${c.type}`, 'build');
      if (mode === 'sync_all_columns') {
        for (const c of diff.targetNotInSource) await exec(`alter table ${relation} drop column ${quoteIdent(c.name)}`, 'build');
        for (const c of diff.typeChanged) {
          await exec(`alter table ${relation} alter column ${quoteIdent(c.name)} type ${c.to} using ${quoteIdent(c.name)}::${c.to}`, 'build');
        }
      }
    }
    destColumns = source;
  }
  const cols = destColumns.map((c) => quoteIdent(c.name)).join(', ');

  let rowsDeleted = 0;
  if (config.incrementalStrategy === 'delete+insert' && config.uniqueKey.length > 0) {
    const keys = config.uniqueKey.join(', ');
    const predicates = config.incrementalPredicates.map((p) => `\n    and ${p}`).join('');
    const deleted = await exec(
      `delete from ${relation} as DBT_INTERNAL_DEST\nwhere (${keys}) in (\n    select distinct ${keys}\n    from ${tmp} as DBT_INTERNAL_SOURCE\n)${predicates}`,
      'build',
    );
    rowsDeleted = deleted.rowCount ?? 0;
  }
  const inserted = (await exec(`insert into ${relation} (${cols})\n(\n    select ${cols}\n    from ${tmp}\n);\ndrop table if exists pg_temp.${tmp}`, 'build')) as unknown as pg.QueryResult[];

  for (const hook of rendered.postHooks) countHook(await exec(hook, 'post_hook'));
  return { rowCount: null, rowsDeleted, rowsInserted: inserted[0]?.rowCount ?? 0, rowsChangedByHooks };
}

/**
 * What a run read of the catalogue before building (relationKinds, relationsColumns), so that a
 * build does not ask again per model: the kinds of the shadows left by earlier runs and the columns
 * of the incremental models' tables. Neither changes during the builds before the model's own.
 */
export interface KnownCatalogue {
  kinds: ReadonlyMap<string, RelationKind | 'other'>;
  columns: ReadonlyMap<string, ColumnInfo[]>;
}

/**
 * Whether a newly built table holds exactly the rows of the published one (as multisets: the same
 * count, and no new row missing from the old), for a table rebuilt by unchanged code; false too
 * when they cannot be compared (columns without an equality operator, such as json). `rows`: the
 * new table's row count. Run under a savepoint in a transaction, so that a failure leaves it usable.
 */
export async function sameRows(client: pg.ClientBase, built: Relation, published: Relation, rows: number, transaction: boolean): Promise<boolean> {
  const query = `select (select count(*) from ${published}) = ${Number(rows)}
    and not exists (select * from ${built} except all select * from ${published}) as same`;
  try {
    if (!transaction) return (await client.query<{ same: boolean }>(query)).rows[0]?.same === true;
    const results = (await client.query(`savepoint dbt_runner_compare;\n${query};\nrelease savepoint dbt_runner_compare`)) as unknown as pg.QueryResult[];
    return (results[1]?.rows[0] as { same?: boolean } | undefined)?.same === true;
  } catch {
    if (transaction) await client.query('rollback to savepoint dbt_runner_compare; release savepoint dbt_runner_compare');
    return false;
  }
}

/**
 * Swap every shadow in, in build (dependency) order: drop the old relation, rename the shadow, give
 * its indexes their final names. Catalogue changes only, so it takes milliseconds; its locks are held
 * until the caller commits, which should follow at once. Views built in this run were created over
 * the shadows they ref and follow them through the rename (PostgreSQL binds views by OID); an old
 * view dropped by an earlier step's cascade is simply gone when its turn comes.
 */
export async function publishShadows(client: pg.ClientBase, shadows: ShadowBuild[], models: Map<string, CompiledModel>): Promise<void> {
  if (shadows.length === 0) return;
  // The old relations' kinds, read once: the swap is one round trip per model.
  const { rows } = await client.query<{ schema: string; name: string; relkind: string }>(
    `select n.nspname as schema, c.relname as name, c.relkind
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where (n.nspname, c.relname) in (select * from unnest($1::text[], $2::text[]))`,
    [shadows.map((s) => s.relation.schema), shadows.map((s) => s.relation.identifier)],
  );
  const kinds = new Map(rows.map((r) => [new Relation(r.schema, r.name).toString(), KIND_BY_RELKIND[r.relkind] ?? 'other']));
  for (const s of shadows) {
    const { exec, fail } = executor(client, models.get(s.model)!, '', undefined);
    const statements: string[] = [];
    const kind = kinds.get(s.relation.toString());
    if (kind === 'other') fail('publish', `drop ${s.relation}`, { message: `${s.relation} 已存在，但不是表或视图，无法替换` });
    // `if exists`: an old view may already be gone with an earlier step's cascade.
    if (kind !== undefined) statements.push(`drop ${kind} if exists ${s.relation} cascade`);
    statements.push(`alter ${s.kind} ${s.shadow} rename to ${quoteIdent(s.relation.identifier)}`);
    for (const index of s.indexes) {
      statements.push(`alter index ${quoteIdent(s.relation.schema)}.${quoteIdent(index.temp)} rename to ${quoteIdent(index.final)}`);
    }
    await exec(statements.join(';\n'), 'publish');
  }
}

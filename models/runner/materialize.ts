// Builds one model in PostgreSQL: view (drop + create) or table (build `__new`, swap), indexes, hooks.
// Runs inside the caller's transaction: never begins, commits or rolls back itself.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { CompiledModel } from './compile.ts';
import type { IndexConfig } from './config.ts';
import { ModelRunError } from './errors.ts';
import type { ModelPhase, SqlPosition } from './errors.ts';
import { limitIdentifier, quoteIdent, Relation } from './relation.ts';

export interface MaterializeResult {
  /** Rows in the table (tables only). */
  rowCount: number | null;
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

async function relationKind(client: pg.ClientBase, relation: Relation): Promise<RelationKind | 'other' | undefined> {
  const { rows } = await client.query<{ relkind: string }>(
    `select c.relkind from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relname = $2`,
    [relation.schema, relation.identifier],
  );
  const relkind = rows[0]?.relkind;
  if (relkind === undefined) return undefined;
  return KIND_BY_RELKIND[relkind] ?? 'other';
}

export function indexName(relation: Relation, index: IndexConfig): string {
  const hash = createHash('md5')
    .update(JSON.stringify([relation.schema, relation.identifier, index.columns, index.unique, index.type ?? null]))
    .digest('hex')
    .slice(0, 8);
  const cols = index.columns.map((c) => c.replace(/[^A-Za-z0-9_]+/g, '_')).join('_');
  return limitIdentifier(`${relation.identifier}__${cols}`, `__${hash}`);
}

export function indexStatement(relation: Relation, index: IndexConfig): string {
  const using = index.type ? ` using ${index.type}` : '';
  return `create ${index.unique ? 'unique ' : ''}index ${quoteIdent(indexName(relation, index))} on ${relation}${using} (${index.columns.join(', ')})`;
}

export async function materialize(
  client: pg.ClientBase,
  model: CompiledModel,
  compiledFile: string | undefined,
): Promise<MaterializeResult> {
  const { relation, sql } = model;

  const fail = (phase: ModelPhase, statement: string, e: PgErrorLike, position: SqlPosition | undefined, cause?: unknown): never => {
    throw new ModelRunError(
      {
        model: model.node.name,
        file: model.node.file,
        relation: relation.toString(),
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

  const exec = async (statement: string, phase: ModelPhase, sqlOffset?: number): Promise<void> => {
    try {
      await client.query(statement);
    } catch (err) {
      const e = err as PgErrorLike;
      if (typeof e?.message !== 'string') throw err;
      const position = sqlOffset !== undefined && e.position !== undefined ? positionInSql(sql, sqlOffset, Number(e.position), model.node.rawSql) : undefined;
      fail(phase, statement, e, position, err);
    }
  };

  const dropExisting = async (target: Relation, phase: ModelPhase): Promise<void> => {
    const kind = await relationKind(client, target);
    if (kind === undefined) return;
    const statement = `drop ${kind} if exists ${target} cascade`;
    if (kind === 'other') fail(phase, statement, { message: `${target} 已存在，但不是表或视图，无法替换` }, undefined);
    await exec(statement, phase);
  };

  for (const hook of model.preHooks) await exec(hook, 'pre_hook');

  let rowCount: number | null = null;
  if (model.config.materialized === 'view') {
    await dropExisting(relation, 'build');
    const prefix = `create view ${relation} as (\n`;
    await exec(`${prefix}${sql}\n)`, 'build', prefix.length);
  } else {
    const building = relation.withIdentifier(limitIdentifier(relation.identifier, '__new'));
    await dropExisting(building, 'build');
    const prefix = `create table ${building} as (\n`;
    await exec(`${prefix}${sql}\n)`, 'build', prefix.length);
    await dropExisting(relation, 'build');
    await exec(`alter table ${building} rename to ${quoteIdent(relation.identifier)}`, 'build');
    for (const index of model.config.indexes) await exec(indexStatement(relation, index), 'index');
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${relation}`);
    rowCount = Number(rows[0]?.n ?? 0);
  }

  for (const hook of model.postHooks) await exec(hook, 'post_hook');
  return { rowCount };
}

// Columns the load history and the reject workflow add to the bookkeeping
// tables of warehouse/schema.ts:
// - etl.rejects.row_data: the whole original row of a rejected row (header →
//   original text), so a correction sheet can be exported and reloaded;
// - etl.batch_files.headers: the file's header row in its original order
//   (jsonb does not keep the order of row_data's keys);
// - etl.batch_files.is_correction: the file was a correction (补正) file;
// - etl.batch_files.lines_total, blank_rows: the file's lines and its blank
//   rows, so every line is accounted for (lines = header + blank + read +
//   line breaks inside values);
// - etl.batch_files.forced: loaded again with `etl load --force`;
// - etl.batch_files.changed_months, changes_unbounded: the months whose rows
//   the file replaced, added or removed, or why its change is not bounded by
//   months (etl/load/changes.ts);
// - etl.batch_files.changed_persons: the ID numbers of the rows a file
//   replaced by identity, old and new (null: every person of its months;
//   etl/load/changes.ts);
// - etl.batches.changed_months, full_refresh: the months the models rebuilt,
//   or why they were rebuilt in full (etl/load/refresh.ts), and
//   changed_persons: the persons they kept to (null: every person).
// Idempotent. The columns are looked up first and only altered when missing:
// `alter table` waits for a running load's locks, a look-up does not.
import type pg from 'pg';
import { SCHEMA_LOCK } from '../../warehouse/locks.ts';

type Queryable = Pick<pg.Pool, 'query'> | pg.ClientBase;

const COLUMNS = [
  { table: 'rejects', column: 'row_data', type: 'jsonb' },
  { table: 'batch_files', column: 'headers', type: 'text[]' },
  { table: 'batch_files', column: 'is_correction', type: 'boolean not null default false' },
  { table: 'batch_files', column: 'lines_total', type: 'bigint' },
  { table: 'batch_files', column: 'blank_rows', type: 'bigint' },
  { table: 'batch_files', column: 'forced', type: 'boolean not null default false' },
  { table: 'batch_files', column: 'changed_months', type: 'date[]' },
  { table: 'batch_files', column: 'changes_unbounded', type: 'text' },
  { table: 'batch_files', column: 'changed_persons', type: 'text[]' },
  { table: 'batches', column: 'changed_months', type: 'date[]' },
  { table: 'batches', column: 'full_refresh', type: 'text' },
  { table: 'batches', column: 'changed_persons', type: 'text[]' },
] as const;

async function missingColumns(db: Queryable): Promise<(typeof COLUMNS)[number][]> {
  const r = await db.query<{ table_name: string; column_name: string }>(
    `select table_name, column_name from information_schema.columns
      where table_schema = 'etl' and table_name in ('rejects', 'batch_files', 'batches')`,
  );
  const present = new Set(r.rows.map((x) => `${x.table_name}.${x.column_name}`));
  return COLUMNS.filter((c) => !present.has(`${c.table}.${c.column}`));
}

/** True when the etl schema exists at all (a warehouse nothing was ever loaded into may lack it). */
export async function hasLoadHistory(db: Queryable): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>(`select to_regclass('etl.batches') is not null and to_regclass('etl.rejects') is not null as ok`);
  return r.rows[0]!.ok;
}

export async function ensureHistorySchema(pool: pg.Pool): Promise<void> {
  if (!(await hasLoadHistory(pool))) return;
  if ((await missingColumns(pool)).length === 0) return;
  const client = await pool.connect();
  try {
    await client.query('begin');
    // A load in progress holds the tables; do not wait for it indefinitely.
    await client.query(`set local lock_timeout = '10s'`);
    await client.query('select pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    for (const c of await missingColumns(client)) {
      await client.query(`alter table etl.${c.table} add column if not exists ${c.column} ${c.type}`);
    }
    await client.query('commit');
  } catch (e) {
    await client.query('rollback').catch(() => {});
    if ((e as { code?: string }).code === '55P03') throw new Error('无法更新导入记录表：另一个导入正在进行，请在它结束后再试', { cause: e });
    throw e;
  } finally {
    client.release();
  }
}

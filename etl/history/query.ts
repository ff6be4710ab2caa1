// Reads the load history: etl.batches and the files of each batch (etl.batch_files).
import type pg from 'pg';
import { kindByNumber } from '../formats/kinds.ts';
import { LOAD_LOCK } from '../../warehouse/locks.ts';
import { hasLoadHistory } from './schema.ts';

type Queryable = Pick<pg.Pool, 'query'> | pg.ClientBase;

export type BatchStatus = 'running' | 'succeeded' | 'failed' | 'abandoned';

export const STATUS_TEXT: Record<BatchStatus, string> = {
  running: '进行中',
  succeeded: '成功',
  failed: '失败',
  abandoned: '中断',
};

export interface BatchFile {
  path: string;
  name: string;
  kind: number;
  kindTitle: string;
  format: string;
  sha256: string;
  outcome: 'loaded' | 'skipped';
  isCorrection: boolean;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  /** Lines of the file and its blank rows (null for files loaded before lines were counted, and skipped files). */
  linesTotal: number | null;
  blankRows: number | null;
  /** Loaded again with --force although its content was loaded before. */
  forced: boolean;
  /** Why the file was skipped (or another remark of the load). */
  note: string | null;
  /** The months (YYYY-MM-01) whose rows the file replaced, added or removed; null when not recorded. */
  changedMonths: string[] | null;
  /** Why the file's change is not bounded by months (every month rebuilt). */
  changesUnbounded: string | null;
}

export interface Batch {
  batchId: number;
  /** As recorded in etl.batches. */
  status: BatchStatus;
  /**
   * What is shown: the recorded status, except that a batch still recorded as
   * running whose process is gone (no load holds the load lock) is 中断.
   */
  statusText: string;
  runBy: string;
  host: string | null;
  paths: string[];
  startedAt: string;
  finishedAt: string | null;
  /** Until finished, or until now for a load in progress. */
  durationSeconds: number;
  error: string | null;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  /** The months whose periods the models rebuilt (null when not recorded or the models did not run). */
  changedMonths: string[] | null;
  /** Why the models were rebuilt in full (null: only the changed months, or not recorded). */
  fullRefresh: string | null;
  /**
   * The files of the batch. Files are recorded inside the load's transaction,
   * so a failed or abandoned batch has none: its `paths` say what was loaded.
   */
  files: BatchFile[];
}

interface BatchRow {
  batch_id: string;
  status: BatchStatus;
  run_by: string;
  host: string | null;
  paths: string[];
  started_at: Date;
  finished_at: Date | null;
  duration_seconds: number;
  error: string | null;
  rows_read: string;
  rows_loaded: string;
  rows_rejected: string;
  changed_months: string[] | null;
  full_refresh: string | null;
}

interface FileRow {
  batch_id: string;
  file_path: string;
  file_name: string;
  kind: number;
  format: string;
  sha256: string;
  outcome: 'loaded' | 'skipped';
  is_correction: boolean | null;
  rows_read: string;
  rows_loaded: string;
  rows_rejected: string;
  lines_total: string | null;
  blank_rows: string | null;
  forced: boolean | null;
  note: string | null;
  changed_months: string[] | null;
  changes_unbounded: string | null;
}

function kindTitle(kind: number): string {
  try {
    return kindByNumber(kind).title;
  } catch {
    return `第 ${kind} 类`;
  }
}

/** Whether some session holds the load lock, i.e. a load is really in progress. */
async function loadInProgress(db: Queryable): Promise<boolean> {
  const r = await db.query<{ held: boolean }>(
    `select exists (
       select 1 from pg_locks
        where locktype = 'advisory' and granted
          and database = (select oid from pg_database where datname = current_database())
          and classid = 0 and objid = $1 and objsubid = 1
     ) as held`,
    [LOAD_LOCK],
  );
  return r.rows[0]!.held;
}

async function readBatches(db: Queryable, where: string, params: unknown[]): Promise<Batch[]> {
  if (!(await hasLoadHistory(db))) return [];
  const batches = await db.query<BatchRow>(
    `select batch_id, status, run_by, host, paths, started_at, finished_at, error, rows_read, rows_loaded, rows_rejected,
            extract(epoch from coalesce(finished_at, now()) - started_at)::float8 as duration_seconds,
            case when jsonb_typeof(to_jsonb(b) -> 'changed_months') = 'array'
                 then array(select jsonb_array_elements_text(to_jsonb(b) -> 'changed_months') order by 1) end as changed_months,
            to_jsonb(b) ->> 'full_refresh' as full_refresh
       from etl.batches b ${where}`,
    params,
  );
  if (batches.rows.length === 0) return [];
  const ids = batches.rows.map((b) => b.batch_id);
  const files = await db.query<FileRow>(
    `select batch_id, file_path, file_name, kind, format, sha256, outcome, to_jsonb(f) -> 'is_correction' = 'true' as is_correction,
            rows_read, rows_loaded, rows_rejected, note,
            (to_jsonb(f) ->> 'lines_total')::bigint as lines_total, (to_jsonb(f) ->> 'blank_rows')::bigint as blank_rows,
            to_jsonb(f) -> 'forced' = 'true' as forced,
            case when jsonb_typeof(to_jsonb(f) -> 'changed_months') = 'array'
                 then array(select jsonb_array_elements_text(to_jsonb(f) -> 'changed_months') order by 1) end as changed_months,
            to_jsonb(f) ->> 'changes_unbounded' as changes_unbounded
       from etl.batch_files f where batch_id = any($1::bigint[])
      order by batch_id, kind, file_name`,
    [ids],
  );
  const running = batches.rows.some((b) => b.status === 'running') ? await loadInProgress(db) : false;
  const byBatch = new Map<string, BatchFile[]>();
  for (const f of files.rows) {
    const list = byBatch.get(f.batch_id) ?? [];
    list.push({
      path: f.file_path,
      name: f.file_name,
      kind: f.kind,
      kindTitle: kindTitle(f.kind),
      format: f.format,
      sha256: f.sha256,
      outcome: f.outcome,
      isCorrection: f.is_correction === true,
      rowsRead: Number(f.rows_read),
      rowsLoaded: Number(f.rows_loaded),
      rowsRejected: Number(f.rows_rejected),
      linesTotal: f.lines_total === null ? null : Number(f.lines_total),
      blankRows: f.blank_rows === null ? null : Number(f.blank_rows),
      forced: f.forced === true,
      note: f.note,
      changedMonths: f.changed_months,
      changesUnbounded: f.changes_unbounded,
    });
    byBatch.set(f.batch_id, list);
  }
  return batches.rows.map((b) => ({
    batchId: Number(b.batch_id),
    status: b.status,
    statusText: b.status === 'running' && !running ? STATUS_TEXT.abandoned : STATUS_TEXT[b.status],
    runBy: b.run_by,
    host: b.host,
    paths: b.paths,
    startedAt: b.started_at.toISOString(),
    finishedAt: b.finished_at ? b.finished_at.toISOString() : null,
    durationSeconds: b.duration_seconds,
    error: b.status === 'running' && !running ? '导入进程已不在运行，事务已回滚（下次导入时记为中断）' : b.error,
    rowsRead: Number(b.rows_read),
    rowsLoaded: Number(b.rows_loaded),
    rowsRejected: Number(b.rows_rejected),
    changedMonths: b.changed_months,
    fullRefresh: b.full_refresh,
    files: byBatch.get(b.batch_id) ?? [],
  }));
}

/** The latest batches, newest first. */
export async function listBatches(db: Queryable, limit: number): Promise<Batch[]> {
  return readBatches(db, 'order by batch_id desc limit $1', [limit]);
}

export async function getBatch(db: Queryable, batchId: number): Promise<Batch | null> {
  const [batch] = await readBatches(db, 'where batch_id = $1', [batchId]);
  return batch ?? null;
}

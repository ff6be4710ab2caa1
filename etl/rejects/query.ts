// Reads the rejected rows of a batch from etl.rejects, grouped by file and row.
import type pg from 'pg';
import { kindByNumber } from '../formats/kinds.ts';
import { hasLoadHistory } from '../history/schema.ts';
import type { RowData } from './row-data.ts';

type Queryable = Pick<pg.Pool, 'query'> | pg.ClientBase;

export interface RejectError {
  column: string | null;
  value: string | null;
  reason: string;
}

export interface RejectedRow {
  rowNumber: number;
  errors: RejectError[];
  /** The whole original row; null for batches loaded before rows were kept. */
  rowData: RowData | null;
}

export interface RejectedFile {
  fileName: string;
  kind: number;
  kindTitle: string;
  /** The file's header row in its order; null for batches loaded before headers were kept. */
  headers: string[] | null;
  rows: RejectedRow[];
}

export interface BatchRejects {
  batchId: number;
  files: RejectedFile[];
}

export class BatchNotFoundError extends Error {}

/** The newest batch that has rejected rows, or null. */
export async function latestBatchWithRejects(db: Queryable): Promise<number | null> {
  if (!(await hasLoadHistory(db))) return null;
  const r = await db.query<{ batch_id: string | null }>('select max(batch_id) as batch_id from etl.rejects');
  return r.rows[0]!.batch_id === null ? null : Number(r.rows[0]!.batch_id);
}

export async function readRejects(db: Queryable, batchId: number): Promise<BatchRejects> {
  if (!(await hasLoadHistory(db))) return { batchId, files: [] };
  const rejects = await db.query<{ file_name: string; kind: number; row_number: number; column_name: string | null; value: string | null; reason: string; row_data: RowData | null }>(
    `select file_name, kind, row_number, column_name, value, reason, to_jsonb(r) -> 'row_data' as row_data
       from etl.rejects r where batch_id = $1
      order by file_name, row_number`,
    [batchId],
  );
  const headers = await db.query<{ file_name: string; headers: string[] | null }>(
    `select file_name, (select array_agg(h) from jsonb_array_elements_text(case when jsonb_typeof(to_jsonb(f) -> 'headers') = 'array' then to_jsonb(f) -> 'headers' else '[]' end) as h) as headers
       from etl.batch_files f where batch_id = $1`,
    [batchId],
  );
  const headersOf = new Map(headers.rows.map((h) => [h.file_name, h.headers]));
  const files = new Map<string, RejectedFile>();
  for (const r of rejects.rows) {
    let file = files.get(r.file_name);
    if (!file) {
      let title = `第 ${r.kind} 类`;
      try {
        title = kindByNumber(r.kind).title;
      } catch { /* an unknown kind keeps its number */ }
      file = { fileName: r.file_name, kind: r.kind, kindTitle: title, headers: headersOf.get(r.file_name) ?? null, rows: [] };
      files.set(r.file_name, file);
    }
    let row = file.rows.at(-1);
    if (!row || row.rowNumber !== r.row_number) {
      row = { rowNumber: r.row_number, errors: [], rowData: null };
      file.rows.push(row);
    }
    row.errors.push({ column: r.column_name, value: r.value, reason: r.reason });
    row.rowData ??= r.row_data && typeof r.row_data === 'object' ? r.row_data : null;
  }
  for (const file of files.values()) {
    // errors of a row in the file's column order
    const position = (e: RejectError) => {
      const i = file.headers?.indexOf((e.column ?? '').split('、')[0]!) ?? -1;
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    for (const row of file.rows) row.errors.sort((x, y) => position(x) - position(y) || x.reason.localeCompare(y.reason));
  }
  return { batchId, files: [...files.values()] };
}

/** The rejects of `batch`, or of the newest batch with rejects when none is given (null: no rejects at all). */
export async function findRejects(db: Queryable, batch?: number): Promise<BatchRejects | null> {
  const batchId = batch ?? (await latestBatchWithRejects(db));
  if (batchId === null) return null;
  const exists = (await hasLoadHistory(db)) ? await db.query('select 1 from etl.batches where batch_id = $1', [batchId]) : { rows: [] };
  if (exists.rows.length === 0) throw new BatchNotFoundError(`批次 ${batchId} 不存在`);
  return readRejects(db, batchId);
}

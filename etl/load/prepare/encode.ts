// Validates source rows and encodes the good ones as COPY lines (CSV format,
// the raw table's columns then the lineage columns), counting as it goes.
import type { HeaderMatch } from '../../formats/detect.ts';
import { escapeControls } from '../../formats/control-chars.ts';
import { rowValidator, type ValidationContext } from '../../formats/validate.ts';
import type { SourceRow } from '../../read/index.ts';
import { sourceRowData, type RowData } from '../../rejects/row-data.ts';
import { csvField } from '../copy-rows.ts';

export interface Reject {
  rowNumber: number;
  column: string | null;
  value: string | null;
  reason: string;
  /** The whole original row (header → text), so it can be exported for correction and reloaded. */
  rowData?: RowData;
}

/** The lineage columns on each COPY line, after the kind's own columns. */
export const COPY_LINEAGE = ['batch_id', 'source_row', 'extra'] as const;

export interface RowEncoder {
  /**
   * The COPY line of a good row, or null for a rejected row (its reasons go to
   * `rejects`). The row's partition value is left in `state.partition`: no
   * object per row.
   */
  encode(row: SourceRow): string | null;
  counts: { read: number; written: number };
  state: { partition: string | null };
  /** The months (YYYY-MM-01) of `monthColumns` in the rows written. */
  months: Set<string>;
}

/** `monthColumns`: date columns whose months in the written rows are collected (`months`). */
export function rowEncoder(match: HeaderMatch, batchId: number, ctx: ValidationContext, rejects: Reject[], monthColumns: readonly string[] = []): RowEncoder {
  const spec = match.spec;
  const validator = rowValidator(match, ctx);
  const partitionAt = spec.replace.by === 'partition' ? validator.columns.indexOf(spec.replace.column) : -1;
  // Only free text can hold a comma, quote or newline; every other type was normalised by its parser.
  const quote = spec.columns.map((c) => c.value.type === 'text');
  const n = quote.length;
  const counts = { read: 0, written: 0 };
  const state = { partition: null as string | null };
  const months = new Set<string>();
  const monthAt = monthColumns.map((c) => {
    const i = validator.columns.indexOf(c);
    if (i < 0) throw new Error(`${spec.table} has no column ${c}`);
    return i;
  });
  const values: (string | null)[] = new Array<string | null>(n).fill(null);
  // One reused array of the line's fields, joined once: building the line with
  // += would leave a tree of small strings per row for the garbage collector.
  // The line ends with the lineage columns of COPY_LINEAGE; source_file, the
  // same on every row, is the column's default during the file's COPY instead.
  const line: string[] = new Array<string>(n + COPY_LINEAGE.length).fill('');
  line[n] = String(batchId);
  const encode = (row: SourceRow): string | null => {
    counts.read++;
    if (row.issues) {
      // found by the reader (an over-long field, a control character, a cell
      // without a header): the row's text is stored with its controls written
      // out, as PostgreSQL cannot hold NUL
      const rowData = sourceRowData(match.positions, row.cells);
      for (const header of Object.keys(rowData)) rowData[header] = escapeControls(rowData[header]!);
      for (const e of row.issues) rejects.push({ rowNumber: row.rowNumber, column: e.column, value: e.value, reason: e.reason, rowData });
      return null;
    }
    const errors = validator.check(row.cells, values);
    if (errors !== null) {
      const rowData = sourceRowData(match.positions, row.cells);
      for (const e of errors) rejects.push({ rowNumber: row.rowNumber, column: e.column, value: e.value, reason: e.reason, rowData });
      return null;
    }
    counts.written++;
    for (const i of monthAt) {
      const v = values[i];
      // dates and months are parsed to YYYY-MM-DD
      if (v) months.add(`${v.slice(0, 7)}-01`);
    }
    for (let i = 0; i < n; i++) {
      const v = values[i] ?? null;
      line[i] = quote[i] ? csvField(v) : v === null ? '' : v;
    }
    const extra = validator.extra(row.cells);
    line[n + 1] = String(row.rowNumber);
    line[n + 2] = extra === null ? '\n' : csvField(JSON.stringify(extra)) + '\n';
    state.partition = partitionAt >= 0 ? values[partitionAt]! : null;
    return line.join(',');
  };
  return { encode, counts, state, months };
}

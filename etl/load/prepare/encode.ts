// Validates source rows and encodes the good ones as COPY lines (CSV format,
// the raw table's columns then the lineage columns), counting as it goes.
import type { HeaderMatch } from '../../formats/detect.ts';
import { rowValidator, type ValidationContext } from '../../formats/validate.ts';
import type { SourceRow } from '../../read/index.ts';
import { sourceRowData, type RowData } from '../../rejects/row-data.ts';
import { LINEAGE_COLUMNS } from '../../../warehouse/schema.ts';
import { csvField } from '../copy-rows.ts';

export interface Reject {
  rowNumber: number;
  column: string | null;
  value: string | null;
  reason: string;
  /** The whole original row (header → text), so it can be exported for correction and reloaded. */
  rowData?: RowData;
}

export interface RowEncoder {
  /**
   * The COPY line of a good row, or null for a rejected row (its reasons go to
   * `rejects`). The row's partition value is left in `state.partition`: no
   * object per row.
   */
  encode(row: SourceRow): string | null;
  counts: { read: number; written: number };
  state: { partition: string | null };
}

export function rowEncoder(match: HeaderMatch, fileName: string, batchId: number, ctx: ValidationContext, rejects: Reject[]): RowEncoder {
  const spec = match.spec;
  const validator = rowValidator(match, ctx);
  const partitionAt = spec.replace.by === 'partition' ? validator.columns.indexOf(spec.replace.column) : -1;
  // Only free text can hold a comma, quote or newline; every other type was normalised by its parser.
  const quote = spec.columns.map((c) => c.value.type === 'text');
  const n = quote.length;
  const counts = { read: 0, written: 0 };
  const state = { partition: null as string | null };
  const values: (string | null)[] = new Array<string | null>(n).fill(null);
  // One reused array of the line's fields, joined once: building the line with
  // += would leave a tree of small strings per row for the garbage collector.
  const line: string[] = new Array<string>(n + LINEAGE_COLUMNS.length).fill('');
  line[n] = String(batchId);
  line[n + 1] = csvField(fileName);
  const encode = (row: SourceRow): string | null => {
    counts.read++;
    const errors = validator.check(row.cells, values);
    if (errors !== null) {
      const rowData = sourceRowData(match.positions, row.cells);
      for (const e of errors) rejects.push({ rowNumber: row.rowNumber, column: e.column, value: e.value, reason: e.reason, rowData });
      return null;
    }
    counts.written++;
    for (let i = 0; i < n; i++) {
      const v = values[i] ?? null;
      line[i] = quote[i] ? csvField(v) : v === null ? '' : v;
    }
    const extra = validator.extra(row.cells);
    line[n + 2] = String(row.rowNumber);
    line[n + 3] = extra === null ? '\n' : csvField(JSON.stringify(extra)) + '\n';
    state.partition = partitionAt >= 0 ? values[partitionAt]! : null;
    return line.join(',');
  };
  return { encode, counts, state };
}

import type { CellValue } from '../formats/values.ts';

/** Why the reader rejects a row before it is validated (a field too long, a control character, a cell without a header, a formula without a value). */
export interface RowIssue {
  /** The header of the cell, or "第 N 列" for a cell without one. */
  column: string;
  /** The cell as text, control characters written out and cut to a readable length. */
  value: string;
  reason: string;
}

export interface SourceRow {
  /** 1-based row number as a spreadsheet user sees it (the header is row 1). */
  rowNumber: number;
  cells: CellValue[];
  /** Set when the reader found the row unfit to load: it is rejected with these reasons. */
  issues?: RowIssue[];
}

/**
 * How the lines of a file were accounted for, once its rows are read:
 * lines = headerLines + blankRows + rows + innerBreaks.
 */
export interface LineCount {
  /** Lines of the file: text lines of a CSV, rows of an XLSX sheet up to its last. */
  lines: number;
  /** The header row and any blank lines above it. */
  headerLines: number;
  /** Blank rows among the data (nothing to load). */
  blankRows: number;
  /** Data rows handed to the loader. */
  rows: number;
  /** Line breaks inside quoted CSV values (a row spread over several lines). */
  innerBreaks: number;
}

export interface SourceTable {
  headers: string[];
  /** The data rows in batches: the loader's path, one await per batch rather than per row. */
  batches: AsyncIterable<SourceRow[]>;
  /** The same rows one by one (use either this or `batches`, not both). */
  rows: AsyncIterable<SourceRow>;
  /** Bytes of the file consumed so far, for progress. */
  bytesRead(): number;
  /** What was detected about the file, for the summary (e.g. the CSV encoding). */
  format: string;
  /** The line accounting, complete once every row has been read. */
  lineCount(): LineCount;
}

export class SourceReadError extends Error {}

export async function* rowsOf(batches: AsyncIterable<SourceRow[]>): AsyncGenerator<SourceRow> {
  for await (const batch of batches) yield* batch;
}

import type { CellValue } from '../formats/values.ts';

export interface SourceRow {
  /** 1-based row number as a spreadsheet user sees it (the header is row 1). */
  rowNumber: number;
  cells: CellValue[];
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
}

export class SourceReadError extends Error {}

export async function* rowsOf(batches: AsyncIterable<SourceRow[]>): AsyncGenerator<SourceRow> {
  for await (const batch of batches) yield* batch;
}

import type { CellValue } from '../formats/values.ts';

export interface SourceRow {
  /** 1-based row number as a spreadsheet user sees it (the header is row 1). */
  rowNumber: number;
  cells: CellValue[];
}

export interface SourceTable {
  headers: string[];
  rows: AsyncIterable<SourceRow>;
  /** Bytes of the file consumed so far, for progress. */
  bytesRead(): number;
  /** What was detected about the file, for the summary (e.g. the CSV encoding). */
  format: string;
}

export class SourceReadError extends Error {}

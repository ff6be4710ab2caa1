// Streams the first worksheet of an XLSX export.
import { createReadStream } from 'node:fs';
import ExcelJS from 'exceljs';
import type { CellValue } from '../formats/values.ts';
import { rowsOf, SourceReadError, type SourceRow, type SourceTable } from './types.ts';

/** Flattens exceljs' cell value shapes (rich text, formulas, links) to text, number or date. */
export function toCellValue(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || value instanceof Date) return value;
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string };
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return toCellValue(v.result);
    if (v.text !== undefined) return toCellValue(v.text);
    if (v.error) return String(v.error);
  }
  return String(value);
}

export async function openXlsx(file: string): Promise<SourceTable> {
  const input = createReadStream(file);
  let consumed = 0;
  input.on('data', (chunk) => { consumed += chunk.length; });
  // styles are needed to tell date cells from numbers
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { styles: 'cache', sharedStrings: 'cache', worksheets: 'emit', hyperlinks: 'ignore', entries: 'ignore' });

  const sheets = reader[Symbol.asyncIterator]();
  let sheetRows: AsyncIterator<ExcelJS.Row>;
  let header: ExcelJS.Row | undefined;
  try {
    const sheet = await sheets.next();
    if (sheet.done) throw new SourceReadError('工作簿中没有工作表');
    sheetRows = sheet.value[Symbol.asyncIterator]();
    for (;;) {
      const r = await sheetRows.next();
      if (r.done) break;
      if (r.value.hasValues) { header = r.value; break; }
    }
  } catch (e) {
    if (e instanceof SourceReadError) throw e;
    throw new SourceReadError(`无法读取 XLSX 文件：${(e as Error).message}`);
  }
  if (!header) throw new SourceReadError('第一个工作表为空：没有表头行');
  const rowCells = (row: ExcelJS.Row): CellValue[] => {
    // row.values is 1-based with a hole at index 0
    const values = row.values as unknown[];
    return Array.from({ length: Math.max(values.length - 1, 0) }, (_, i) => toCellValue(values[i + 1]));
  };
  const headers = rowCells(header).map((c) => (c === null ? '' : String(c)));

  async function* batches(): AsyncGenerator<SourceRow[]> {
    let batch: SourceRow[] = [];
    try {
      for (;;) {
        const r = await sheetRows.next();
        if (r.done) break;
        if (!r.value.hasValues) continue;
        batch.push({ rowNumber: r.value.number, cells: rowCells(r.value) });
        if (batch.length >= 1000) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    } catch (e) {
      throw new SourceReadError(`无法读取 XLSX 文件：${(e as Error).message}`);
    } finally {
      input.destroy();
    }
  }
  const all = batches();
  return { headers, batches: all, rows: rowsOf(all), bytesRead: () => consumed, format: 'XLSX' };
}

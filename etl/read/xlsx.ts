// Streams the first worksheet of an XLSX export.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
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

/** Largest workbook read whole when the streaming reader cannot read it. */
const WHOLE_READ_MAX_BYTES = 64 * 1024 * 1024;

/**
 * exceljs's streaming reader fails on some workbooks whose workbook.xml comes
 * after the worksheets in the zip (exceljs issue #962); such a workbook, if not
 * too large, is read whole instead.
 */
async function openXlsxWhole(file: string): Promise<SourceTable> {
  const { size } = await stat(file);
  if (size > WHOLE_READ_MAX_BYTES) throw new SourceReadError(`无法以流方式读取该 XLSX 文件，且文件超过 ${WHOLE_READ_MAX_BYTES / 1024 / 1024} MB：请另存为 CSV 后导入`);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new SourceReadError('工作簿中没有工作表');
  const rows: SourceRow[] = [];
  sheet.eachRow((row) => rows.push({ rowNumber: row.number, cells: rowCellsOf(row) }));
  const [header, ...data] = rows;
  if (!header) throw new SourceReadError('第一个工作表为空：没有表头行');
  async function* batches(): AsyncGenerator<SourceRow[]> {
    for (let i = 0; i < data.length; i += 1000) yield data.slice(i, i + 1000);
  }
  const all = batches();
  return { headers: header.cells.map((c) => (c === null ? '' : String(c))), batches: all, rows: rowsOf(all), bytesRead: () => size, format: 'XLSX' };
}

function rowCellsOf(row: ExcelJS.Row): CellValue[] {
  // row.values is 1-based with a hole at index 0
  const values = row.values as unknown[];
  return Array.from({ length: Math.max(values.length - 1, 0) }, (_, i) => toCellValue(values[i + 1]));
}

export async function openXlsx(file: string): Promise<SourceTable> {
  try {
    return await openXlsxStreaming(file);
  } catch (e) {
    if (e instanceof SourceReadError && /reading 'sheets'|Cannot read properties of undefined/.test(e.message)) return openXlsxWhole(file);
    throw e;
  }
}

async function openXlsxStreaming(file: string): Promise<SourceTable> {
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
  const rowCells = rowCellsOf;
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

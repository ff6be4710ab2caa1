// Streams the first worksheet of an XLSX export.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type ExcelJS from 'exceljs';
import { loadExcelJS } from './exceljs.ts';
import type { CellValue } from '../formats/values.ts';
import { MAX_FIELD_CHARS } from './csv-parse.ts';
import { columnName, longFieldIssue, rowChecks, shownValue } from './row-issues.ts';
import { rowsOf, SourceReadError, type LineCount, type RowIssue, type SourceRow, type SourceTable } from './types.ts';
import { checkZipBounds } from './zip-bounds.ts';

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

/**
 * Why a cell's value cannot be used, or null: a formula Excel never calculated
 * (no cached result, which exceljs gives as an object) or one that calculated
 * an error (#DIV/0!, #REF!), or a value of a shape exceljs has no text for.
 */
export function cellProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || value instanceof Date) return null;
  const v = value as { richText?: unknown; formula?: unknown; sharedFormula?: unknown; result?: unknown; text?: unknown; error?: unknown };
  if (v.richText) return null;
  if ('formula' in v || 'sharedFormula' in v) {
    // exceljs' streaming reader also drops the value of a formula that calculated an error (t="e")
    if (v.result === undefined || v.result === null) return `公式单元格没有可用的计算结果（公式 ${String(v.formula ?? v.sharedFormula ?? '')} 未计算或计算出错）：请在 Excel 中打开、重新计算并保存后再导入，或把公式转为数值`;
    if (typeof v.result === 'object' && v.result !== null && 'error' in v.result) return `公式计算出错：${String((v.result as { error: unknown }).error)}`;
    return null;
  }
  if (v.error !== undefined) return `单元格是错误值 ${String(v.error)}`;
  if (v.text !== undefined) return null;
  return '无法识别的单元格内容';
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
  const workbook = new (await loadExcelJS()).Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new SourceReadError('工作簿中没有工作表');
  const sheetRows: ExcelJS.Row[] = [];
  sheet.eachRow((row) => sheetRows.push(row));
  const [header, ...data] = sheetRows;
  if (!header) throw new SourceReadError('第一个工作表为空：没有表头行');
  const headers = rowCellsOf(header).map((c) => (c === null ? '' : String(c)));
  const checks = rowChecks(headers);
  const rows = data.filter((r) => r.hasValues).map((r) => sourceRowOf(r, headers, checks));
  const count = sheetLineCount(header.number, rows);
  async function* batches(): AsyncGenerator<SourceRow[]> {
    for (let i = 0; i < rows.length; i += 1000) yield rows.slice(i, i + 1000);
  }
  const all = batches();
  return { headers, batches: all, rows: rowsOf(all), bytesRead: () => size, format: 'XLSX', lineCount: () => count };
}

function rowCellsOf(row: ExcelJS.Row): CellValue[] {
  // row.values is 1-based with a hole at index 0
  const values = row.values as unknown[];
  return Array.from({ length: Math.max(values.length - 1, 0) }, (_, i) => toCellValue(values[i + 1]));
}

/** A data row with the reader's checks: unusable cells, cells without a header, control characters, over-long text. */
function sourceRowOf(row: ExcelJS.Row, headers: readonly string[], checks: ReturnType<typeof rowChecks>): SourceRow {
  const values = row.values as unknown[];
  const cells: CellValue[] = [];
  let issues: RowIssue[] | undefined;
  for (let i = 0; i < values.length - 1; i++) {
    const raw = values[i + 1];
    const problem = cellProblem(raw);
    if (problem) {
      (issues ??= []).push({ column: columnName(headers, i), value: '', reason: problem });
      cells.push(null);
      continue;
    }
    const cell = toCellValue(raw);
    if (typeof cell === 'string' && cell.length > MAX_FIELD_CHARS) {
      (issues ??= []).push(longFieldIssue(headers, i, cell, cell.length));
      cells.push(shownValue(cell));
      continue;
    }
    cells.push(cell);
  }
  issues = checks.unlabelled(cells, issues);
  issues = checks.controls(cells, issues);
  return issues ? { rowNumber: row.number, cells, issues } : { rowNumber: row.number, cells };
}

export async function openXlsx(file: string): Promise<SourceTable> {
  await checkZipBounds(file);
  try {
    return await openXlsxStreaming(file);
  } catch (e) {
    if (e instanceof SourceReadError && /reading 'sheets'|Cannot read properties of undefined/.test(e.message)) return openXlsxWhole(file);
    throw e;
  }
}

async function openXlsxStreaming(file: string): Promise<SourceTable> {
  // loaded before the stream opens: its 'data' listener starts the flow
  const { stream } = await loadExcelJS();
  const input = createReadStream(file);
  let consumed = 0;
  input.on('data', (chunk) => { consumed += chunk.length; });
  // styles are needed to tell date cells from numbers
  const reader = new stream.xlsx.WorkbookReader(input, { styles: 'cache', sharedStrings: 'cache', worksheets: 'emit', hyperlinks: 'ignore', entries: 'ignore' });

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
  const headers = rowCellsOf(header).map((c) => (c === null ? '' : String(c)));
  const checks = rowChecks(headers);
  const count: LineCount = { lines: header.number, headerLines: header.number, blankRows: 0, rows: 0, innerBreaks: 0 };

  async function* batches(): AsyncGenerator<SourceRow[]> {
    let batch: SourceRow[] = [];
    try {
      for (;;) {
        const r = await sheetRows.next();
        if (r.done) break;
        if (!r.value.hasValues) continue;
        count.rows++;
        count.lines = r.value.number;
        count.blankRows = count.lines - count.headerLines - count.rows;
        batch.push(sourceRowOf(r.value, headers, checks));
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
  return { headers, batches: all, rows: rowsOf(all), bytesRead: () => consumed, format: 'XLSX', lineCount: () => count };
}

/** The rows of a sheet read whole: its rows up to the last with a value, the ones between without any blank. */
function sheetLineCount(headerRow: number, rows: readonly SourceRow[]): LineCount {
  const lines = rows.at(-1)?.rowNumber ?? headerRow;
  return { lines, headerLines: headerRow, blankRows: lines - headerRow - rows.length, rows: rows.length, innerBreaks: 0 };
}

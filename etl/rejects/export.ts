// The correction workbook (补正表) of a batch: one worksheet per source file with
// that file's original headers and the original cells of each rejected row,
// the bad cells highlighted, and two columns at the end, 错误说明 (every reason
// of the row) and 补正来源 (batch / file / row). Staff fix the highlighted cells
// and load the workbook again: 补正来源 marks it as a correction, see
// read-correction.ts.
import ExcelJS from 'exceljs';
import { kindByNumber, type KindSpec } from '../formats/kinds.ts';
import { displayWidth } from '../history/text-table.ts';
import type { BatchRejects, RejectedFile, RejectedRow } from './query.ts';
import { CORRECTION_NOTE_HEADER, CORRECTION_SOURCE_HEADER } from './read-correction.ts';

export interface ExportSummary {
  file: string;
  sheets: { name: string; sourceFile: string; rows: number }[];
  /** Rejected rows whose original cells were not kept (loaded before this was recorded). */
  rowsWithoutData: number;
}

const BAD_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } };
const BAD_FONT: Partial<ExcelJS.Font> = { color: { argb: 'FF9C0006' } };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
const NOTE_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };

/** 身份证号：校验位错误…；救助金额：金额不能为负数 */
export function describeErrors(row: RejectedRow): string {
  return row.errors
    .map((e) => {
      if (!e.column) return e.reason;
      // reasons often start with the column's name ("身份证号校验位错误…"): say it once
      const reason = e.reason.startsWith(e.column) ? e.reason.slice(e.column.length).replace(/^[\s：:，,]+/, '') : e.reason;
      return `${e.column}：${reason || e.reason}`;
    })
    .join('；');
}

/** 批次 12 / 03-低保特困在册人员-202406.csv / 第 57 行 */
export function correctionSource(batchId: number, fileName: string, rowNumber: number): string {
  return `批次 ${batchId} / ${fileName} / 第 ${rowNumber} 行`;
}

/** A valid, unique worksheet name (at most 31 characters, none of \ / ? * [ ] :). */
function sheetName(fileName: string, taken: Set<string>): string {
  const base = (fileName.replace(/\.(csv|xlsx)$/i, '').replace(/[\\/?*[\]:]/g, '_').replace(/^'+|'+$/g, '') || '拒收行').slice(0, 31);
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base.slice(0, 31 - String(i).length - 2)}(${i})`;
  taken.add(name.toLowerCase());
  return name;
}

function specOf(kind: number): KindSpec | null {
  try {
    return kindByNumber(kind);
  } catch {
    return null;
  }
}

/** The file's headers: as recorded, or for older batches the kind's columns found in the rows. */
function headersOf(file: RejectedFile, spec: KindSpec | null): string[] {
  if (file.headers && file.headers.length > 0) return file.headers;
  const seen = new Set(file.rows.flatMap((r) => Object.keys(r.rowData ?? {})));
  const ordered = (spec?.columns ?? []).map((c) => c.header).filter((h) => seen.has(h));
  return [...ordered, ...[...seen].filter((h) => !ordered.includes(h))];
}

/** Writes the correction workbook of `rejects` to `outFile`. */
export async function exportRejects(rejects: BatchRejects, outFile: string): Promise<ExportSummary> {
  if (!rejects.files.some((f) => f.rows.some((r) => r.rowData !== null))) {
    throw new Error(`批次 ${rejects.batchId} 的拒收行没有保存原始行内容（早于保存原始行的版本导入），无法导出补正表`);
  }
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: outFile, useStyles: true, useSharedStrings: true });
  workbook.creator = '社会救助数据仓库';
  const taken = new Set<string>();
  const summary: ExportSummary = { file: outFile, sheets: [], rowsWithoutData: 0 };
  for (const file of rejects.files) {
    const rows = file.rows.filter((r) => r.rowData !== null);
    summary.rowsWithoutData += file.rows.length - rows.length;
    if (rows.length === 0) continue;
    const spec = specOf(file.kind);
    const headers = headersOf(file, spec);
    const monthHeaders = new Set((spec?.columns ?? []).filter((c) => c.value.type === 'month').map((c) => c.header));
    const name = sheetName(file.fileName, taken);
    const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    const all = [...headers, CORRECTION_NOTE_HEADER, CORRECTION_SOURCE_HEADER];
    const widths = all.map((h) => displayWidth(h) + 2);
    const body = rows.map((r) => {
      const bad = new Set(r.errors.flatMap((e) => (e.column ?? '').split('、')));
      const values = headers.map((h) => {
        let v = r.rowData![h] ?? '';
        // a month read from a date cell was kept as its day; written back as a month
        if (!bad.has(h) && monthHeaders.has(h) && /^\d{4}-\d{2}-\d{2}$/.test(v)) v = v.slice(0, 7);
        return v;
      });
      const line = [...values, describeErrors(r), correctionSource(rejects.batchId, file.fileName, r.rowNumber)];
      line.forEach((v, i) => (widths[i] = Math.max(widths[i]!, Math.min(displayWidth(v) + 2, 60))));
      return { line, bad: headers.map((h) => bad.has(h)) };
    });
    sheet.columns = all.map((h, i) => ({ key: `c${i}`, width: widths[i]!, style: { numFmt: '@' } }));
    const head = sheet.addRow(all);
    head.eachCell((cell, col) => {
      cell.font = { bold: true };
      cell.fill = col > headers.length ? NOTE_FILL : HEADER_FILL;
    });
    head.commit();
    for (const { line, bad } of body) {
      // every cell as text, so ID numbers and codes stay exactly as they were
      const row = sheet.addRow(line.map((v) => (v === '' ? null : v)));
      line.forEach((_, i) => {
        const cell = row.getCell(i + 1);
        cell.numFmt = '@';
        if (bad[i]) {
          cell.fill = BAD_FILL;
          cell.font = BAD_FONT;
        }
        if (i >= headers.length) cell.alignment = { wrapText: false };
      });
      row.commit();
    }
    sheet.commit();
    summary.sheets.push({ name, sourceFile: file.fileName, rows: rows.length });
  }
  await workbook.commit();
  return summary;
}

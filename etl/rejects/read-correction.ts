// Correction (补正) files: the rejected rows of a batch, exported by
// `npm run etl -- rejects --export`, fixed by staff and loaded again. A file or
// worksheet is a correction when its headers include 补正来源.
//
// - A correction holds a few fixed rows, not a whole export: for kinds whose
//   rows replace whole partitions (a month, a data date, a payment batch) its
//   rows instead replace the rows with the same identity in that partition, and
//   the partition's other rows stay. Key kinds keep their key replacement.
//   The planned file's kind carries that rule (so two rows of one identity in a
//   correction are rejected as duplicates); apply-correction.ts applies it.
// - A correction workbook holds one worksheet per source file; the XLSX reader
//   reads the first worksheet only, so each worksheet is copied at plan time
//   into a temporary CSV file (same values, same row numbers).
// - 补正来源 and 错误说明 are bookkeeping of the correction, not source data:
//   they are not kept as extra columns.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type ExcelJS from 'exceljs';
import { loadExcelJS } from '../read/exceljs.ts';
import { detectKind, normaliseHeader, type HeaderMatch } from '../formats/detect.ts';
import type { KindSpec, ReplaceRule, ValueType } from '../formats/kinds.ts';
import { cellText } from '../formats/validate.ts';
import { parseDate, type CellValue } from '../formats/values.ts';
import { cellProblem, toCellValue } from '../read/xlsx.ts';
import { checkZipBounds } from '../read/zip-bounds.ts';
import type { PlannedFile, RefusedFile } from '../load/plan.ts';

export const CORRECTION_SOURCE_HEADER = '补正来源';
export const CORRECTION_NOTE_HEADER = '错误说明';
const CORRECTION_HEADERS: readonly string[] = [CORRECTION_NOTE_HEADER, CORRECTION_SOURCE_HEADER];

/**
 * What identifies one row within a partition, for the kinds that replace whole
 * partitions: a correction replaces the rows with the same identity.
 */
export const CORRECTION_IDENTITY: Readonly<Record<string, readonly string[]>> = {
  basic_living_roster: ['stat_month', 'id_number'],
  low_income_roster: ['stat_month', 'id_number'],
  alleviated_persons: ['snapshot_on', 'id_number', 'person_type'],
  benefit_payments: ['payment_batch', 'benefit_month', 'id_number', 'category'],
  cadre_relatives: ['list_on', 'cadre_id_number', 'relative_id_number'],
};

export function isCorrectionHeaders(headers: readonly string[]): boolean {
  return headers.some((h) => normaliseHeader(h) === CORRECTION_SOURCE_HEADER);
}

/** How a correction's rows replace loaded rows: by identity for partition kinds, by key otherwise. */
export function correctionReplaceRule(spec: KindSpec): ReplaceRule {
  if (spec.replace.by === 'key') return spec.replace;
  const identity = CORRECTION_IDENTITY[spec.table];
  if (!identity) throw new Error(`${spec.kind}.${spec.title}不支持补正文件：没有定义行的识别列`);
  return { by: 'key', columns: identity };
}

/**
 * The header match of a correction file: the kind with the correction's replace
 * rule, and without the two bookkeeping columns (so they are neither kept as
 * extra data nor part of a rejected row's original cells).
 */
export function correctionMatch(match: HeaderMatch): HeaderMatch {
  return {
    spec: { ...match.spec, replace: correctionReplaceRule(match.spec) },
    positions: new Map([...match.positions].filter(([h]) => !CORRECTION_HEADERS.includes(h))),
    extraHeaders: match.extraHeaders.filter((h) => !CORRECTION_HEADERS.includes(h)),
  };
}

function rowCells(row: ExcelJS.Row): CellValue[] {
  // row.values is 1-based with a hole at index 0
  const values = row.values as unknown[];
  return Array.from({ length: Math.max(values.length - 1, 0) }, (_, i) => toCellValue(values[i + 1]));
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * A cell as CSV text that the validator reads exactly as it reads the cell
 * itself: date cells become YYYY-MM-DD (YYYY-MM in month columns), Excel date
 * serials in date columns become their dates, other numbers their digits.
 */
function cellAsText(cell: CellValue, type: ValueType['type'] | undefined): string {
  if (cell instanceof Date) {
    return type === 'month' && !Number.isNaN(cell.getTime()) ? `${cell.getUTCFullYear()}-${pad2(cell.getUTCMonth() + 1)}` : cellText(cell);
  }
  if (typeof cell === 'number' && type === 'date') {
    const parsed = parseDate(cell);
    return parsed.ok ? parsed.value : String(cell);
  }
  return cellText(cell);
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Largest workbook read whole when the streaming reader cannot read it (see plan.ts). */
export const CORRECTION_WORKBOOK_MAX_BYTES = 64 * 1024 * 1024;

export interface WorkbookPlan {
  planned: PlannedFile[];
  refused: RefusedFile[];
}

/**
 * Plans every worksheet of a correction workbook as a file of its own, copied
 * to a temporary UTF-8 CSV with the same row numbers (blank filler lines keep
 * them). Returns null when the workbook's first worksheet is not a correction.
 * Empty worksheets are left out; a worksheet whose headers match no kind is
 * refused. Each worksheet's checksum is taken over its cells, so loading the
 * same corrections again is skipped like any file loaded before.
 */
export async function planCorrectionWorkbook(file: string): Promise<WorkbookPlan | null> {
  // read whole below: a zip bomb is refused before exceljs inflates it
  await checkZipBounds(file);
  const workbook = new (await loadExcelJS()).Workbook();
  await workbook.xlsx.readFile(file);
  const sheets = workbook.worksheets.map((sheet) => {
    const rows: { number: number; cells: CellValue[] }[] = [];
    let problem: string | null = null;
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const cells = rowCells(row);
      if (problem === null) {
        const values = row.values as unknown[];
        for (let i = 1; i < values.length && problem === null; i++) {
          const why = cellProblem(values[i]);
          if (why) problem = `第 ${row.number} 行第 ${i} 列：${why}`;
        }
      }
      if (cells.some((c) => c !== null && String(c).trim() !== '')) rows.push({ number: row.number, cells });
    });
    return { name: sheet.name, rows, problem };
  }).filter((s) => s.rows.length > 0);
  const headersOf = (rows: { cells: CellValue[] }[]) => rows[0]!.cells.map((c) => (c === null ? '' : String(c)));
  if (sheets.length === 0 || !isCorrectionHeaders(headersOf(sheets[0]!.rows))) return null;

  const temporaryDir = await mkdtemp(path.join(os.tmpdir(), 'etl-correction-'));
  const planned: PlannedFile[] = [];
  const refused: RefusedFile[] = [];
  try {
    for (const [index, sheet] of sheets.entries()) {
      const label = `${file}#${sheet.name}`;
      if (sheet.problem) {
        refused.push({ path: label, reason: `工作表"${sheet.name}"${sheet.problem}` });
        continue;
      }
      const headers = headersOf(sheet.rows);
      const isCorrection = isCorrectionHeaders(headers);
      let match: HeaderMatch;
      try {
        match = detectKind(headers);
        if (isCorrection) match = correctionMatch(match);
      } catch (e) {
        refused.push({ path: label, reason: `工作表"${sheet.name}"：${(e as Error).message}` });
        continue;
      }
      const types = new Map(match.spec.columns.map((c) => [c.header, c.value.type]));
      const columnTypes = headers.map((h) => types.get(normaliseHeader(h)));
      let csv = '';
      let line = 1;
      for (const row of sheet.rows) {
        for (; line < row.number; line++) csv += ',\n'; // a blank record keeps the row numbers
        csv += row.cells.map((c, i) => csvField(cellAsText(c, columnTypes[i]))).join(',') + '\n';
        line++;
      }
      const copyPath = path.join(temporaryDir, `${String(index + 1).padStart(2, '0')}.csv`);
      await writeFile(copyPath, csv, 'utf8');
      planned.push({
        path: copyPath,
        name: `${path.basename(file)}#${sheet.name}`,
        size: Buffer.byteLength(csv),
        sha256: createHash('sha256').update(csv).digest('hex'),
        match,
        isCorrection,
        origin: label,
        temporaryDir,
      });
    }
  } catch (e) {
    await rm(temporaryDir, { recursive: true, force: true });
    throw e;
  }
  if (planned.length === 0) await rm(temporaryDir, { recursive: true, force: true });
  return { planned, refused };
}

/** Deletes the temporary worksheet copies of planned files. */
export async function discardTemporaryFiles(planned: readonly PlannedFile[]): Promise<void> {
  const dirs = new Set(planned.map((f) => f.temporaryDir).filter((d): d is string => d !== undefined));
  await Promise.all([...dirs].map((d) => rm(d, { recursive: true, force: true })));
}

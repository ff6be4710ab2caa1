// Turns one row of cells into the typed values of its kind, or the reasons it is rejected.
import { checkIdNumber } from './id-number.ts';
import type { HeaderMatch } from './detect.ts';
import type { ColumnSpec } from './kinds.ts';
import { isBlank, parseAmount, parseCount, parseDate, parseEnum, parseMonth, parseRegionCode, parseText, type CellValue, type Parsed } from './values.ts';

export interface CellError {
  column: string;
  value: string;
  reason: string;
}

export type RowResult =
  | { ok: true; values: Record<string, string | null>; extra: Record<string, string> }
  | { ok: false; errors: CellError[] };

export interface ValidationContext {
  /** Region codes known to the warehouse; null while loading the regions themselves. */
  regionCodes: ReadonlySet<string> | null;
}

function parseCell(column: ColumnSpec, cell: CellValue, ctx: ValidationContext): Parsed {
  const v = column.value;
  switch (v.type) {
    case 'text': return parseText(cell);
    case 'date': return parseDate(cell);
    case 'month': return parseMonth(cell);
    case 'amount': return parseAmount(cell);
    case 'count': return parseCount(cell);
    case 'enum': return parseEnum(cell, v.values);
    case 'id_number': {
      const r = checkIdNumber(String(cell ?? ''));
      return r.ok ? r : { ok: false, reason: r.reason };
    }
    case 'region_code': {
      const r = parseRegionCode(cell);
      if (r.ok && ctx.regionCodes && !ctx.regionCodes.has(r.value)) return { ok: false, reason: `区划代码 ${r.value} 不在行政区划表中` };
      return r;
    }
  }
}

export function cellText(cell: CellValue): string {
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return cell === null ? '' : String(cell);
}

// Each column's position in the file, looked up once per file rather than once per row.
const columnPositions = new WeakMap<HeaderMatch, (number | undefined)[]>();
function positionsOf(match: HeaderMatch): (number | undefined)[] {
  let positions = columnPositions.get(match);
  if (!positions) {
    positions = match.spec.columns.map((c) => match.positions.get(c.header));
    columnPositions.set(match, positions);
  }
  return positions;
}

export function validateRow(match: HeaderMatch, cells: readonly CellValue[], ctx: ValidationContext): RowResult {
  const { spec, positions } = match;
  const columnAt = positionsOf(match);
  const values: Record<string, string | null> = {};
  const errors: CellError[] = [];
  for (let i = 0; i < spec.columns.length; i++) {
    const column = spec.columns[i]!;
    const pos = columnAt[i];
    const cell = pos === undefined ? null : (cells[pos] ?? null);
    if (isBlank(cell)) {
      values[column.column] = null;
      if (column.required && !spec.optionalValues?.includes(column.column)) {
        errors.push({ column: column.header, value: '', reason: '必填项为空' });
      }
      continue;
    }
    const parsed = parseCell(column, cell, ctx);
    if (parsed.ok) values[column.column] = parsed.value;
    else {
      values[column.column] = null;
      errors.push({ column: column.header, value: cellText(cell), reason: parsed.reason });
    }
  }
  if (errors.length === 0) {
    for (const rule of spec.rowRules ?? []) {
      const problem = rule(values);
      if (problem) {
        const col = spec.columns.find((c) => c.header === problem.column)!;
        errors.push({ ...problem, value: values[col.column] ?? '' });
      }
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const extra: Record<string, string> = {};
  for (const header of match.extraHeaders) {
    const cell = cells[positions.get(header)!] ?? null;
    if (!isBlank(cell)) extra[header] = cellText(cell);
  }
  return { ok: true, values, extra };
}

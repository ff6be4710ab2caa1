// Turns one row of cells into the typed values of its kind, or the reasons it is rejected.
// The checks are compiled once per file (column positions, one parser per column) because
// a monthly export runs them on hundreds of thousands of rows.
import { checkIdNumber } from './id-number.ts';
import type { HeaderMatch } from './detect.ts';
import type { ColumnSpec, ValueType } from './kinds.ts';
import { isBlank, memoised, parseAmount, parseCount, parseDate, parseEnum, parseMonth, parseRegionCode, parseText, type CellValue, type Parsed } from './values.ts';

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

type CellParser = (cell: CellValue) => Parsed;

/** Text cells go through a per-file cache: exports repeat the same codes, amounts and dates. */
function withTextCache(parse: CellParser): CellParser {
  const cached = memoised((text) => parse(text));
  return (cell) => (typeof cell === 'string' ? cached(cell) : parse(cell));
}

function cellParser(value: ValueType, ctx: ValidationContext): CellParser {
  switch (value.type) {
    case 'text': return parseText;
    case 'date': return withTextCache(parseDate);
    case 'month': return withTextCache(parseMonth);
    case 'amount': return withTextCache(parseAmount);
    case 'count': return withTextCache(parseCount);
    case 'enum': return withTextCache((cell) => parseEnum(cell, value.values));
    // ID numbers are nearly all different: caching them would only fill memory.
    case 'id_number': return (cell) => checkIdNumber(String(cell ?? ''));
    case 'region_code': return withTextCache((cell) => {
      const r = parseRegionCode(cell);
      if (r.ok && ctx.regionCodes && !ctx.regionCodes.has(r.value)) return { ok: false, reason: `区划代码 ${r.value} 不在行政区划表中` };
      return r;
    });
  }
}

export function cellText(cell: CellValue): string {
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return cell === null ? '' : String(cell);
}

interface ColumnCheck {
  spec: ColumnSpec;
  position: number | undefined;
  parse: CellParser;
  mustHaveValue: boolean;
}

/**
 * The row as a record keyed by column name, for the row rules. Built by a
 * function with the keys written out, so every record has the same shape and
 * property access stays fast (a record grown key by key in a loop does not).
 */
function recordMaker(columns: readonly string[]): (values: readonly (string | null)[]) => Record<string, string | null> {
  const fields = columns.map((c, i) => `${JSON.stringify(c)}: v[${i}]`).join(', ');
  return new Function('v', `return { ${fields} };`) as (values: readonly (string | null)[]) => Record<string, string | null>;
}

export interface RowValidator {
  /** The spec's columns in order. */
  columns: readonly string[];
  /**
   * Writes the row's values into `out` (in `columns` order) and returns null,
   * or returns why the row is rejected. `out` is reused from row to row.
   */
  check(cells: readonly CellValue[], out: (string | null)[]): CellError[] | null;
  /** Extra columns (not in the contract) with a value, or null when there are none. */
  extra(cells: readonly CellValue[]): Record<string, string> | null;
}

/** The validator of one file: its header positions and the warehouse's region codes are fixed. */
export function rowValidator(match: HeaderMatch, ctx: ValidationContext): RowValidator {
  const { spec, positions } = match;
  const checks: ColumnCheck[] = spec.columns.map((column) => ({
    spec: column,
    position: positions.get(column.header),
    parse: cellParser(column.value, ctx),
    mustHaveValue: column.required && !spec.optionalValues?.includes(column.column),
  }));
  const columns = spec.columns.map((c) => c.column);
  const rules = spec.rowRules ?? [];
  const asRecord = recordMaker(columns);
  const extraPositions = match.extraHeaders.map((header) => [header, positions.get(header)!] as const);

  return {
    columns,
    check(cells, out) {
      let errors: CellError[] | null = null;
      for (let i = 0; i < checks.length; i++) {
        const check = checks[i]!;
        const cell = check.position === undefined ? null : (cells[check.position] ?? null);
        if (isBlank(cell)) {
          out[i] = null;
          if (check.mustHaveValue) (errors ??= []).push({ column: check.spec.header, value: '', reason: '必填项为空' });
          continue;
        }
        const parsed = check.parse(cell);
        if (parsed.ok) out[i] = parsed.value;
        else {
          out[i] = null;
          (errors ??= []).push({ column: check.spec.header, value: cellText(cell), reason: parsed.reason });
        }
      }
      if (errors !== null || rules.length === 0) return errors;
      const row = asRecord(out);
      for (const rule of rules) {
        const problem = rule(row);
        if (problem) {
          const col = spec.columns.find((c) => c.header === problem.column)!;
          (errors ??= []).push({ ...problem, value: row[col.column] ?? '' });
        }
      }
      return errors;
    },
    extra(cells) {
      let extra: Record<string, string> | null = null;
      for (const [header, position] of extraPositions) {
        const cell = cells[position] ?? null;
        if (!isBlank(cell)) (extra ??= {})[header] = cellText(cell);
      }
      return extra;
    },
  };
}

/** One row on its own, its values as a record (how the tests look at the rules); the loader compiles a validator per file. */
export function validateRow(match: HeaderMatch, cells: readonly CellValue[], ctx: ValidationContext): RowResult {
  const validator = rowValidator(match, ctx);
  const out: (string | null)[] = [];
  const errors = validator.check(cells, out);
  if (errors) return { ok: false, errors };
  return { ok: true, values: Object.fromEntries(validator.columns.map((c, i) => [c, out[i] ?? null])), extra: validator.extra(cells) ?? {} };
}

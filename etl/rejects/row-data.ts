// The whole original row of a rejected row, header → text, as stored in
// etl.rejects.row_data so the row can be exported for correction and reloaded.
import type { KindSpec } from '../formats/kinds.ts';
import { cellText } from '../formats/validate.ts';
import type { CellValue } from '../formats/values.ts';

export type RowData = Record<string, string>;

/** A row as read from the file: every header of the file with its cell as text (dates as YYYY-MM-DD). */
export function sourceRowData(positions: ReadonlyMap<string, number>, cells: readonly CellValue[]): RowData {
  const out: RowData = {};
  for (const [header, i] of positions) out[header] = cellText(cells[i] ?? null);
  return out;
}

function stageText(value: unknown, type: string): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  // a month is stored as its first day; written back the way exports write months
  return type === 'month' && /^\d{4}-\d{2}-01$/.test(text) ? text.slice(0, 7) : text;
}

/**
 * A row that passed every cell check but was rejected for the whole file
 * (a duplicate key, an unknown parent region), rebuilt from its staged values:
 * the canonical form of what the file held, which reloads to the same values.
 */
export function stageRowData(spec: KindSpec, staged: Record<string, unknown> | undefined): RowData | undefined {
  if (!staged) return undefined;
  const out: RowData = {};
  for (const c of spec.columns) out[c.header] = stageText(staged[c.column], c.value.type);
  const extra = staged.extra as Record<string, unknown> | null | undefined;
  for (const [header, value] of Object.entries(extra ?? {})) out[header] = String(value ?? '');
  return out;
}

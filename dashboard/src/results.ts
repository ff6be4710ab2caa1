// Turns Cube result rows (`resultSet.rawData()`) into typed values. Cube sends
// numbers as strings and missing values as null; null stays null (无数据).
// rawData() is used rather than tablePivot(), which fills gaps with 0.

import { TIME_DIMENSION } from './indicators';
import { type Granularity, type Period, comparePeriods, periodFromDate, periodKey } from './period';

export type Row = Readonly<Record<string, unknown>>;
export type Values = Readonly<Record<string, number | null>>;

export function toNumber(value: unknown): number | null {
  if (value == null || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

function readValues(row: Row, measures: readonly string[]): Values {
  return Object.fromEntries(measures.map((m) => [m, toNumber(row[m])]));
}

function hasAnyValue(values: Values): boolean {
  return Object.values(values).some((v) => v != null);
}

export interface PeriodRow {
  period: Period;
  values: Values;
}

/**
 * The period a row belongs to, from `<time dimension>.<granularity>` (or the
 * plain time dimension); the time dimension defaults to `indicators.month`.
 */
export function rowPeriod(row: Row, granularity: Granularity, timeDimension: string = TIME_DIMENSION): Period | null {
  const raw = row[`${timeDimension}.${granularity}`] ?? row[timeDimension];
  return typeof raw === 'string' ? periodFromDate(raw, granularity) : null;
}

/** Trend rows (one per period) indexed by period key. */
export function indexByPeriod(
  rows: readonly Row[],
  granularity: Granularity,
  measures: readonly string[],
  timeDimension: string = TIME_DIMENSION,
): Map<string, PeriodRow> {
  const index = new Map<string, PeriodRow>();
  for (const row of rows) {
    const period = rowPeriod(row, granularity, timeDimension);
    if (period) index.set(periodKey(period), { period, values: readValues(row, measures) });
  }
  return index;
}

/**
 * Adds a row of `fill` for each of `periods` the index lacks: for event
 * counts (数据比对问题) a period without rows had none, so 0 rather than 无数据.
 */
export function fillPeriods(
  index: ReadonlyMap<string, PeriodRow>,
  periods: readonly Period[],
  measures: readonly string[],
  fill: number,
): Map<string, PeriodRow> {
  const filled = new Map(index);
  for (const period of periods) {
    const key = periodKey(period);
    if (!filled.has(key)) filled.set(key, { period, values: Object.fromEntries(measures.map((m) => [m, fill])) });
  }
  return filled;
}

/** Periods with at least one value, newest first. */
export function availablePeriods(index: ReadonlyMap<string, PeriodRow>): Period[] {
  return [...index.values()]
    .filter((r) => hasAnyValue(r.values))
    .map((r) => r.period)
    .sort((a, b) => comparePeriods(b, a));
}

/** A measure's value in a period; null when the period or the value is missing. */
export function valueIn(index: ReadonlyMap<string, PeriodRow>, period: Period | null, measure: string): number | null {
  if (!period) return null;
  return index.get(periodKey(period))?.values[measure] ?? null;
}

export interface RegionRow {
  code: string;
  name: string;
  values: Values;
}

/** Ranking rows: one per sub-region, in the order received. */
export function regionRows(rows: readonly Row[], codeDimension: string, nameDimension: string, measures: readonly string[]): RegionRow[] {
  return rows
    .filter((row) => row[codeDimension] != null || row[nameDimension] != null)
    .map((row) => {
      const code = String(row[codeDimension] ?? '');
      const name = row[nameDimension] == null ? code : String(row[nameDimension]);
      return { code, name, values: readValues(row, measures) };
    });
}

/** The first non-empty string of a dimension across rows. */
export function firstText(rows: readonly Row[], dimension: string): string | null {
  for (const row of rows) {
    const v = row[dimension];
    if (typeof v === 'string' && v !== '') return v;
  }
  return null;
}

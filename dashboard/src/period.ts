// Statistical periods (month, quarter, year) and their arithmetic. Periods are
// plain values; dates are handled as `YYYY-MM-DD` strings to stay clear of time zones.

export type Granularity = 'month' | 'quarter' | 'year';

export const GRANULARITIES: readonly Granularity[] = ['month', 'quarter', 'year'];

export const GRANULARITY_LABELS: Record<Granularity, string> = {
  month: '月',
  quarter: '季',
  year: '年',
};

export interface Period {
  granularity: Granularity;
  year: number;
  /** Month 1–12, quarter 1–4, or 1 for a year. */
  index: number;
}

/** Periods shown in a trend chart, ending with the selected one. */
export const TREND_LENGTH: Record<Granularity, number> = {
  month: 24,
  quarter: 8,
  year: 5,
};

/** The trend charts' window in words (`近 12 个月`). */
export const TREND_SPAN_TEXT: Record<Granularity, string> = {
  month: `近 ${TREND_LENGTH.month} 个月`,
  quarter: `近 ${TREND_LENGTH.quarter} 个季度`,
  year: `近 ${TREND_LENGTH.year} 年`,
};

const PERIODS_PER_YEAR: Record<Granularity, number> = { month: 12, quarter: 4, year: 1 };

const pad2 = (n: number) => String(n).padStart(2, '0');

export function isGranularity(value: unknown): value is Granularity {
  return value === 'month' || value === 'quarter' || value === 'year';
}

/** The period of granularity `g` that contains a date such as `2025-04-01T00:00:00.000`. */
export function periodFromDate(value: string, granularity: Granularity): Period | null {
  const m = /^(\d{4})-(\d{2})/.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  switch (granularity) {
    case 'month':
      return { granularity, year, index: month };
    case 'quarter':
      return { granularity, year, index: Math.floor((month - 1) / 3) + 1 };
    case 'year':
      return { granularity, year, index: 1 };
  }
}

function firstMonth(p: Period): number {
  switch (p.granularity) {
    case 'month':
      return p.index;
    case 'quarter':
      return (p.index - 1) * 3 + 1;
    case 'year':
      return 1;
  }
}

function lastMonth(p: Period): number {
  switch (p.granularity) {
    case 'month':
      return p.index;
    case 'quarter':
      return p.index * 3;
    case 'year':
      return 12;
  }
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** First day, `2025-04-01`. */
export function periodStart(p: Period): string {
  return `${p.year}-${pad2(firstMonth(p))}-01`;
}

/** Last day, `2025-06-30`. */
export function periodEnd(p: Period): string {
  const month = lastMonth(p);
  return `${p.year}-${pad2(month)}-${pad2(daysInMonth(p.year, month))}`;
}

/** Stable key of a period: its granularity and first day, `quarter:2025-04-01`. */
export function periodKey(p: Period): string {
  return `${p.granularity}:${periodStart(p)}`;
}

export function parsePeriodKey(key: string): Period | null {
  const [g, date] = key.split(':');
  if (!isGranularity(g) || date === undefined) return null;
  return periodFromDate(date, g);
}

export function samePeriod(a: Period | null | undefined, b: Period | null | undefined): boolean {
  return a != null && b != null && a.granularity === b.granularity && a.year === b.year && a.index === b.index;
}

/** Moves a period by `n` periods of its own granularity (negative goes back). */
export function shiftPeriod(p: Period, n: number): Period {
  const perYear = PERIODS_PER_YEAR[p.granularity];
  const ordinal = p.year * perYear + (p.index - 1) + n;
  return { granularity: p.granularity, year: Math.floor(ordinal / perYear), index: (ordinal % perYear) + 1 };
}

/** 环比: the previous month, quarter or year. */
export function previousPeriod(p: Period): Period {
  return shiftPeriod(p, -1);
}

/** 同比: the same month, quarter or year one year earlier. */
export function samePeriodLastYear(p: Period): Period {
  return { ...p, year: p.year - 1 };
}

export function comparePeriods(a: Period, b: Period): number {
  return a.year - b.year || a.index - b.index;
}

/** `2025年6月`, `2025年第2季度`, `2025年`. */
export function periodLabel(p: Period): string {
  switch (p.granularity) {
    case 'month':
      return `${p.year}年${p.index}月`;
    case 'quarter':
      return `${p.year}年第${p.index}季度`;
    case 'year':
      return `${p.year}年`;
  }
}

/** Compact label for chart axes: `2025-06`, `2025Q2`, `2025`. */
export function periodAxisLabel(p: Period): string {
  switch (p.granularity) {
    case 'month':
      return `${p.year}-${pad2(p.index)}`;
    case 'quarter':
      return `${p.year}Q${p.index}`;
    case 'year':
      return String(p.year);
  }
}

/** The trend window: `TREND_LENGTH` periods ending with `end`, oldest first. */
export function trendWindow(end: Period): Period[] {
  const n = TREND_LENGTH[end.granularity];
  return Array.from({ length: n }, (_, i) => shiftPeriod(end, i - (n - 1)));
}

/** Years searched for periods with data (the current one included). */
export const LOOKBACK_YEARS = 10;

/**
 * The date range the city-trend query covers: whole calendar years from
 * `LOOKBACK_YEARS - 1` years before `today`'s year to the end of that year.
 * It holds every period the period picker can offer, and so every trend
 * window and comparison period.
 */
export function searchDateRange(today: Date): [string, string] {
  const year = today.getFullYear();
  return [`${year - LOOKBACK_YEARS + 1}-01-01`, `${year}-12-31`];
}

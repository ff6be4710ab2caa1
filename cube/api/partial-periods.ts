// A date range that cuts a period at the requested granularity, on the
// periodic-snapshot views (README, "Snapshot and flow indicators"). Cube's
// meaning: the bucket covers the part of the period inside the range. The
// marts hold every month at grain 'month', so a partial bucket is computable:
// flow measures add up the months inside it, snapshot measures (and their
// ratios) take its last month the warehouse holds. This module splits a range
// into buckets and says which are whole; semantic-layer.ts runs the parts
// through Cube's compiler and unites them.
import { QueryError } from './query.ts';

export type Grain = 'month' | 'quarter' | 'year';

const GRAIN_TITLES: Record<Grain, string> = { month: '月', quarter: '季度', year: '年度' };

/** A month-aligned span of calendar dates, bounds inclusive (YYYY-MM-DD). */
export interface Span {
  start: string;
  end: string;
}

export interface Bucket extends Span {
  /** The whole period at the grain (else the part of it inside the range). */
  whole: boolean;
}

const iso = (y: number, m0: number, d: number) => new Date(Date.UTC(y, m0, d)).toISOString().slice(0, 10);
const parts = (date: string) => [Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))] as const;

export function monthEnd(date: string): string {
  const [y, m] = parts(date);
  return iso(y, m + 1, 0);
}

export function periodStart(date: string, grain: Grain): string {
  const [y, m] = parts(date);
  return grain === 'year' ? iso(y, 0, 1) : grain === 'quarter' ? iso(y, m - (m % 3), 1) : iso(y, m, 1);
}

export function periodEnd(date: string, grain: Grain): string {
  const [y, m] = parts(date);
  return grain === 'year' ? iso(y, 12, 0) : grain === 'quarter' ? iso(y, m - (m % 3) + 3, 0) : iso(y, m + 1, 0);
}

const nextDay = (date: string) => {
  const [y, m, d] = parts(date);
  return iso(y, m, d + 1);
};

/** Cube's range bounds ("2025-01-01T00:00:00.000", "2025-05-31T23:59:59.999") as whole months, or a 400 naming the nearest. */
export function monthSpan(range: [string, string], member: string): Span {
  const [from, to] = range;
  const start = from.slice(0, 10);
  const end = to.slice(0, 10);
  const aligned = from.slice(10) === 'T00:00:00.000' && start.endsWith('-01') && to.slice(10) === 'T23:59:59.999' && end === monthEnd(end);
  if (!aligned) {
    const wide = `${periodStart(start, 'month')} 至 ${monthEnd(end)}`;
    throw new QueryError(`${member} 的日期范围 ${from} 至 ${to} 截断了月份：数据按整月统计，无法计算不足一个月的部分；最接近的整月范围为 ${wide}`);
  }
  return { start, end };
}

/** The buckets of `span` at `grain`: the periods it touches, each cut to the span. */
export function bucketsOf(span: Span, grain: Grain): Bucket[] {
  const buckets: Bucket[] = [];
  for (let at = span.start; at <= span.end; at = nextDay(periodEnd(at, grain))) {
    const start = at > periodStart(at, grain) ? at : periodStart(at, grain);
    const end = periodEnd(at, grain) < span.end ? periodEnd(at, grain) : span.end;
    buckets.push({ start, end, whole: start === periodStart(at, grain) && end === periodEnd(at, grain) });
  }
  return buckets;
}

/** The grain whose single period is exactly the span, if any. */
export function singlePeriod(span: Span): Grain | null {
  for (const grain of ['month', 'quarter', 'year'] as const) {
    if (span.start === periodStart(span.start, grain) && span.end === periodEnd(span.start, grain)) return grain;
  }
  return null;
}

/** The span widened to whole periods of `grain`: what a 400 proposes instead. */
export function wholePeriods(span: Span, grain: Grain): string {
  return `${periodStart(span.start, grain)} 至 ${periodEnd(span.end, grain)}`;
}

export const grainTitle = (grain: Grain) => GRAIN_TITLES[grain];

/** Cube's bounds of a span, for a query's dateRange. */
export const rangeOf = (span: Span): [string, string] => [`${span.start}T00:00:00.000`, `${span.end}T23:59:59.999`];

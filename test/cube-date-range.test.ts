// Cube's relative date ranges, its normalisation of explicit ranges, and the
// buckets of a range cut at a granularity (cube/api/date-range.ts,
// cube/api/partial-periods.ts, cube/api/normalize.ts), without a database.
import { describe, expect, it } from 'vitest';
import { normalizeDateRange, parseRelativeRange } from '../cube/api/date-range.ts';
import { checkTimezone, defaultOrder, normalizeQuery, plannerOrder } from '../cube/api/normalize.ts';
import { bucketsOf, monthSpan, singlePeriod } from '../cube/api/partial-periods.ts';
import { parseQuery, QueryError } from '../cube/api/query.ts';

// Tuesday 15 April 2025, 10:00 UTC (18:00 in China)
const NOW = new Date('2025-04-15T10:00:00.000Z');
const day = (d: string) => [`${d}T00:00:00.000`, `${d}T23:59:59.999`];

describe('relative ranges at a fixed now, in UTC', () => {
  it.each([
    ['today', day('2025-04-15')],
    ['yesterday', day('2025-04-14')],
    ['tomorrow', day('2025-04-16')],
    ['this month', ['2025-04-01T00:00:00.000', '2025-04-30T23:59:59.999']],
    ['last month', ['2025-03-01T00:00:00.000', '2025-03-31T23:59:59.999']],
    ['next month', ['2025-05-01T00:00:00.000', '2025-05-31T23:59:59.999']],
    ['this quarter', ['2025-04-01T00:00:00.000', '2025-06-30T23:59:59.999']],
    ['last quarter', ['2025-01-01T00:00:00.000', '2025-03-31T23:59:59.999']],
    ['This Year', ['2025-01-01T00:00:00.000', '2025-12-31T23:59:59.999']],
    ['last year', ['2024-01-01T00:00:00.000', '2024-12-31T23:59:59.999']],
    // ISO weeks begin on Monday
    ['this week', ['2025-04-14T00:00:00.000', '2025-04-20T23:59:59.999']],
    ['last week', ['2025-04-07T00:00:00.000', '2025-04-13T23:59:59.999']],
    // "last N": the N whole units before the current one
    ['last 6 months', ['2024-10-01T00:00:00.000', '2025-03-31T23:59:59.999']],
    ['last 2 quarters', ['2024-10-01T00:00:00.000', '2025-03-31T23:59:59.999']],
    ['last 7 days', ['2025-04-08T00:00:00.000', '2025-04-14T23:59:59.999']],
    ['next 2 months', ['2025-05-01T00:00:00.000', '2025-06-30T23:59:59.999']],
    ['from 2025-01-01 to 2025-03-31', ['2025-01-01T00:00:00.000', '2025-03-31T23:59:59.999']],
    ['from 6 months ago to now', ['2024-10-15T00:00:00.000', '2025-04-15T23:59:59.999']],
    ['from 2 days ago to 1 day from now', ['2025-04-13T00:00:00.000', '2025-04-16T23:59:59.999']],
    ['2025-02-03', day('2025-02-03')],
  ])('%s', (text, range) => expect(parseRelativeRange(text, 'UTC', NOW)).toEqual(range));

  it('month arithmetic clamps to the last day, as moment does', () => {
    expect(parseRelativeRange('from 1 month ago to now', 'UTC', new Date('2025-03-31T12:00:00Z'))).toEqual(['2025-02-28T00:00:00.000', '2025-03-31T23:59:59.999']);
  });

  it('"now" is the query zone\'s wall clock: 20:00 UTC on 31 March is already April in China', () => {
    const late = new Date('2025-03-31T20:00:00.000Z');
    expect(parseRelativeRange('this month', 'UTC', late)[0]).toBe('2025-03-01T00:00:00.000');
    expect(parseRelativeRange('this month', 'Asia/Shanghai', late)).toEqual(['2025-04-01T00:00:00.000', '2025-04-30T23:59:59.999']);
    expect(parseRelativeRange('today', 'Asia/Shanghai', late)).toEqual(day('2025-04-01'));
  });

  it.each(['someday', 'last fortnight', 'from then to now', 'from 2025-03-01 to 2025-01-01', '2025-02-30'])('refuses %j with the forms it knows', (text) => {
    expect(() => parseRelativeRange(text, 'UTC', NOW)).toThrow(QueryError);
  });
});

describe('explicit ranges as Cube normalises them', () => {
  it.each([
    [['2025-01-01', '2025-03-31'], ['2025-01-01T00:00:00.000', '2025-03-31T23:59:59.999']],
    [['2025-01-15'], day('2025-01-15')],
    [['2025-01-01T08:00:00', '2025-01-02T10:00:00'], ['2025-01-01T00:00:00.000', '2025-01-02T23:59:59.999']],
    [['2025-01-01T08:00:00.000', '2025-01-02T10:00:00.500'], ['2025-01-01T08:00:00.000', '2025-01-02T10:00:00.500']],
    ['last quarter', ['2025-01-01T00:00:00.000', '2025-03-31T23:59:59.999']],
    [['last quarter'], ['2025-01-01T00:00:00.000', '2025-03-31T23:59:59.999']],
  ])('%j', (range, expected) => expect(normalizeDateRange(range as string | string[], 'UTC', NOW)).toEqual(expected));

  it('refuses a bad date and a reversed range', () => {
    expect(() => normalizeDateRange(['2025-13-01', '2025-12-31'], 'UTC', NOW)).toThrow(/不是有效日期/);
    expect(() => normalizeDateRange(['2025-03-01', '2025-01-31'], 'UTC', NOW)).toThrow(/起始晚于结束/);
  });
});

describe('buckets of a range at a granularity', () => {
  it('January–May by quarter: Q1 whole, Q2 April–May', () => {
    expect(bucketsOf({ start: '2025-01-01', end: '2025-05-31' }, 'quarter')).toEqual([
      { start: '2025-01-01', end: '2025-03-31', whole: true },
      { start: '2025-04-01', end: '2025-05-31', whole: false },
    ]);
  });

  it('February–June by quarter: Q1 February–March, Q2 whole; March–July by year: one partial year', () => {
    expect(bucketsOf({ start: '2025-02-01', end: '2025-06-30' }, 'quarter').map((b) => [b.start, b.end, b.whole])).toEqual([
      ['2025-02-01', '2025-03-31', false], ['2025-04-01', '2025-06-30', true],
    ]);
    expect(bucketsOf({ start: '2025-03-01', end: '2025-07-31' }, 'year')).toEqual([{ start: '2025-03-01', end: '2025-07-31', whole: false }]);
    expect(bucketsOf({ start: '2024-11-01', end: '2026-01-31' }, 'year').map((b) => b.whole)).toEqual([false, true, false]);
  });

  it('a range of whole months only; one period when it is exactly one', () => {
    expect(monthSpan(['2025-01-01T00:00:00.000', '2025-02-28T23:59:59.999'], 'v.month')).toEqual({ start: '2025-01-01', end: '2025-02-28' });
    expect(() => monthSpan(['2025-01-15T00:00:00.000', '2025-03-10T23:59:59.999'], 'v.month')).toThrow(/最接近的整月范围为 2025-01-01 至 2025-03-31/);
    expect(() => monthSpan(['2025-01-01T08:00:00.000', '2025-01-31T23:59:59.999'], 'v.month')).toThrow(QueryError);
    expect(singlePeriod({ start: '2025-04-01', end: '2025-06-30' })).toBe('quarter');
    expect(singlePeriod({ start: '2024-02-01', end: '2024-02-29' })).toBe('month');
    expect(singlePeriod({ start: '2025-01-01', end: '2025-05-31' })).toBeNull();
  });
});

describe('normalised queries', () => {
  const limits = { defaultLimit: 10_000, maxLimit: 50_000 };
  const members = new Set(['v.m', 'v.n', 'v.d', 'v.e', 'v.month']);
  const normalize = (q: object) => normalizeQuery(parseQuery(q), { now: NOW, limits, isMember: (n) => members.has(n) });

  it('reads order in both of Cube\'s forms', () => {
    const base = { measures: ['v.m', 'v.n'], dimensions: ['v.d'] };
    const expected = [{ id: 'v.m', desc: true }, { id: 'v.d', desc: false }];
    expect(normalize({ ...base, order: { 'v.m': 'desc', 'v.d': 'asc' } }).order).toEqual(expected);
    expect(normalize({ ...base, order: [['v.m', 'desc'], ['v.d', 'asc']] }).order).toEqual(expected);
  });

  it('applies Cube\'s default order: by time, else the first measure descending, else the first dimension', () => {
    expect(normalize({ measures: ['v.m'], dimensions: ['v.d'], timeDimensions: [{ dimension: 'v.month', granularity: 'month' }] }).order).toEqual([{ id: 'v.month', desc: false }]);
    expect(normalize({ measures: ['v.m', 'v.n'], dimensions: ['v.d'] }).order).toEqual([{ id: 'v.m', desc: true }]);
    expect(normalize({ dimensions: ['v.d', 'v.e'] }).order).toEqual([{ id: 'v.d', desc: false }]);
    expect(defaultOrder({ measures: ['v.m'], dimensions: [], timeDimensions: [] })).toEqual([]);
  });

  it('breaks ties by every other selected dimension, for consistent pages', () => {
    const q = normalize({ measures: ['v.m'], dimensions: ['v.d', 'v.e'], timeDimensions: [{ dimension: 'v.month', granularity: 'quarter' }], order: { 'v.m': 'desc', 'v.e': 'asc' } });
    expect(plannerOrder(q)).toEqual([{ id: 'v.m', desc: true }, { id: 'v.e', desc: false }, { id: 'v.month', desc: false }, { id: 'v.d', desc: false }]);
    // `view.month.quarter` as the planner reads it right
    const byQuarter = normalize({ measures: ['v.m'], dimensions: ['v.d'], timeDimensions: [{ dimension: 'v.month', granularity: 'quarter' }], order: [['v.month.quarter', 'desc']] });
    expect(plannerOrder(byQuarter)).toEqual([{ id: 'v.month', desc: true }, { id: 'v.d', desc: false }]);
  });

  it('refuses an order member that is unknown or not selected', () => {
    expect(() => normalize({ measures: ['v.m'], order: { 'v.nope': 'desc' } })).toThrow(/未知成员/);
    expect(() => normalize({ measures: ['v.m'], order: { 'v.n': 'desc' } })).toThrow(/不在查询/);
  });

  it('reads `member.granularity` in dimensions as a time dimension', () => {
    const q = normalize({ measures: ['v.m'], dimensions: ['v.month.quarter', 'v.d'] });
    expect(q.dimensions).toEqual(['v.d']);
    expect(q.timeDimensions).toEqual([{ dimension: 'v.month', granularity: 'quarter' }]);
  });

  it('applies the default limit and refuses one beyond the maximum', () => {
    expect(normalize({ measures: ['v.m'] }).limit).toBe(10_000);
    expect(normalize({ measures: ['v.m'], limit: 0 }).limit).toBe(0);
    expect(() => normalize({ measures: ['v.m'], limit: 50_001 })).toThrow(/超过上限 50000/);
  });

  it('resolves relative inDateRange values and echoes the zone', () => {
    const q = normalize({ measures: ['v.m'], timezone: 'Asia/Shanghai', filters: [{ member: 'v.month', operator: 'inDateRange', values: ['last quarter'] }] });
    expect(q.filters).toEqual([{ member: 'v.month', operator: 'inDateRange', values: ['2025-01-01T00:00:00.000', '2025-03-31T23:59:59.999'] }]);
    expect(q.timezone).toBe('Asia/Shanghai');
  });

  it('accepts UTC and China\'s zone only, saying why', () => {
    expect(checkTimezone(undefined)).toBe('UTC');
    expect(checkTimezone('PRC')).toBe('PRC');
    expect(() => checkTimezone('America/New_York')).toThrow(/中国日历/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  parsePeriodKey,
  periodAxisLabel,
  periodEnd,
  periodFromDate,
  periodKey,
  periodLabel,
  periodStart,
  previousPeriod,
  samePeriodLastYear,
  searchDateRange,
  shiftPeriod,
  trendWindow,
  type Period,
} from '../dashboard/src/period';

const month = (year: number, index: number): Period => ({ granularity: 'month', year, index });
const quarter = (year: number, index: number): Period => ({ granularity: 'quarter', year, index });
const year = (y: number): Period => ({ granularity: 'year', year: y, index: 1 });

describe('periods from Cube time values', () => {
  it('reads the period a date belongs to', () => {
    expect(periodFromDate('2025-04-01T00:00:00.000', 'quarter')).toEqual(quarter(2025, 2));
    expect(periodFromDate('2025-06-01T00:00:00.000', 'month')).toEqual(month(2025, 6));
    expect(periodFromDate('2025-12-01T00:00:00.000', 'quarter')).toEqual(quarter(2025, 4));
    expect(periodFromDate('2025-01-01T00:00:00.000', 'year')).toEqual(year(2025));
    expect(periodFromDate('not a date', 'month')).toBeNull();
    expect(periodFromDate('2025-13-01', 'month')).toBeNull();
  });

  it('has first and last days, and a key that round-trips', () => {
    expect(periodStart(quarter(2025, 2))).toBe('2025-04-01');
    expect(periodEnd(quarter(2025, 2))).toBe('2025-06-30');
    expect(periodEnd(month(2024, 2))).toBe('2024-02-29');
    expect(periodEnd(month(2025, 2))).toBe('2025-02-28');
    expect(periodEnd(year(2025))).toBe('2025-12-31');
    expect(periodKey(quarter(2025, 2))).toBe('quarter:2025-04-01');
    expect(parsePeriodKey('quarter:2025-04-01')).toEqual(quarter(2025, 2));
    expect(parsePeriodKey('week:2025-04-01')).toBeNull();
  });
});

describe('labels', () => {
  it('writes periods in Chinese', () => {
    expect(periodLabel(month(2025, 6))).toBe('2025年6月');
    expect(periodLabel(quarter(2025, 2))).toBe('2025年第2季度');
    expect(periodLabel(year(2025))).toBe('2025年');
  });

  it('writes compact axis labels', () => {
    expect(periodAxisLabel(month(2025, 6))).toBe('2025-06');
    expect(periodAxisLabel(quarter(2025, 2))).toBe('2025Q2');
    expect(periodAxisLabel(year(2025))).toBe('2025');
  });
});

describe('period arithmetic', () => {
  it('finds the previous period (环比) across year ends', () => {
    expect(previousPeriod(month(2025, 1))).toEqual(month(2024, 12));
    expect(previousPeriod(month(2025, 6))).toEqual(month(2025, 5));
    expect(previousPeriod(quarter(2025, 1))).toEqual(quarter(2024, 4));
    expect(previousPeriod(quarter(2025, 3))).toEqual(quarter(2025, 2));
    expect(previousPeriod(year(2025))).toEqual(year(2024));
  });

  it('finds the same period last year (同比)', () => {
    expect(samePeriodLastYear(month(2025, 6))).toEqual(month(2024, 6));
    expect(samePeriodLastYear(quarter(2025, 2))).toEqual(quarter(2024, 2));
    expect(samePeriodLastYear(year(2025))).toEqual(year(2024));
  });

  it('shifts by any number of periods', () => {
    expect(shiftPeriod(month(2025, 6), -18)).toEqual(month(2023, 12));
    expect(shiftPeriod(month(2025, 11), 3)).toEqual(month(2026, 2));
    expect(shiftPeriod(quarter(2025, 2), -5)).toEqual(quarter(2024, 1));
  });

  it('builds trend windows of 24 months, 8 quarters or 5 years ending at the selection', () => {
    const months = trendWindow(month(2025, 6));
    expect(months).toHaveLength(24);
    expect(months[0]).toEqual(month(2023, 7));
    expect(months.at(-1)).toEqual(month(2025, 6));
    const quarters = trendWindow(quarter(2025, 2));
    expect(quarters).toHaveLength(8);
    expect(quarters[0]).toEqual(quarter(2023, 3));
    const years = trendWindow(year(2025));
    expect(years.map((p) => p.year)).toEqual([2021, 2022, 2023, 2024, 2025]);
  });

  it('searches ten calendar years for data', () => {
    expect(searchDateRange(new Date(2026, 10, 27))).toEqual(['2017-01-01', '2026-12-31']);
  });
});

// The rectification pages' pure parts (dashboard/src/pages/rectification/rectification-api.ts):
// URLs, who manages, the board's periods, queries, rows and chart option.
import { describe, expect, it } from 'vitest';
import {
  boardLevel, boardRows, byRegionQuery, canManage, exportUrl, formatYuan, listUrl, parseItem, parseItemPage, periodRange, trendOption, trendQuery,
} from '../dashboard/src/pages/rectification/rectification-api.ts';

describe('rectification pages', () => {
  it('builds list and export URLs from the filters', () => {
    expect(listUrl({ state: '整改中', overdue: 'true', q: '' }, 2, 20)).toBe('/api/rectification?state=%E6%95%B4%E6%94%B9%E4%B8%AD&overdue=true&page=2&page_size=20');
    expect(exportUrl({})).toBe('/api/rectification/export.xlsx');
    expect(exportUrl({ region: '990101000000' })).toBe('/api/rectification/export.xlsx?region=990101000000');
  });

  it('gives management to admins and city-level staff and inspectors only', () => {
    expect(canManage('admin', '990101000000')).toBe(true);
    expect(canManage('inspector', '990100000000')).toBe(true);
    expect(canManage('staff', '990101000000')).toBe(false);
    expect(canManage('leader', '990100000000')).toBe(false);
  });

  it('takes this month, quarter and year as whole periods', () => {
    expect(periodRange('month', '2026-02-14')).toEqual(['2026-02-01', '2026-02-28']);
    expect(periodRange('quarter', '2026-08-01')).toEqual(['2026-07-01', '2026-09-30']);
    expect(periodRange('year', '2026-12-31')).toEqual(['2026-01-01', '2026-12-31']);
    expect(trendQuery('2026-12-02').timeDimensions).toEqual([{ dimension: 'rectification.month', granularity: 'month', dateRange: ['2026-01-01', '2026-12-31'] }]);
    expect(trendQuery('2026-03-02').timeDimensions![0]!.dateRange).toEqual(['2025-04-01', '2026-03-31']);
  });

  it('compares counties for a city and townships for a county', () => {
    expect(boardLevel('990100000000').code).toBe('rectification.county_code');
    expect(boardLevel('990101000000').code).toBe('rectification.township_code');
    const q = byRegionQuery('990100000000', ['2026-12-01', '2026-12-31']);
    expect(q.dimensions).toEqual(['rectification.county_code', 'rectification.county_name']);
    expect(q.order).toEqual([['rectification.county_code', 'asc']]); // the gateway takes the array form
    const rows = boardRows([{ 'rectification.county_code': '990101000000', 'rectification.county_name': '甲区', 'rectification.open_items': '3', 'rectification.follow_up_pass_rate': null }], '990100000000');
    expect(rows[0]).toMatchObject({ code: '990101000000', name: '甲区' });
    expect(rows[0]!.values.open_items).toBe(3);
    expect(rows[0]!.values.follow_up_pass_rate).toBeNull();
  });

  it('charts the trend: bars of counts, the pass rate on the right axis', () => {
    const option = trendOption([
      { 'rectification.month.month': '2026-11-01T00:00:00.000', 'rectification.open_items': '4', 'rectification.overdue_items': '1', 'rectification.closed_items': '2', 'rectification.follow_up_pass_rate': '50' },
      { 'rectification.month.month': '2026-12-01T00:00:00.000', 'rectification.open_items': '3', 'rectification.overdue_items': '0', 'rectification.closed_items': '1', 'rectification.follow_up_pass_rate': null },
    ], '2026-12-02') as any;
    expect(option.xAxis.data).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
    const empty = Array(10).fill(null);
    expect(option.series.map((s: any) => [s.type, s.data])).toEqual([['bar', [...empty, 4, 3]], ['bar', [...empty, 1, 0]], ['bar', [...empty, 2, 1]], ['line', [...empty, 50, null]]]);
    expect(option.series[3].yAxisIndex).toBe(1);
  });

  it('says what is wrong with an answer', () => {
    expect(parseItemPage({ items: 'x' })).toBe('整改台账的格式不对');
    expect(parseItem({ id: 1, history: [], actions: [] })).toMatchObject({ id: 1 });
    expect(formatYuan(1234.5)).toBe('1,234.50 元');
  });
});

import { describe, expect, it } from 'vitest';
import { describeError } from '../dashboard/src/api/errors';
import { fetchDevSession, parseSession } from '../dashboard/src/api/token';
import { QUERY_MEASURES } from '../dashboard/src/indicators';
import { buildRankingQuery, buildTrendQuery } from '../dashboard/src/queries';
import { isSampleData, rankingLevelFor, referenceLabelFor, regionLevel } from '../dashboard/src/regions';
import { availablePeriods, indexByPeriod, regionRows, toNumber, valueIn } from '../dashboard/src/results';

const ALL_MEASURES = [
  'indicators.low_income_coverage_rate',
  'indicators.low_income_persons',
  'indicators.registered_population',
  'indicators.alleviated_dibao_share',
  'indicators.alleviated_households_assisted',
  'indicators.alleviated_households',
  'indicators.alleviated_person_dibao_share',
  'indicators.alleviated_persons_assisted',
  'indicators.alleviated_persons',
  'indicators.relapse_watch_dibao_share',
  'indicators.relapse_watch_persons_assisted',
  'indicators.relapse_watch_persons',
  'indicators.temp_relief_per_capita',
  'indicators.temp_relief_amount',
  'indicators.temp_relief_person_times',
  'indicators.proactive_discovery_rate',
  'indicators.approved_applications_proactive',
  'indicators.approved_applications',
];

describe('query builders', () => {
  it('asks for the city trend with every measure over the search range', () => {
    expect(buildTrendQuery('quarter', new Date(2026, 10, 27))).toEqual({
      measures: ALL_MEASURES,
      timeDimensions: [{ dimension: 'indicators.month', granularity: 'quarter', dateRange: ['2017-01-01', '2026-12-31'] }],
    });
  });

  it('asks for counties in the selected period for a city', () => {
    const level = rankingLevelFor('130100000000');
    expect(level).not.toBeNull();
    expect(buildRankingQuery({ granularity: 'quarter', year: 2025, index: 2 }, level!)).toEqual({
      measures: ALL_MEASURES,
      dimensions: ['indicators.county_code', 'indicators.county_name', 'indicators.city_name'],
      timeDimensions: [{ dimension: 'indicators.month', granularity: 'quarter', dateRange: ['2025-04-01', '2025-06-30'] }],
    });
    expect(buildRankingQuery({ granularity: 'month', year: 2024, index: 2 }, level!).timeDimensions).toEqual([
      { dimension: 'indicators.month', granularity: 'month', dateRange: ['2024-02-01', '2024-02-29'] },
    ]);
  });

  it('ranks townships for a county and cities for a province', () => {
    expect(rankingLevelFor('130102000000')?.codeDimension).toBe('indicators.township_code');
    expect(rankingLevelFor('130000000000')?.codeDimension).toBe('indicators.city_code');
    expect(rankingLevelFor('130102001000')).toBeNull();
    expect(rankingLevelFor('')?.codeDimension).toBe('indicators.county_code');
    const cities = buildRankingQuery({ granularity: 'year', year: 2025, index: 1 }, rankingLevelFor('130000000000')!);
    expect(cities.dimensions).toEqual(['indicators.city_code', 'indicators.city_name']);
  });

  it('reads region levels from 12-digit codes', () => {
    expect(regionLevel('130000000000')).toBe('province');
    expect(regionLevel('130100000000')).toBe('city');
    expect(regionLevel('130102000000')).toBe('county');
    expect(regionLevel('130102001000')).toBe('township');
    expect(regionLevel('130102001002')).toBe('village');
    expect(regionLevel('1301')).toBeNull();
    expect(referenceLabelFor('130100000000')).toBe('全市');
  });
});

describe('result parsing', () => {
  it('parses Cube numbers sent as strings and keeps null as null', () => {
    expect(toNumber('21.81')).toBe(21.81);
    expect(toNumber(3)).toBe(3);
    expect(toNumber(null)).toBeNull();
    expect(toNumber(undefined)).toBeNull();
    expect(toNumber('')).toBeNull();
    expect(toNumber('abc')).toBeNull();
  });

  const rows = [
    { 'indicators.month.quarter': '2025-01-01T00:00:00.000', 'indicators.month': '2025-01-01T00:00:00.000', 'indicators.low_income_coverage_rate': '3.50' },
    { 'indicators.month.quarter': '2025-04-01T00:00:00.000', 'indicators.low_income_coverage_rate': '3.82', 'indicators.temp_relief_per_capita': null },
    { 'indicators.month.quarter': '2024-04-01T00:00:00.000', 'indicators.low_income_coverage_rate': null },
    { 'indicators.month.quarter': '2024-10-01T00:00:00.000', 'indicators.low_income_coverage_rate': '3.41' },
  ];
  const index = indexByPeriod(rows, 'quarter', QUERY_MEASURES);

  it('indexes trend rows by period and lists periods with data newest first', () => {
    expect(availablePeriods(index).map((p) => `${p.year}Q${p.index}`)).toEqual(['2025Q2', '2025Q1', '2024Q4']);
    expect(valueIn(index, { granularity: 'quarter', year: 2025, index: 2 }, 'indicators.low_income_coverage_rate')).toBe(3.82);
    expect(valueIn(index, { granularity: 'quarter', year: 2025, index: 2 }, 'indicators.temp_relief_per_capita')).toBeNull();
    expect(valueIn(index, { granularity: 'quarter', year: 2023, index: 2 }, 'indicators.low_income_coverage_rate')).toBeNull();
    expect(valueIn(index, null, 'indicators.low_income_coverage_rate')).toBeNull();
  });

  it('falls back to the plain time dimension key', () => {
    const plain = indexByPeriod([{ 'indicators.month': '2025-06-01T00:00:00.000', 'indicators.temp_relief_per_capita': '1283' }], 'month', QUERY_MEASURES);
    expect(valueIn(plain, { granularity: 'month', year: 2025, index: 6 }, 'indicators.temp_relief_per_capita')).toBe(1283);
  });

  it('reads ranking rows by region', () => {
    const regions = regionRows(
      [
        { 'indicators.county_code': '130102000000', 'indicators.county_name': '甲区', 'indicators.proactive_discovery_rate': '31.2' },
        { 'indicators.county_code': '130103000000', 'indicators.county_name': null, 'indicators.proactive_discovery_rate': null },
      ],
      'indicators.county_code',
      'indicators.county_name',
      QUERY_MEASURES,
    );
    expect(regions).toHaveLength(2);
    expect(regions[0]).toMatchObject({ code: '130102000000', name: '甲区' });
    expect(regions[0]?.values['indicators.proactive_discovery_rate']).toBe(31.2);
    expect(regions[1]?.name).toBe('130103000000');
    expect(regions[1]?.values['indicators.proactive_discovery_rate']).toBeNull();
  });

  it('recognises sample data by its city name', () => {
    expect(isSampleData('示例市（示例数据）')).toBe(true);
    expect(isSampleData('某某市', null, '示例数据市')).toBe(true);
    expect(isSampleData('某某市', undefined)).toBe(false);
  });
});

describe('API edges', () => {
  it('accepts a dev token and rejects a malformed one', () => {
    expect(parseSession({ token: 'abc', role: 'leader', region: '130100000000', regionName: '示例市' })).toEqual({
      token: 'abc',
      dev: true,
      name: 'dev-leader',
      display: '开发调试（领导）',
      role: 'leader',
      region: '130100000000',
      regionName: '示例市',
    });
    expect(parseSession({ token: 'abc', role: 'city_leader' })).toBe('服务器返回的角色无效：city_leader');
    expect(parseSession({ role: 'x' })).toBe('服务器返回的内容缺少 token');
    expect(parseSession(null)).toBe('服务器返回的内容不是 JSON 对象');
  });

  it('reports why the dev token could not be fetched', async () => {
    const failing = (async () => new Response(JSON.stringify({ error: '仅开发环境可用' }), { status: 404 })) as typeof fetch;
    await expect(fetchDevSession(failing)).rejects.toThrow('仅开发环境可用');
    const html = (async () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' })) as typeof fetch;
    await expect(fetchDevSession(html)).rejects.toThrow('HTTP 502 Bad Gateway');
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await expect(fetchDevSession(down)).rejects.toThrow('无法连接服务器');
    const ok = (async () => new Response(JSON.stringify({ token: 't', role: 'staff', region: '130100000000', regionName: '示例市' }))) as typeof fetch;
    await expect(fetchDevSession(ok)).resolves.toMatchObject({ token: 't', regionName: '示例市' });
  });

  it('shows the API error text, or says what failed', () => {
    expect(describeError(Object.assign(new Error('查询的指标不存在：indicators.x'), { status: 400 }))).toBe('查询的指标不存在：indicators.x');
    expect(describeError(new Error('network Error'))).toBe('无法连接服务器（网络错误）');
    expect(describeError(Object.assign(new Error('<html>502</html>'), { status: 502 }))).toBe('服务器错误（HTTP 502）');
    expect(describeError(Object.assign(new Error(''), { status: 403 }))).toContain('没有访问权限');
    expect(describeError(undefined)).toBe('未知错误');
  });
});

import { describe, expect, it } from 'vitest';
import { HEADLINE_INDICATORS, indexMeta, memberMeta, missingMembers, QUERY_MEASURES } from '../dashboard/src/indicators';
import { buildCards, buildRankingInputs, buildTrendInputs } from '../dashboard/src/model';
import type { Period } from '../dashboard/src/period';
import { indexByPeriod } from '../dashboard/src/results';

const metaCubes = [
  {
    name: 'indicators',
    measures: [
      {
        name: 'indicators.low_income_coverage_rate',
        title: '社会救助核心指标 低收入人口覆盖率',
        shortTitle: '低收入人口覆盖率',
        description: '统计期末月低收入人口数 ÷ 户籍人口 × 100%',
        meta: { unit: '%', kind: 'snapshot', higher_is_better: true, target: 4 },
      },
      { name: 'indicators.low_income_persons', title: 'x 低收入人口数', shortTitle: '低收入人口数', meta: { unit: '人', kind: 'snapshot' } },
      { name: 'indicators.registered_population', title: 'x 户籍人口', shortTitle: '户籍人口', meta: { unit: '人', kind: 'snapshot' } },
      {
        name: 'indicators.temp_relief_per_capita',
        title: 'x 临时救助人均救助水平',
        shortTitle: '临时救助人均救助水平',
        meta: { unit: '元', kind: 'flow', higher_is_better: false },
      },
    ],
    dimensions: [{ name: 'indicators.county_name', title: 'x 区县', shortTitle: '区县' }],
  },
];

describe('meta', () => {
  const index = indexMeta(metaCubes);

  it('reads titles, descriptions, units, kinds, directions and targets', () => {
    expect(memberMeta(index, 'indicators.low_income_coverage_rate')).toEqual({
      name: 'indicators.low_income_coverage_rate',
      title: '低收入人口覆盖率',
      description: '统计期末月低收入人口数 ÷ 户籍人口 × 100%',
      unit: '%',
      kind: 'snapshot',
      higherIsBetter: true,
      directional: true,
      target: 4,
    });
    expect(memberMeta(index, 'indicators.temp_relief_per_capita').higherIsBetter).toBe(false);
    expect(memberMeta(index, 'indicators.low_income_persons').higherIsBetter).toBe(true);
    expect(memberMeta(index, 'indicators.county_name').title).toBe('区县');
  });

  it('stands in for members /meta does not list', () => {
    expect(memberMeta(index, 'indicators.proactive_discovery_rate')).toMatchObject({ title: 'proactive_discovery_rate', unit: '', higherIsBetter: true });
    expect(missingMembers(index, QUERY_MEASURES)).toContain('indicators.proactive_discovery_rate');
    expect(missingMembers(index, QUERY_MEASURES)).not.toContain('indicators.low_income_persons');
  });
});

describe('page model', () => {
  const index = indexMeta(metaCubes);
  const row = (month: string, rate: string | null, persons: string | null, perCapita: string | null) => ({
    'indicators.month.month': `${month}-01T00:00:00.000`,
    'indicators.low_income_coverage_rate': rate,
    'indicators.low_income_persons': persons,
    'indicators.registered_population': '1603000',
    'indicators.temp_relief_per_capita': perCapita,
  });
  const byPeriod = indexByPeriod(
    [row('2024-06', '3.60', '57708', '1200'), row('2025-05', '3.78', '60593', null), row('2025-06', '3.82', '61234', '1283')],
    'month',
    QUERY_MEASURES,
  );
  const june: Period = { granularity: 'month', year: 2025, index: 6 };

  it('gives each card its value, parts, previous period and same period last year', () => {
    const cards = buildCards(byPeriod, june, index);
    expect(cards.map((c) => c.indicator.key)).toEqual(HEADLINE_INDICATORS.map((i) => i.key));
    const coverage = cards[0]!;
    expect(coverage.value).toBe(3.82);
    expect(coverage.numerator).toBe(61234);
    expect(coverage.denominator).toBe(1603000);
    expect(coverage.previous).toBe(3.78);
    expect(coverage.lastYear).toBe(3.6);
    expect(coverage.numeratorMeta.unit).toBe('人');
    const relief = cards.find((c) => c.indicator.key === 'temp_relief_per_capita')!;
    expect(relief.value).toBe(1283);
    expect(relief.previous).toBeNull();
    expect(relief.lastYear).toBe(1200);
    const alleviated = cards.find((c) => c.indicator.key === 'alleviated_dibao_share')!;
    expect(alleviated.related.map((r) => r.meta.name)).toEqual(['indicators.alleviated_person_dibao_share', 'indicators.relapse_watch_dibao_share']);
    expect(coverage.related).toEqual([]);
    const discovery = cards.find((c) => c.indicator.key === 'proactive_discovery_rate')!;
    expect(discovery.value).toBeNull();
  });

  it('trims the trend window to the first period with data', () => {
    const trends = buildTrendInputs(byPeriod, june, { granularity: 'month', year: 2024, index: 6 }, index);
    expect(trends).toHaveLength(4);
    expect(trends[0]!.points).toHaveLength(13);
    expect(trends[0]!.points[0]!.value).toBe(3.6);
    expect(trends[0]!.points[1]!.value).toBeNull();
    expect(trends[0]!.target).toBe(4);
    expect(buildTrendInputs(byPeriod, june, null, index)[0]!.points).toHaveLength(24);
  });

  it('ranks regions against the city value of the selected period', () => {
    const rankings = buildRankingInputs(
      [
        { code: '1', name: '甲区', values: { 'indicators.low_income_coverage_rate': 4.1 } },
        { code: '2', name: '乙县', values: {} },
      ],
      byPeriod,
      june,
      index,
      '全市',
    );
    expect(rankings[0]).toMatchObject({
      title: '低收入人口覆盖率',
      unit: '%',
      referenceValue: 3.82,
      referenceLabel: '全市',
      regions: [
        { name: '甲区', value: 4.1 },
        { name: '乙县', value: null },
      ],
    });
    expect(rankings[2]!.higherIsBetter).toBe(false);
  });
});

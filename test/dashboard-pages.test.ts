// The pure parts of the 基本生活救助, 临时救助 and 监测预警 pages: the
// members they name (checked against the compiled Cube model), their queries
// and the page model (cards, trends, rankings, breakdowns).
import { beforeAll, describe, expect, it } from 'vitest';
import { compileModel } from '../cube/compiler.ts';
import { devRoleFromSearch, devTokenUrl, fetchDevSession, roleTitle } from '../dashboard/src/api/token';
import {
  LIVING_BREAKDOWNS,
  LIVING_CARDS,
  LIVING_RANKINGS,
  LIVING_TRENDS,
  LIVING_VIEWS,
  MONITORING_BREAKDOWNS,
  MONITORING_CARDS,
  MONITORING_RANKINGS,
  MONITORING_TRENDS,
  MONITORING_VIEWS,
  RELIEF_BREAKDOWNS,
  RELIEF_CARDS,
  RELIEF_RANKINGS,
  RELIEF_TRENDS,
  RELIEF_VIEWS,
  WARNING_LEVEL_COLORS,
  type ViewSpec,
  measuresOf,
} from '../dashboard/src/catalogue';
import { indexMeta } from '../dashboard/src/indicators';
import {
  buildDimensionBreakdown,
  buildMeasureBreakdown,
  buildMetricCards,
  buildMetricRankings,
  buildMetricTrends,
  lookupIn,
} from '../dashboard/src/model';
import type { Period } from '../dashboard/src/period';
import { buildPeriodQuery, buildViewRankingQuery, buildViewTrendQuery, periodRange } from '../dashboard/src/queries';
import { rankingLevelFor } from '../dashboard/src/regions';
import { fillPeriods, indexByPeriod, rowPeriod } from '../dashboard/src/results';

const month = (year: number, index: number): Period => ({ granularity: 'month', year, index });

describe('development token role', () => {
  it('reads ?role= from the page and asks the endpoint for it', () => {
    expect(devRoleFromSearch('?role=inspector')).toBe('inspector');
    expect(devRoleFromSearch('?x=1&role=staff')).toBe('staff');
    expect(devRoleFromSearch('?role=boss')).toBeNull();
    expect(devRoleFromSearch('')).toBeNull();
    expect(devTokenUrl('inspector')).toBe('/api/dev-token?role=inspector');
    expect(devTokenUrl(null)).toBe('/api/dev-token');
    expect(roleTitle('inspector')).toBe('督查人员');
    expect(roleTitle('leader')).toBe('领导');
    expect(roleTitle('other')).toBe('other');
  });

  it('fetches the token of the role asked for', async () => {
    const urls: string[] = [];
    const fake = (async (url: string) => {
      urls.push(url);
      return new Response(JSON.stringify({ token: 't', role: 'inspector', region: '130100000000', regionName: '示例市' }));
    }) as unknown as typeof fetch;
    await expect(fetchDevSession(fake, 'inspector')).resolves.toMatchObject({ role: 'inspector' });
    await fetchDevSession(fake);
    expect(urls).toEqual(['/api/dev-token?role=inspector', '/api/dev-token']);
  });
});

describe('members the pages name', () => {
  let known: Map<string, { type: 'measure' | 'dimension'; meta: Record<string, unknown> }>;

  beforeAll(async () => {
    const model = await compileModel();
    known = new Map();
    const cubes = (model.metaTransformer.cubes as unknown as { config: { name: string; public: boolean; measures: { name: string; meta?: Record<string, unknown> }[]; dimensions: { name: string; meta?: Record<string, unknown> }[] } }[]).map((c) => c.config);
    for (const c of cubes.filter((x) => x.public)) {
      for (const m of c.measures) known.set(m.name, { type: 'measure', meta: m.meta ?? {} });
      for (const d of c.dimensions) known.set(d.name, { type: 'dimension', meta: d.meta ?? {} });
    }
  }, 120_000);

  const allViews: ViewSpec[] = [...LIVING_VIEWS, ...RELIEF_VIEWS, ...MONITORING_VIEWS];

  it('are measures of the public views', () => {
    const measures = [
      ...allViews.flatMap((v) => [...v.measures, ...v.rankings.map((r) => r.member)]),
      ...[...LIVING_CARDS, ...RELIEF_CARDS, ...MONITORING_CARDS].flatMap((c) => [c.member, c.numerator, c.denominator, ...(c.related ?? []).flatMap((r) => [r.member, r.numerator, r.denominator])]),
      ...LIVING_BREAKDOWNS.flatMap((b) => b.bars.flatMap((bar) => [bar.member, ...(bar.extras ?? [])])),
      ...[...RELIEF_BREAKDOWNS, ...MONITORING_BREAKDOWNS].flatMap((b) => [b.member, ...b.extras]),
      ...LIVING_TRENDS,
      ...RELIEF_TRENDS,
      ...MONITORING_TRENDS,
      ...LIVING_RANKINGS,
      ...RELIEF_RANKINGS,
      ...MONITORING_RANKINGS,
    ].filter((m): m is string => m != null);
    const unknown = measures.filter((m) => known.get(m)?.type !== 'measure');
    expect(unknown).toEqual([]);
    const dimensions = [...RELIEF_BREAKDOWNS, ...MONITORING_BREAKDOWNS].map((b) => b.dimension);
    expect(dimensions.filter((d) => known.get(d)?.type !== 'dimension')).toEqual([]);
    for (const v of allViews) {
      expect(known.get(`${v.view}.month`)?.type, v.view).toBe('dimension');
      expect(known.get(`${v.view}.county_code`)?.type, v.view).toBe('dimension');
    }
  });

  it('give ratios their own numerator and denominator, as the model declares them', () => {
    for (const card of [...LIVING_CARDS, ...RELIEF_CARDS, ...MONITORING_CARDS]) {
      if (!card.numerator) continue;
      const view = card.member.split('.')[0];
      const meta = known.get(card.member)!.meta;
      expect(`${view}.${meta.numerator}`, card.key).toBe(card.numerator);
      expect(`${view}.${meta.denominator}`, card.key).toBe(card.denominator);
    }
  });

  it('draw a reference line only for ratios', () => {
    for (const v of allViews) {
      for (const r of v.rankings) expect(r.reference, r.member).toBe(typeof known.get(r.member)!.meta.numerator === 'string');
    }
  });

  it('rank every member the page lists, each in its own view', () => {
    for (const [views, order] of [[LIVING_VIEWS, LIVING_RANKINGS], [RELIEF_VIEWS, RELIEF_RANKINGS], [MONITORING_VIEWS, MONITORING_RANKINGS]] as const) {
      const ranked = views.flatMap((v) => v.rankings.map((r) => r.member));
      expect([...order].sort()).toEqual([...ranked].sort());
    }
  });
});

describe('page queries', () => {
  it('asks a view for its measures per period over the search range', () => {
    expect(buildViewTrendQuery('temp_relief', ['temp_relief.temp_relief_amount'], 'quarter', new Date(2026, 10, 27))).toEqual({
      measures: ['temp_relief.temp_relief_amount'],
      timeDimensions: [{ dimension: 'temp_relief.month', granularity: 'quarter', dateRange: ['2017-01-01', '2026-12-31'] }],
    });
  });

  it('asks for one period, grouped and filtered when asked to', () => {
    const q2 = { granularity: 'quarter', year: 2025, index: 2 } as const;
    expect(periodRange(q2)).toEqual(['2025-04-01', '2025-06-30']);
    expect(buildPeriodQuery('warnings', ['warnings.warning_count'], q2, ['warnings.warning_level'])).toEqual({
      measures: ['warnings.warning_count'],
      dimensions: ['warnings.warning_level'],
      timeDimensions: [{ dimension: 'warnings.month', granularity: 'quarter', dateRange: ['2025-04-01', '2025-06-30'] }],
    });
    expect(buildPeriodQuery('warnings', ['warnings.warning_count'], month(2024, 2))).toEqual({
      measures: ['warnings.warning_count'],
      timeDimensions: [{ dimension: 'warnings.month', granularity: 'month', dateRange: ['2024-02-01', '2024-02-29'] }],
    });
  });

  it('ranks counties of a city, townships of a county, in the view asked', () => {
    const counties = buildViewRankingQuery('benefits', ['benefits.paid_on_time_rate'], month(2025, 3), rankingLevelFor('130100000000')!);
    expect(counties.dimensions).toEqual(['benefits.county_code', 'benefits.county_name', 'benefits.city_name']);
    expect(counties.timeDimensions).toEqual([{ dimension: 'benefits.month', granularity: 'month', dateRange: ['2025-03-01', '2025-03-31'] }]);
    const townships = buildViewRankingQuery('benefits', ['benefits.paid_on_time_rate'], month(2025, 3), rankingLevelFor('130102000000')!);
    expect(townships.dimensions).toEqual(['benefits.township_code', 'benefits.township_name', 'benefits.city_name']);
  });

  it('lists each member of a view once, and none of other views', () => {
    expect(
      measuresOf('standards', [
        { key: 'a', member: 'standards.rural_urban_standard_ratio', related: [{ member: 'standards.urban_dibao_standard' }] },
        { member: 'standards.rural_urban_standard_ratio' },
        { member: 'benefits.payments' },
      ]),
    ).toEqual(['standards.rural_urban_standard_ratio', 'standards.urban_dibao_standard']);
  });
});

const metaCubes = [
  {
    name: 'basic_living',
    measures: [
      { name: 'basic_living.dibao_persons', shortTitle: '低保对象人数', meta: { unit: '人', kind: 'snapshot' } },
      { name: 'basic_living.dibao_households', shortTitle: '低保户数', meta: { unit: '户', kind: 'snapshot' } },
      { name: 'basic_living.urban_dibao_persons', shortTitle: '城市低保人数', meta: { unit: '人', kind: 'snapshot' } },
      { name: 'basic_living.rural_dibao_persons', shortTitle: '农村低保人数', meta: { unit: '人', kind: 'snapshot' } },
      { name: 'basic_living.urban_dibao_households', shortTitle: '城市低保户数', meta: { unit: '户', kind: 'snapshot' } },
      { name: 'basic_living.rural_dibao_households', shortTitle: '农村低保户数', meta: { unit: '户', kind: 'snapshot' } },
    ],
    dimensions: [],
  },
  {
    name: 'benefits',
    measures: [
      {
        name: 'benefits.paid_on_time_rate',
        shortTitle: '救助金按时发放率',
        meta: { unit: '%', kind: 'flow', higher_is_better: true, numerator: 'payments_on_time', denominator: 'payments' },
      },
      { name: 'benefits.payments_on_time', shortTitle: '按时发放笔数', meta: { unit: '笔', kind: 'flow' } },
      { name: 'benefits.payments', shortTitle: '发放笔数', meta: { unit: '笔', kind: 'flow' } },
    ],
    dimensions: [],
  },
  {
    name: 'warnings',
    measures: [
      { name: 'warnings.warning_count', shortTitle: '预警数', meta: { unit: '条', kind: 'flow' } },
      { name: 'warnings.handled_rate', shortTitle: '预警处置率', meta: { unit: '%', kind: 'flow', higher_is_better: true } },
    ],
    dimensions: [{ name: 'warnings.warning_level', shortTitle: '预警等级', description: '红、橙、黄、蓝' }],
  },
];

describe('page model', () => {
  const metaIndex = indexMeta(metaCubes);
  const blRows = [
    { 'basic_living.month.month': '2025-02-01T00:00:00.000', 'basic_living.dibao_persons': '95', 'basic_living.urban_dibao_persons': '20', 'basic_living.rural_dibao_persons': '75' },
    {
      'basic_living.month.month': '2025-03-01T00:00:00.000',
      'basic_living.dibao_persons': '100',
      'basic_living.dibao_households': '60',
      'basic_living.urban_dibao_persons': '25',
      'basic_living.rural_dibao_persons': '75',
      'basic_living.urban_dibao_households': '15',
      'basic_living.rural_dibao_households': '45',
    },
    { 'basic_living.month.month': '2024-03-01T00:00:00.000', 'basic_living.dibao_persons': '80' },
  ];
  const bfRows = [
    { 'benefits.month.month': '2025-03-01T00:00:00.000', 'benefits.paid_on_time_rate': '75.00', 'benefits.payments_on_time': '3', 'benefits.payments': '4' },
  ];
  const blMeasures = LIVING_VIEWS[0]!.measures;
  const bfMeasures = LIVING_VIEWS.find((v) => v.view === 'benefits')!.measures;
  const indexes = new Map([
    ['basic_living', indexByPeriod(blRows, 'month', blMeasures, 'basic_living.month')],
    ['benefits', indexByPeriod(bfRows, 'month', bfMeasures, 'benefits.month')],
  ]);
  const lookup = lookupIn(indexes);
  const march = month(2025, 3);

  it('reads periods from each view’s own time dimension', () => {
    expect(rowPeriod(blRows[0]!, 'month', 'basic_living.month')).toEqual(month(2025, 2));
    expect(rowPeriod(blRows[0]!, 'month')).toBeNull();
    expect(lookup(march, 'basic_living.dibao_persons')).toBe(100);
    expect(lookup(march, 'benefits.paid_on_time_rate')).toBe(75);
    expect(lookup(march, 'nowhere.x')).toBeNull();
    expect(lookup(null, 'basic_living.dibao_persons')).toBeNull();
  });

  it('builds cards with 环比, 同比, parts of ratios and related counts', () => {
    const cards = buildMetricCards(LIVING_CARDS.filter((c) => c.key === 'dibao_persons' || c.key === 'paid_on_time_rate'), lookup, march, metaIndex);
    expect(cards[0]).toMatchObject({ key: 'dibao_persons', value: 100, previous: 95, lastYear: 80, parts: null });
    expect(cards[0]!.meta.directional).toBe(false);
    expect(cards[0]!.related.map((r) => [r.meta.title, r.value])).toEqual([
      ['低保户数', 60],
      ['城市低保人数', 25],
      ['农村低保人数', 75],
    ]);
    expect(cards[1]).toMatchObject({ key: 'paid_on_time_rate', value: 75, previous: null, lastYear: null });
    expect(cards[1]!.parts).toMatchObject({ numerator: 3, denominator: 4 });
    expect(cards[1]!.parts!.numeratorMeta.title).toBe('按时发放笔数');
    expect(cards[1]!.meta.directional).toBe(true);
  });

  it('draws trends over the window from the first period with data', () => {
    const [trend] = buildMetricTrends(['basic_living.dibao_persons'], lookup, march, month(2024, 3), metaIndex);
    expect(trend!.points).toHaveLength(13);
    expect(trend!.points[0]).toEqual({ period: month(2024, 3), value: 80 });
    expect(trend!.points[1]!.value).toBeNull();
    expect(trend!.points.at(-1)!.value).toBe(100);
    expect(trend!.unit).toBe('人');
  });

  it('ranks counts without and ratios with the city reference', () => {
    const regions = new Map([
      ['basic_living', [{ code: '1', name: '甲区', values: { 'basic_living.dibao_persons': 60 } }]],
      ['benefits', [{ code: '1', name: '甲区', values: { 'benefits.paid_on_time_rate': 50 } }]],
    ]);
    const [persons, onTime] = buildMetricRankings(
      [
        { member: 'basic_living.dibao_persons', reference: false },
        { member: 'benefits.paid_on_time_rate', reference: true },
      ],
      regions,
      lookup,
      march,
      metaIndex,
      '全市',
    );
    expect(persons).toMatchObject({ title: '低保对象人数', referenceValue: null, regions: [{ name: '甲区', value: 60 }] });
    expect(onTime).toMatchObject({ title: '救助金按时发放率', referenceValue: 75, referenceLabel: '全市', regions: [{ name: '甲区', value: 50 }] });
  });

  it('makes bars of measures in the order given, with tooltip extras', () => {
    const urbanRural = buildMeasureBreakdown(LIVING_BREAKDOWNS[0]!, lookup, march, metaIndex, '#123456');
    expect(urbanRural).toMatchObject({ title: '低保对象城乡构成', unit: '人', showShare: true, sort: 'given' });
    expect(urbanRural.bars.map((b) => [b.name, b.value])).toEqual([
      ['城市低保人数', 25],
      ['农村低保人数', 75],
    ]);
    expect(urbanRural.bars[0]!.extras).toEqual([{ label: '城市低保户数', value: 15, unit: '户' }]);
  });

  it('makes bars of a dimension: own order, own colours, empty categories dropped or named', () => {
    const levels = MONITORING_BREAKDOWNS.find((b) => b.key === 'warning_level')!;
    const rows = [
      { 'warnings.warning_level': '蓝', 'warnings.warning_count': '40', 'warnings.handled_rate': '50' },
      { 'warnings.warning_level': '红', 'warnings.warning_count': '5', 'warnings.handled_rate': '100' },
      { 'warnings.warning_level': '黄', 'warnings.warning_count': '20', 'warnings.handled_rate': null },
    ];
    const input = buildDimensionBreakdown(levels, rows, metaIndex, '#000000');
    expect(input.title).toBe('按预警等级');
    expect(input.bars.map((b) => b.name)).toEqual(['红', '黄', '蓝']);
    expect(input.bars.map((b) => b.color)).toEqual([WARNING_LEVEL_COLORS['红'], WARNING_LEVEL_COLORS['黄'], WARNING_LEVEL_COLORS['蓝']]);
    expect(input.bars[1]!.extras[0]).toEqual({ label: '预警处置率', value: null, unit: '%' });

    const outcome = MONITORING_BREAKDOWNS.find((b) => b.key === 'warning_outcome')!;
    const out = buildDimensionBreakdown(outcome, [{ 'warnings.outcome': null, 'warnings.handled_warnings': '3' }, { 'warnings.outcome': '纳入低保', 'warnings.handled_warnings': '2' }], metaIndex, '#000');
    expect(out.bars.map((b) => b.name)).toEqual(['纳入低保']);
    const sources = MONITORING_BREAKDOWNS.find((b) => b.key === 'warning_source')!;
    const src = buildDimensionBreakdown(sources, [{ 'warnings.source_department': '医保', 'warnings.warning_count': '2' }, { 'warnings.source_department': '', 'warnings.warning_count': '7' }], metaIndex, '#000');
    expect(src.bars.map((b) => [b.name, b.value])).toEqual([
      ['未填写', 7],
      ['医保', 2],
    ]);
  });

  it('fills periods without rows when none means zero', () => {
    const index = indexByPeriod([{ 'integrity.month.month': '2025-03-01T00:00:00.000', 'integrity.findings': '4' }], 'month', ['integrity.findings'], 'integrity.month');
    const filled = lookupIn(new Map([['integrity', fillPeriods(index, [month(2025, 2), month(2025, 3)], ['integrity.findings'], 0)]]));
    expect(filled(month(2025, 3), 'integrity.findings')).toBe(4);
    expect(filled(month(2025, 2), 'integrity.findings')).toBe(0);
    expect(filled(month(2025, 1), 'integrity.findings')).toBeNull();
  });
});

// Assembles what the pages show (cards, trend, ranking and breakdown chart
// inputs) from parsed query results. Pure, so it is tested without a browser.

import type { DimensionBreakdownSpec, MeasureBreakdownSpec, MetricSpec, RankingSpec } from './catalogue';
import type { BarInput, BarItem } from './charts/bars';
import type { RankingInput } from './charts/ranking';
import type { TrendInput } from './charts/trend';
import { HEADLINE_INDICATORS, type HeadlineIndicator, type MemberMeta, type MetaIndex, memberMeta } from './indicators';
import { type Period, comparePeriods, previousPeriod, samePeriodLastYear, trendWindow } from './period';
import { type PeriodRow, type RegionRow, type Row, toNumber, valueIn } from './results';
import { seriesColor } from './theme';

export interface CardModel {
  indicator: HeadlineIndicator;
  meta: MemberMeta;
  numeratorMeta: MemberMeta;
  denominatorMeta: MemberMeta;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  previous: number | null;
  lastYear: number | null;
  color: string;
  related: { meta: MemberMeta; value: number | null; numerator: number | null; denominator: number | null }[];
}

type PeriodIndex = ReadonlyMap<string, PeriodRow>;

export function buildCards(byPeriod: PeriodIndex, selected: Period, metaIndex: MetaIndex): CardModel[] {
  return HEADLINE_INDICATORS.map((indicator, i) => ({
    indicator,
    meta: memberMeta(metaIndex, indicator.member),
    numeratorMeta: memberMeta(metaIndex, indicator.numerator),
    denominatorMeta: memberMeta(metaIndex, indicator.denominator),
    value: valueIn(byPeriod, selected, indicator.member),
    numerator: valueIn(byPeriod, selected, indicator.numerator),
    denominator: valueIn(byPeriod, selected, indicator.denominator),
    previous: valueIn(byPeriod, previousPeriod(selected), indicator.member),
    lastYear: valueIn(byPeriod, samePeriodLastYear(selected), indicator.member),
    color: seriesColor(i),
    related: indicator.related.map((r) => ({
      meta: memberMeta(metaIndex, r.member),
      value: valueIn(byPeriod, selected, r.member),
      numerator: valueIn(byPeriod, selected, r.numerator),
      denominator: valueIn(byPeriod, selected, r.denominator),
    })),
  }));
}

/**
 * One trend input per headline indicator: the trend window ending at
 * `selected`, without the periods before `earliest` (the first with data).
 */
export function buildTrendInputs(byPeriod: PeriodIndex, selected: Period, earliest: Period | null, metaIndex: MetaIndex): TrendInput[] {
  const periods = trendWindow(selected).filter((p) => earliest == null || comparePeriods(p, earliest) >= 0);
  return HEADLINE_INDICATORS.map((indicator, i) => {
    const meta = memberMeta(metaIndex, indicator.member);
    return {
      title: meta.title,
      unit: meta.unit,
      points: periods.map((period) => ({ period, value: valueIn(byPeriod, period, indicator.member) })),
      selected,
      color: seriesColor(i),
      target: meta.target,
    };
  });
}

/** One ranking input per headline indicator; the reference is the whole region's value. */
export function buildRankingInputs(
  regions: readonly RegionRow[],
  byPeriod: PeriodIndex,
  selected: Period,
  metaIndex: MetaIndex,
  referenceLabel: string,
): RankingInput[] {
  return HEADLINE_INDICATORS.map((indicator, i) => {
    const meta = memberMeta(metaIndex, indicator.member);
    return {
      title: meta.title,
      unit: meta.unit,
      higherIsBetter: meta.higherIsBetter,
      regions: regions.map((r) => ({ name: r.name, value: r.values[indicator.member] ?? null })),
      referenceValue: valueIn(byPeriod, selected, indicator.member),
      referenceLabel,
      color: seriesColor(i),
      target: meta.target,
    };
  });
}

// ---------------------------------------------------------------- the other pages

/** A card of the 基本生活救助, 临时救助, 监测预警 and 数据比对 pages. */
export interface MetricCardModel {
  key: string;
  meta: MemberMeta;
  value: number | null;
  previous: number | null;
  lastYear: number | null;
  /** Numerator and denominator of a ratio, shown under the value. */
  parts: { numerator: number | null; denominator: number | null; numeratorMeta: MemberMeta; denominatorMeta: MemberMeta } | null;
  related: { meta: MemberMeta; value: number | null; numerator: number | null; denominator: number | null }[];
  color: string;
}

/** The values of a period, by member, from one or more views' trend indexes. */
export type PeriodLookup = (period: Period | null, member: string) => number | null;

/** Looks a member up in the index of its view (the part before the dot). */
export function lookupIn(indexes: ReadonlyMap<string, PeriodIndex>): PeriodLookup {
  return (period, member) => {
    const index = indexes.get(member.slice(0, member.indexOf('.')));
    return index ? valueIn(index, period, member) : null;
  };
}

export function buildMetricCards(specs: readonly MetricSpec[], lookup: PeriodLookup, selected: Period, metaIndex: MetaIndex): MetricCardModel[] {
  return specs.map((spec, i) => ({
    key: spec.key,
    meta: memberMeta(metaIndex, spec.member),
    value: lookup(selected, spec.member),
    previous: lookup(previousPeriod(selected), spec.member),
    lastYear: lookup(samePeriodLastYear(selected), spec.member),
    parts:
      spec.numerator && spec.denominator
        ? {
            numerator: lookup(selected, spec.numerator),
            denominator: lookup(selected, spec.denominator),
            numeratorMeta: memberMeta(metaIndex, spec.numerator),
            denominatorMeta: memberMeta(metaIndex, spec.denominator),
          }
        : null,
    related: (spec.related ?? []).map((r) => ({
      meta: memberMeta(metaIndex, r.member),
      value: lookup(selected, r.member),
      numerator: r.numerator ? lookup(selected, r.numerator) : null,
      denominator: r.denominator ? lookup(selected, r.denominator) : null,
    })),
    color: seriesColor(i),
  }));
}

/** One trend input per member over the trend window ending at `selected`, from `earliest` on. */
export function buildMetricTrends(
  members: readonly string[],
  lookup: PeriodLookup,
  selected: Period,
  earliest: Period | null,
  metaIndex: MetaIndex,
): TrendInput[] {
  const periods = trendWindow(selected).filter((p) => earliest == null || comparePeriods(p, earliest) >= 0);
  return members.map((member, i) => {
    const meta = memberMeta(metaIndex, member);
    return {
      title: meta.title,
      unit: meta.unit,
      points: periods.map((period) => ({ period, value: lookup(period, member) })),
      selected,
      color: seriesColor(i),
      target: meta.target,
    };
  });
}

/**
 * One ranking input per member, sub-regions from the rows of its view. Ratios
 * get the whole region's value as the reference line; counts and sums have
 * none (a county is never near the city's total).
 */
export function buildMetricRankings(
  specs: readonly RankingSpec[],
  regionsByView: ReadonlyMap<string, readonly RegionRow[]>,
  lookup: PeriodLookup,
  selected: Period,
  metaIndex: MetaIndex,
  referenceLabel: string,
): RankingInput[] {
  return specs.map((spec, i) => {
    const meta = memberMeta(metaIndex, spec.member);
    const regions = regionsByView.get(spec.member.slice(0, spec.member.indexOf('.'))) ?? [];
    return {
      title: meta.title,
      unit: meta.unit,
      higherIsBetter: meta.higherIsBetter,
      regions: regions.map((r) => ({ name: r.name, value: r.values[spec.member] ?? null })),
      referenceValue: spec.reference ? lookup(selected, spec.member) : null,
      referenceLabel,
      color: seriesColor(i),
      target: meta.target,
    };
  });
}

/** Bars of a breakdown from measures of one period (城市低保人数, 农村低保人数, …). */
export function buildMeasureBreakdown(spec: MeasureBreakdownSpec, lookup: PeriodLookup, selected: Period, metaIndex: MetaIndex, color: string): BarInput {
  const first = spec.bars[0];
  return {
    title: spec.title,
    unit: first ? memberMeta(metaIndex, first.member).unit : '',
    color,
    showShare: spec.showShare,
    sort: 'given',
    bars: spec.bars.map((bar) => {
      const meta = memberMeta(metaIndex, bar.member);
      return {
        name: meta.title,
        value: lookup(selected, bar.member),
        extras: (bar.extras ?? []).map((e) => {
          const em = memberMeta(metaIndex, e);
          return { label: em.title, value: lookup(selected, e), unit: em.unit };
        }),
      };
    }),
  };
}

/** Bars of a breakdown by a dimension: one per category in the rows of one period. */
export function buildDimensionBreakdown(spec: DimensionBreakdownSpec, rows: readonly Row[], metaIndex: MetaIndex, color: string): BarInput {
  const meta = memberMeta(metaIndex, spec.member);
  const dimensionMeta = memberMeta(metaIndex, spec.dimension);
  const extrasMeta = spec.extras.map((e) => memberMeta(metaIndex, e));
  const bars: BarItem[] = [];
  for (const row of rows) {
    const raw = row[spec.dimension];
    const empty = raw == null || raw === '';
    if (empty && spec.dropEmpty) continue;
    const name = empty ? '未填写' : String(raw);
    bars.push({
      name,
      value: toNumber(row[spec.member]),
      color: spec.colors?.[name],
      extras: spec.extras.map((e, i) => ({ label: extrasMeta[i]!.title, value: toNumber(row[e]), unit: extrasMeta[i]!.unit })),
    });
  }
  const order = spec.order ?? [];
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  bars.sort((a, b) => rank(a.name) - rank(b.name) || (b.value ?? -Infinity) - (a.value ?? -Infinity));
  return {
    title: `按${dimensionMeta.title}`,
    unit: meta.unit,
    valueTitle: meta.title,
    color,
    showShare: spec.showShare,
    sort: 'given',
    bars,
  };
}

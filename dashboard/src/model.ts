// Assembles what the leadership page shows (cards, trend and ranking chart
// inputs) from parsed query results. Pure, so it is tested without a browser.

import type { RankingInput } from './charts/ranking';
import type { TrendInput } from './charts/trend';
import { HEADLINE_INDICATORS, type HeadlineIndicator, type MemberMeta, type MetaIndex, memberMeta } from './indicators';
import { type Period, comparePeriods, previousPeriod, samePeriodLastYear, trendWindow } from './period';
import { type PeriodRow, type RegionRow, valueIn } from './results';
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

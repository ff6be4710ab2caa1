// The data of a catalogue page (基本生活救助, 临时救助, 监测预警) for the
// selected period: each view's trend (cards, measure breakdowns, trend
// charts), breakdowns by a dimension, and sub-regions ranked.

import { useEffect, useMemo } from 'react';
import type { Session } from '../../api/session';
import type { DimensionBreakdownSpec, RankingSpec, ViewSpec } from '../../catalogue';
import { type RowsResult, firstError, useCubeQueries } from '../../data/useCube';
import { useSharedMeta } from '../../MetaContext';
import {
  buildDimensionBreakdown,
  buildMeasureBreakdown,
  buildMetricCards,
  buildMetricRankings,
  buildMetricTrends,
  lookupIn,
} from '../../model';
import type { Granularity, Period } from '../../period';
import { useSharedPeriod } from '../../PeriodContext';
import { buildPeriodQuery, buildViewRankingQuery, buildViewTrendQuery, levelMembers } from '../../queries';
import { rankingLevelFor, referenceLabelFor } from '../../regions';
import { type PeriodRow, type RegionRow, firstText, indexByPeriod, regionRows } from '../../results';
import { seriesColor } from '../../theme';
import type { CataloguePageConfig } from './config';

const uniq = (names: readonly string[]) => [...new Set(names)];
const NO_BREAKDOWNS: readonly DimensionBreakdownSpec[] = [];

/** Trend rows of several views indexed by period, keyed by view; null until all have loaded. */
function useIndexedTrends(
  views: readonly ViewSpec[],
  results: readonly RowsResult[],
  granularity: Granularity,
): Map<string, Map<string, PeriodRow>> | null {
  const ready = results.every((r) => r.rows != null);
  return useMemo(() => {
    if (!ready) return null;
    return new Map(views.map((v, i) => [v.view, indexByPeriod(results[i]!.rows!, granularity, v.measures, `${v.view}.month`)]));
  }, [ready, views, results, granularity]);
}

export function useCatalogue(session: Session, config: CataloguePageConfig, selected: Period, onCityName: (name: string | null) => void) {
  const { granularity, today, earliest } = useSharedPeriod();
  const meta = useSharedMeta();
  const level = rankingLevelFor(session.region);
  const referenceLabel = referenceLabelFor(session.region);

  // (1) Each view's trend: cards, measure breakdowns, trend charts.
  const trendQueries = useMemo(
    () => config.views.map((v) => buildViewTrendQuery(v.view, v.measures, granularity, today)),
    [config.views, granularity, today],
  );
  const trends = useCubeQueries(trendQueries);
  const indexes = useIndexedTrends(config.views, trends.results, granularity);
  const lookup = useMemo(() => (indexes ? lookupIn(indexes) : null), [indexes]);

  // (2) Breakdowns of the selected period by a dimension.
  const dimensionBreakdowns = config.dimensionBreakdowns ?? NO_BREAKDOWNS;
  const breakdownQueries = useMemo(
    () => dimensionBreakdowns.map((b) => buildPeriodQuery(b.view, uniq([b.member, ...b.extras]), selected, [b.dimension])),
    [dimensionBreakdowns, selected],
  );
  const breakdowns = useCubeQueries(breakdownQueries);

  // (3) Sub-regions of each view with rankings, for the selected period.
  const rankingQueries = useMemo(
    () =>
      config.views.map((v) =>
        v.rankings.length > 0 && level ? buildViewRankingQuery(v.view, uniq(v.rankings.map((r) => r.member)), selected, level) : null,
      ),
    [config.views, selected, level],
  );
  const rankings = useCubeQueries(rankingQueries);

  const regionsByView = useMemo(() => {
    if (!level || rankings.results.some((r, i) => rankingQueries[i] != null && r.rows == null)) return null;
    const map = new Map<string, RegionRow[]>();
    config.views.forEach((v, i) => {
      const rows = rankings.results[i]?.rows;
      if (!rows) return;
      const { code, name } = levelMembers(v.view, level);
      map.set(v.view, regionRows(rows, code, name, v.rankings.map((r) => r.member)));
    });
    return map;
  }, [level, rankings.results, rankingQueries, config.views]);

  // the city name seen in ranking rows tells sample data apart
  const withCity = rankingQueries.findIndex((q, i) => q != null && rankings.results[i]?.rows != null);
  const cityName = withCity >= 0 ? firstText(rankings.results[withCity]!.rows!, `${config.views[withCity]!.view}.city_name`) : null;
  useEffect(() => {
    if (cityName) onCityName(cityName);
  }, [cityName, onCityName]);

  const metaIndex = meta.index;
  const cards = useMemo(
    () => (lookup && metaIndex ? buildMetricCards(config.cards, lookup, selected, metaIndex) : null),
    [lookup, metaIndex, config.cards, selected],
  );
  const trendInputs = useMemo(
    () => (lookup && metaIndex ? buildMetricTrends(config.trends, lookup, selected, earliest, metaIndex) : null),
    [lookup, metaIndex, config.trends, selected, earliest],
  );
  const measureBars = useMemo(
    () =>
      lookup && metaIndex ? (config.measureBreakdowns ?? []).map((b, i) => buildMeasureBreakdown(b, lookup, selected, metaIndex, seriesColor(i))) : null,
    [lookup, metaIndex, config.measureBreakdowns, selected],
  );
  const dimensionBars = useMemo(
    () =>
      metaIndex
        ? dimensionBreakdowns.map((b, i) => {
            const rows = breakdowns.results[i]?.rows;
            return rows ? buildDimensionBreakdown(b, rows, metaIndex, seriesColor((config.measureBreakdowns?.length ?? 0) + i)) : null;
          })
        : null,
    [metaIndex, dimensionBreakdowns, breakdowns.results, config.measureBreakdowns],
  );
  const rankingSpecs = useMemo(() => {
    const all = new Map<string, RankingSpec>(config.views.flatMap((v) => v.rankings.map((r) => [r.member, r] as const)));
    return config.rankings.map((m) => all.get(m)).filter((r): r is RankingSpec => r != null);
  }, [config.views, config.rankings]);
  const rankingInputs = useMemo(
    () => (regionsByView && lookup && metaIndex ? buildMetricRankings(rankingSpecs, regionsByView, lookup, selected, metaIndex, referenceLabel) : null),
    [regionsByView, lookup, metaIndex, rankingSpecs, selected, referenceLabel],
  );

  return {
    granularity,
    meta,
    level,
    referenceLabel,
    trendError: firstError(trends.results),
    refetchTrends: trends.refetch,
    cards,
    trendInputs,
    measureBars,
    dimensionBreakdowns,
    dimensionBars,
    breakdownErrors: breakdowns.results.map((r) => r.error),
    refetchBreakdowns: breakdowns.refetch,
    rankingSpecs,
    rankingInputs,
    rankingError: firstError(rankings.results),
    refetchRankings: rankings.refetch,
  };
}

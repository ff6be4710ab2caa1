// The layout shared by 基本生活救助, 临时救助 and 监测预警: cards with 环比/同比
// for the selected period, its breakdowns, trends, and sub-regions ranked.
// Each page is a configuration of catalogue views (src/catalogue.ts).

import { type ReactNode, useEffect, useMemo, useState } from 'react';
import type { Session } from '../api/session';
import { useSession } from '../auth/SessionContext';
import { describeError } from '../api/errors';
import type { DimensionBreakdownSpec, MeasureBreakdownSpec, MetricSpec, RankingSpec, ViewSpec } from '../catalogue';
import { BarChart } from '../components/BarChart';
import { IndicatorCard } from '../components/IndicatorCard';
import { PageShell } from '../components/PageShell';
import { Panel } from '../components/Panel';
import { PeriodGate } from '../components/PeriodGate';
import { RankingChart } from '../components/RankingChart';
import { ErrorState, Loading, SkeletonCard } from '../components/States';
import { TrendChart } from '../components/TrendChart';
import { firstError, useIndexedTrends, useQueries } from '../hooks';
import { memberMeta } from '../indicators';
import { useSharedMeta } from '../MetaContext';
import {
  buildDimensionBreakdown,
  buildMeasureBreakdown,
  buildMetricCards,
  buildMetricRankings,
  buildMetricTrends,
  lookupIn,
} from '../model';
import { type Period, TREND_SPAN_TEXT, periodLabel } from '../period';
import { useSharedPeriod } from '../PeriodContext';
import { buildPeriodQuery, buildViewRankingQuery, buildViewTrendQuery, levelMembers } from '../queries';
import { isSampleData, rankingLevelFor, referenceLabelFor } from '../regions';
import { type RegionRow, firstText, regionRows } from '../results';
import { seriesColor } from '../theme';

export interface CataloguePageConfig {
  /** Prefix of the panels' data-testids (`living-breakdown-panel`, …). */
  testId: string;
  views: readonly ViewSpec[];
  cards: readonly MetricSpec[];
  breakdownTitle: string;
  measureBreakdowns?: readonly MeasureBreakdownSpec[];
  dimensionBreakdowns?: readonly DimensionBreakdownSpec[];
  trends: readonly string[];
  /** Ranking panels in display order, each a member ranked in its view (`ViewSpec.rankings`). */
  rankings: readonly string[];
  footer?: string;
}

const uniq = (names: readonly string[]) => [...new Set(names)];

export function CataloguePage({ config }: { config: CataloguePageConfig }) {
  const session = useSession();
  // the city name seen in ranking rows tells sample data apart
  const [cityName, setCityName] = useState<string | null>(null);
  return (
    <PageShell sample={isSampleData(session.regionName, cityName)} footer={config.footer}>
      <PeriodGate>{(selected) => <CatalogueBody session={session} config={config} selected={selected} onCityName={setCityName} />}</PeriodGate>
    </PageShell>
  );
}

function CatalogueBody({
  session,
  config,
  selected,
  onCityName,
}: {
  session: Session;
  config: CataloguePageConfig;
  selected: Period;
  onCityName: (name: string | null) => void;
}) {
  const { granularity, today, earliest } = useSharedPeriod();
  const meta = useSharedMeta();
  const level = rankingLevelFor(session.region);
  const referenceLabel = referenceLabelFor(session.region);

  // (1) Each view's trend: cards, measure breakdowns, trend charts.
  const trendQueries = useMemo(
    () => config.views.map((v) => buildViewTrendQuery(v.view, v.measures, granularity, today)),
    [config.views, granularity, today],
  );
  const trends = useQueries(trendQueries);
  const indexes = useIndexedTrends(config.views, trends.results, granularity);
  const lookup = useMemo(() => (indexes ? lookupIn(indexes) : null), [indexes]);

  // (2) Breakdowns of the selected period by a dimension.
  const dimensionBreakdowns = config.dimensionBreakdowns ?? [];
  const breakdownQueries = useMemo(
    () => dimensionBreakdowns.map((b) => buildPeriodQuery(b.view, uniq([b.member, ...b.extras]), selected, [b.dimension])),
    [dimensionBreakdowns, selected],
  );
  const breakdowns = useQueries(breakdownQueries);

  // (3) Sub-regions of each view with rankings, for the selected period.
  const rankingQueries = useMemo(
    () =>
      config.views.map((v) =>
        v.rankings.length > 0 && level ? buildViewRankingQuery(v.view, uniq(v.rankings.map((r) => r.member)), selected, level) : null,
      ),
    [config.views, selected, level],
  );
  const rankings = useQueries(rankingQueries);

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

  if (meta.error) return <ErrorState title="无法读取指标定义" message={describeError(meta.error)} onRetry={meta.refetch} />;
  const trendError = firstError(trends.results);
  if (trendError) return <ErrorState title="数据查询失败" message={describeError(trendError)} onRetry={trends.refetch} />;
  if (!cards || !trendInputs || !measureBars || !metaIndex) {
    return (
      <>
        <div className={gridClass(config.cards.length)}>
          {config.cards.map((c) => (
            <SkeletonCard key={c.key} />
          ))}
        </div>
        <Loading text="加载中…" height={240} />
      </>
    );
  }

  const breakdownPanels: ReactNode[] = [
    ...measureBars.map((input, i) => (
      <Panel key={`m-${config.measureBreakdowns?.[i]?.key ?? i}`} title={input.title} subtitle={input.unit ? `单位：${input.unit}` : undefined} testId={`${config.testId}-breakdown-panel`}>
        {input.bars.every((b) => b.value == null) ? <div className="panel__empty">本统计期无数据</div> : <BarChart input={input} />}
      </Panel>
    )),
    ...dimensionBreakdowns.map((spec, i) => {
      const result = breakdowns.results[i];
      const input = dimensionBars?.[i] ?? null;
      const viewTitle = memberMeta(metaIndex, spec.member).title;
      const title = input?.title ?? `按${memberMeta(metaIndex, spec.dimension).title}`;
      return (
        <Panel key={`d-${spec.key}`} title={`${viewTitle}（${title}）`} subtitle={input?.unit ? `单位：${input.unit}` : undefined} info={memberMeta(metaIndex, spec.dimension).description} testId={`${config.testId}-breakdown-panel`}>
          {result?.error ? (
            <ErrorState title="查询失败" message={describeError(result.error)} onRetry={breakdowns.refetch} />
          ) : !input ? (
            <Loading height={160} />
          ) : input.bars.length === 0 ? (
            <div className="panel__empty">本统计期无数据</div>
          ) : (
            <BarChart input={input} />
          )}
        </Panel>
      );
    }),
  ];

  const rankingError = firstError(rankings.results);
  const levelLabel = level?.label ?? '';

  return (
    <>
      <div className={gridClass(cards.length)}>
        {cards.map((c) => (
          <IndicatorCard
            key={c.key}
            indicatorKey={c.key}
            meta={c.meta}
            numeratorMeta={c.parts?.numeratorMeta}
            denominatorMeta={c.parts?.denominatorMeta}
            value={c.value}
            numerator={c.parts?.numerator}
            denominator={c.parts?.denominator}
            previous={c.previous}
            lastYear={c.lastYear}
            granularity={granularity}
            color={c.color}
            related={c.related}
          />
        ))}
      </div>

      {breakdownPanels.length > 0 && (
        <>
          <h2 className="section-title">
            {config.breakdownTitle}
            <span className="section-title__note">{periodLabel(selected)}</span>
          </h2>
          <div className={chartGridClass(breakdownPanels.length)}>{breakdownPanels}</div>
        </>
      )}

      <h2 className="section-title">
        指标趋势<span className="section-title__note">{TREND_SPAN_TEXT[granularity]}，虚线为所选统计期</span>
      </h2>
      <div className={chartGridClass(trendInputs.length)}>
        {trendInputs.map((input, i) => (
          <Panel key={config.trends[i] ?? i} title={input.title} subtitle={input.unit ? `单位：${input.unit}` : undefined} testId={`${config.testId}-trend-panel`}>
            <TrendChart input={input} />
          </Panel>
        ))}
      </div>

      {level && rankingSpecs.length > 0 && (
        <>
          <h2 className="section-title">
            {levelLabel}排名
            <span className="section-title__note">
              {periodLabel(selected)}；比率指标由优到劣，虚线为{referenceLabel}水平，浅色为低于{referenceLabel}；人数、金额由多到少
            </span>
          </h2>
          {rankingError ? (
            <ErrorState title={`${levelLabel}排名查询失败`} message={describeError(rankingError)} onRetry={rankings.refetch} />
          ) : !rankingInputs ? (
            <Loading height={320} />
          ) : rankingInputs.every((r) => r.regions.length === 0) ? (
            <div className="state state--empty">本统计期暂无{levelLabel}数据</div>
          ) : (
            <div className={chartGridClass(rankingInputs.length)}>
              {rankingInputs.map((input, i) => (
                <Panel key={rankingSpecs[i]?.member ?? i} title={input.title} subtitle={input.unit ? `单位：${input.unit}` : undefined} testId={`${config.testId}-ranking-panel`}>
                  <RankingChart input={input} />
                </Panel>
              ))}
            </div>
          )}
        </>
      )}
    </>
  );
}

/** Three cards a row for 3 or 6 cards, else four. */
function gridClass(count: number): string {
  return count % 3 === 0 && count % 4 !== 0 ? 'card-grid card-grid--3' : 'card-grid';
}

/** Three charts a row for an odd multiple of three (3, 9), else two. */
function chartGridClass(count: number): string {
  return count % 3 === 0 && count % 2 !== 0 ? 'chart-grid chart-grid--3' : 'chart-grid';
}

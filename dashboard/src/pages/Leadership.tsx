// 领导驾驶舱: headline indicators for a period, their trends, and sub-regions ranked.

import { useMemo, useState } from 'react';
import type { Query } from '@cubejs-client/core';
import { useCubeMeta, useCubeQuery } from '@cubejs-client/react';
import type { Session } from '../api/token';
import { describeError } from '../api/errors';
import { Header } from '../components/Header';
import { IndicatorCard } from '../components/IndicatorCard';
import { Panel } from '../components/Panel';
import { PeriodPicker } from '../components/PeriodPicker';
import { RankingChart } from '../components/RankingChart';
import { EmptyState, ErrorState, Loading, SkeletonCard } from '../components/States';
import { TrendChart } from '../components/TrendChart';
import { HEADLINE_INDICATORS, QUERY_MEASURES, indexMeta } from '../indicators';
import { buildCards, buildRankingInputs, buildTrendInputs } from '../model';
import { type Granularity, TREND_LENGTH, periodKey, periodLabel } from '../period';
import { buildRankingQuery, buildTrendQuery } from '../queries';
import { CITY_NAME_DIMENSION, isSampleData, rankingLevelFor, referenceLabelFor } from '../regions';
import { type Row, availablePeriods, firstText, indexByPeriod, regionRows } from '../results';

const NO_QUERY: Query = {};

const TREND_SPAN_TEXT: Record<Granularity, string> = {
  month: `近 ${TREND_LENGTH.month} 个月`,
  quarter: `近 ${TREND_LENGTH.quarter} 个季度`,
  year: `近 ${TREND_LENGTH.year} 年`,
};

/** Whether a hook's result belongs to `query` (and not to the one before it). */
function isFor(previousQuery: unknown, query: Query | null): boolean {
  return query != null && JSON.stringify(previousQuery) === JSON.stringify(query);
}

export function Leadership({ session }: { session: Session }) {
  const [granularity, setGranularity] = useState<Granularity>('month');
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [today] = useState(() => new Date());

  // /meta: titles, descriptions, units and directions of the members.
  const meta = useCubeMeta();
  const metaIndex = useMemo(() => (meta.response ? indexMeta(meta.response.cubes) : null), [meta.response]);

  // (1) City trend for the granularity: periods with data, trends, cards.
  const trendQuery = useMemo(() => buildTrendQuery(granularity, today), [granularity, today]);
  const trend = useCubeQuery(trendQuery);
  const trendCurrent = isFor(trend.previousQuery, trendQuery);
  const trendRows = trendCurrent && trend.resultSet ? (trend.resultSet.rawData() as Row[]) : null;
  const byPeriod = useMemo(
    () => (trendRows ? indexByPeriod(trendRows, granularity, QUERY_MEASURES) : null),
    [trendRows, granularity],
  );
  const periods = useMemo(() => (byPeriod ? availablePeriods(byPeriod) : []), [byPeriod]);
  const selected = useMemo(() => periods.find((p) => periodKey(p) === selectedKey) ?? periods[0] ?? null, [periods, selectedKey]);

  // (2) Sub-regions ranked for the selected period.
  const level = rankingLevelFor(session.region);
  const rankingQuery = useMemo(() => (selected && level ? buildRankingQuery(selected, level) : null), [selected, level]);
  const ranking = useCubeQuery(rankingQuery ?? NO_QUERY, { skip: rankingQuery == null });
  const rankingCurrent = isFor(ranking.previousQuery, rankingQuery);
  const rankingRows = rankingCurrent && ranking.resultSet ? (ranking.resultSet.rawData() as Row[]) : null;
  const regions = useMemo(
    () => (rankingRows && level ? regionRows(rankingRows, level.codeDimension, level.nameDimension, QUERY_MEASURES) : null),
    [rankingRows, level],
  );

  const cityName = rankingRows ? firstText(rankingRows, CITY_NAME_DIMENSION) : null;
  const sample = isSampleData(session.regionName, cityName);

  const cards = useMemo(
    () => (byPeriod && selected && metaIndex ? buildCards(byPeriod, selected, metaIndex) : null),
    [byPeriod, selected, metaIndex],
  );
  const trendInputs = useMemo(
    () => (byPeriod && selected && metaIndex ? buildTrendInputs(byPeriod, selected, periods.at(-1) ?? null, metaIndex) : null),
    [byPeriod, selected, periods, metaIndex],
  );
  const referenceLabel = referenceLabelFor(session.region);
  const rankingInputs = useMemo(
    () => (regions && byPeriod && selected && metaIndex ? buildRankingInputs(regions, byPeriod, selected, metaIndex, referenceLabel) : null),
    [regions, byPeriod, selected, metaIndex, referenceLabel],
  );

  const metaLoading = !meta.response && !meta.error;
  const trendError = trendCurrent ? trend.error : null;
  const trendLoading = !trendError && !trendRows;
  const rankingError = rankingCurrent ? ranking.error : null;
  const empty = !trendLoading && !trendError && periods.length === 0;

  const changeGranularity = (g: Granularity) => {
    setGranularity(g);
    setSelectedKey(null);
  };

  let body;
  if (meta.error) {
    body = <ErrorState title="无法读取指标定义" message={describeError(meta.error)} onRetry={() => void meta.refetch()} />;
  } else if (trendError) {
    body = <ErrorState title="数据查询失败" message={describeError(trendError)} onRetry={() => void trend.refetch()} />;
  } else if (empty) {
    body = <EmptyState />;
  } else if (metaLoading || trendLoading || !cards || !trendInputs || !selected) {
    body = (
      <>
        <div className="card-grid">
          {HEADLINE_INDICATORS.map((i) => (
            <SkeletonCard key={i.key} />
          ))}
        </div>
        <Loading text="加载中…" height={240} />
      </>
    );
  } else {
    const levelLabel = level?.label ?? '';
    body = (
      <>
        <div className="card-grid">
          {cards.map((c) => (
            <IndicatorCard
              key={c.indicator.key}
              indicatorKey={c.indicator.key}
              meta={c.meta}
              numeratorMeta={c.numeratorMeta}
              denominatorMeta={c.denominatorMeta}
              value={c.value}
              numerator={c.numerator}
              denominator={c.denominator}
              previous={c.previous}
              lastYear={c.lastYear}
              granularity={granularity}
              color={c.color}
              related={c.related}
            />
          ))}
        </div>

        <h2 className="section-title">
          指标趋势<span className="section-title__note">{TREND_SPAN_TEXT[granularity]}，虚线为所选统计期</span>
        </h2>
        <div className="chart-grid">
          {trendInputs.map((input, i) => (
            <Panel key={HEADLINE_INDICATORS[i]?.key ?? i} title={input.title} subtitle={input.unit ? `单位：${input.unit}` : undefined} testId="trend-panel">
              <TrendChart input={input} />
            </Panel>
          ))}
        </div>

        {level && (
          <>
            <h2 className="section-title">
              {levelLabel}排名<span className="section-title__note">{periodLabel(selected)}，由优到劣；虚线为{referenceLabel}水平，浅色为低于{referenceLabel}</span>
            </h2>
            {rankingError ? (
              <ErrorState title={`${levelLabel}排名查询失败`} message={describeError(rankingError)} onRetry={() => void ranking.refetch()} />
            ) : !rankingInputs ? (
              <Loading height={320} />
            ) : rankingInputs.every((r) => r.regions.length === 0) ? (
              <div className="state state--empty">本统计期暂无{levelLabel}数据</div>
            ) : (
              <div className="chart-grid">
                {rankingInputs.map((input, i) => (
                  <Panel key={HEADLINE_INDICATORS[i]?.key ?? i} title={input.title} subtitle={input.unit ? `单位：${input.unit}` : undefined} testId="ranking-panel">
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

  return (
    <div className="app">
      <Header regionName={session.regionName} sample={sample} periodText={selected ? periodLabel(selected) : null} />
      {sample && (
        <div className="sample-banner" role="note">
          当前显示的是<strong>示例数据</strong>（系统生成，仅供演示），不代表真实情况。
        </div>
      )}
      <main className="content">
        <div className="toolbar">
          <PeriodPicker
            granularity={granularity}
            onGranularityChange={changeGranularity}
            periods={periods}
            selected={selected}
            onPeriodChange={setSelectedKey}
            loading={trendLoading}
          />
        </div>
        {body}
      </main>
      <footer className="app-footer">指标口径以各指标 ⓘ 说明为准；环比为与上一统计期比较，同比为与上年同期比较。</footer>
    </div>
  );
}

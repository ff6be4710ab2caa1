// 领导驾驶舱: headline indicators for a period, their trends, and sub-regions ranked.

import { useMemo } from 'react';
import type { Query } from '@cubejs-client/core';
import { useCubeQuery } from '@cubejs-client/react';
import { describeError } from '../api/errors';
import { useSession } from '../auth/SessionContext';
import { IndicatorCard } from '../components/IndicatorCard';
import { PageShell } from '../components/PageShell';
import { Panel } from '../components/Panel';
import { RankingChart } from '../components/RankingChart';
import { EmptyState, ErrorState, Loading, SkeletonCard } from '../components/States';
import { TrendChart } from '../components/TrendChart';
import { HEADLINE_INDICATORS, QUERY_MEASURES } from '../indicators';
import { useSharedMeta } from '../MetaContext';
import { buildCards, buildRankingInputs, buildTrendInputs } from '../model';
import { TREND_SPAN_TEXT, periodLabel } from '../period';
import { isFor, useSharedPeriod } from '../PeriodContext';
import { buildRankingQuery } from '../queries';
import { CITY_NAME_DIMENSION, isSampleData, rankingLevelFor, referenceLabelFor } from '../regions';
import { type Row, firstText, regionRows } from '../results';

const NO_QUERY: Query = {};

export default function Leadership() {
  const session = useSession();
  // The city trend of the headline indicators is the shared period source.
  const { granularity, byPeriod, periods, selected, error: trendError, loading: trendLoading, refetch: refetchTrend } = useSharedPeriod();

  // /meta: titles, descriptions, units and directions of the members.
  const meta = useSharedMeta();
  const metaIndex = meta.index;

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

  const metaLoading = !meta.index && !meta.error;
  const rankingError = rankingCurrent ? ranking.error : null;
  const empty = !trendLoading && !trendError && periods.length === 0;

  let body;
  if (meta.error) {
    body = <ErrorState title="无法读取指标定义" message={describeError(meta.error)} onRetry={meta.refetch} />;
  } else if (trendError) {
    body = <ErrorState title="数据查询失败" message={describeError(trendError)} onRetry={refetchTrend} />;
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
    <PageShell sample={sample}>
      {body}
    </PageShell>
  );
}

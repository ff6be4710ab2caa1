// 领导驾驶舱: headline indicators for a period, their trends, and sub-regions ranked.

import { describeError } from '../../api/errors';
import { IndicatorCard } from '../../components/IndicatorCard';
import { PageShell } from '../../components/PageShell';
import { Panel } from '../../components/Panel';
import { RankingChart } from '../../components/RankingChart';
import { EmptyState, ErrorState, Loading, SkeletonCard } from '../../components/States';
import { TrendChart } from '../../components/TrendChart';
import { HEADLINE_INDICATORS } from '../../indicators';
import { TREND_SPAN_TEXT, periodLabel } from '../../period';
import { useLeadership } from './useLeadership';

export default function Leadership() {
  const { period, meta, sample, level, referenceLabel, cards, trendInputs, rankingInputs, rankingError, refetchRanking } = useLeadership();
  const { granularity, periods, selected, error: trendError, loading: trendLoading, refetch: refetchTrend } = period;
  const metaLoading = !meta.index && !meta.error;
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
              <ErrorState title={`${levelLabel}排名查询失败`} message={describeError(rankingError)} onRetry={refetchRanking} />
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

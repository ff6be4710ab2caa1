// The layout shared by 基本生活救助, 临时救助 and 监测预警: cards with 环比/同比
// for the selected period, its breakdowns, trends, and sub-regions ranked.
// Each page is a configuration of catalogue views (src/catalogue.ts); the
// data comes from useCatalogue.

import { useState } from 'react';
import type { Session } from '../../api/session';
import { useSession } from '../../auth/SessionContext';
import { describeError } from '../../api/errors';
import { IndicatorCard } from '../../components/IndicatorCard';
import { PageShell } from '../../components/PageShell';
import { Panel } from '../../components/Panel';
import { PeriodGate } from '../../components/PeriodGate';
import { ErrorState, Loading, SkeletonCard } from '../../components/States';
import { TrendChart } from '../../components/TrendChart';
import { type Period, TREND_SPAN_TEXT } from '../../period';
import { isSampleData } from '../../regions';
import { BreakdownSection, RankingSection, chartGridClass } from './CatalogueSections';
import type { CataloguePageConfig } from './config';
import { useCatalogue } from './useCatalogue';

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
  const data = useCatalogue(session, config, selected, onCityName);
  const { granularity, meta, cards, trendInputs, measureBars } = data;
  const metaIndex = meta.index;

  if (meta.error) return <ErrorState title="无法读取指标定义" message={describeError(meta.error)} onRetry={meta.refetch} />;
  if (data.trendError) return <ErrorState title="数据查询失败" message={describeError(data.trendError)} onRetry={data.refetchTrends} />;
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

      <BreakdownSection
        config={config}
        selected={selected}
        metaIndex={metaIndex}
        measureBars={measureBars}
        dimensionBreakdowns={data.dimensionBreakdowns}
        dimensionBars={data.dimensionBars}
        errors={data.breakdownErrors}
        onRetry={data.refetchBreakdowns}
      />

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

      {data.level && data.rankingSpecs.length > 0 && (
        <RankingSection
          testId={config.testId}
          selected={selected}
          levelLabel={data.level.label}
          referenceLabel={data.referenceLabel}
          specs={data.rankingSpecs}
          inputs={data.rankingInputs}
          error={data.rankingError}
          onRetry={data.refetchRankings}
        />
      )}
    </>
  );
}

/** Three cards a row for 3 or 6 cards, else four. */
function gridClass(count: number): string {
  return count % 3 === 0 && count % 4 !== 0 ? 'card-grid card-grid--3' : 'card-grid';
}

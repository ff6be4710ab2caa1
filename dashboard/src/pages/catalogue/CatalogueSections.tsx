// Two sections of a catalogue page: the breakdowns of the selected period
// (by measure and by dimension) and the sub-regions ranked.

import type { ReactNode } from 'react';
import { describeError } from '../../api/errors';
import type { DimensionBreakdownSpec, RankingSpec } from '../../catalogue';
import type { BarInput } from '../../charts/bars';
import type { RankingInput } from '../../charts/ranking';
import { BarChart } from '../../components/BarChart';
import { Panel } from '../../components/Panel';
import { RankingChart } from '../../components/RankingChart';
import { ErrorState, Loading } from '../../components/States';
import { type MetaIndex, memberMeta } from '../../indicators';
import { type Period, periodLabel } from '../../period';
import type { CataloguePageConfig } from './config';

/** Three charts a row for an odd multiple of three (3, 9), else two. */
export function chartGridClass(count: number): string {
  return count % 3 === 0 && count % 2 !== 0 ? 'chart-grid chart-grid--3' : 'chart-grid';
}

export function BreakdownSection({
  config,
  selected,
  metaIndex,
  measureBars,
  dimensionBreakdowns,
  dimensionBars,
  errors,
  onRetry,
}: {
  config: CataloguePageConfig;
  selected: Period;
  metaIndex: MetaIndex;
  measureBars: readonly BarInput[];
  dimensionBreakdowns: readonly DimensionBreakdownSpec[];
  /** Null per breakdown while it loads. */
  dimensionBars: readonly (BarInput | null)[] | null;
  errors: readonly unknown[];
  onRetry: () => void;
}) {
  const panels: ReactNode[] = [
    ...measureBars.map((input, i) => (
      <Panel key={`m-${config.measureBreakdowns?.[i]?.key ?? i}`} title={input.title} subtitle={input.unit ? `单位：${input.unit}` : undefined} testId={`${config.testId}-breakdown-panel`}>
        {input.bars.every((b) => b.value == null) ? <div className="panel__empty">本统计期无数据</div> : <BarChart input={input} />}
      </Panel>
    )),
    ...dimensionBreakdowns.map((spec, i) => {
      const error = errors[i];
      const input = dimensionBars?.[i] ?? null;
      const viewTitle = memberMeta(metaIndex, spec.member).title;
      const title = input?.title ?? `按${memberMeta(metaIndex, spec.dimension).title}`;
      return (
        <Panel key={`d-${spec.key}`} title={`${viewTitle}（${title}）`} subtitle={input?.unit ? `单位：${input.unit}` : undefined} info={memberMeta(metaIndex, spec.dimension).description} testId={`${config.testId}-breakdown-panel`}>
          {error ? (
            <ErrorState title="查询失败" message={describeError(error)} onRetry={onRetry} />
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
  if (panels.length === 0) return null;
  return (
    <>
      <h2 className="section-title">
        {config.breakdownTitle}
        <span className="section-title__note">{periodLabel(selected)}</span>
      </h2>
      <div className={chartGridClass(panels.length)}>{panels}</div>
    </>
  );
}

export function RankingSection({
  testId,
  selected,
  levelLabel,
  referenceLabel,
  specs,
  inputs,
  error,
  onRetry,
}: {
  testId: string;
  selected: Period;
  levelLabel: string;
  referenceLabel: string;
  specs: readonly RankingSpec[];
  /** Null while loading. */
  inputs: readonly RankingInput[] | null;
  error: unknown;
  onRetry: () => void;
}) {
  return (
    <>
      <h2 className="section-title">
        {levelLabel}排名
        <span className="section-title__note">
          {periodLabel(selected)}；比率指标由优到劣，虚线为{referenceLabel}水平，浅色为低于{referenceLabel}；人数、金额由多到少
        </span>
      </h2>
      {error ? (
        <ErrorState title={`${levelLabel}排名查询失败`} message={describeError(error)} onRetry={onRetry} />
      ) : !inputs ? (
        <Loading height={320} />
      ) : inputs.every((r) => r.regions.length === 0) ? (
        <div className="state state--empty">本统计期暂无{levelLabel}数据</div>
      ) : (
        <div className={chartGridClass(inputs.length)}>
          {inputs.map((input, i) => (
            <Panel key={specs[i]?.member ?? i} title={input.title} subtitle={input.unit ? `单位：${input.unit}` : undefined} testId={`${testId}-ranking-panel`}>
              <RankingChart input={input} />
            </Panel>
          ))}
        </div>
      )}
    </>
  );
}

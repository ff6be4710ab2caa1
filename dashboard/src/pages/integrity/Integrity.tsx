// 数据比对: each check's findings (count, persons, amount) for the period and
// by county, for everyone; clicking a check or a county drills to its rows,
// which only roles allowed to see persons get (the gateway refuses the others
// with 403, and the page says so instead of showing the table).

import type { Session } from '../../api/session';
import { useSession } from '../../auth/SessionContext';
import { describeError } from '../../api/errors';
import { IndicatorCard } from '../../components/IndicatorCard';
import { PageShell } from '../../components/PageShell';
import { Panel } from '../../components/Panel';
import { PeriodGate } from '../../components/PeriodGate';
import { ErrorState, Loading, SkeletonCard } from '../../components/States';
import { TrendChart } from '../../components/TrendChart';
import { memberMeta } from '../../indicators';
import { type CheckRow, INTEGRITY, type RegionCountRow, canReveal, hasSelection, isRefusal } from '../../integrity';
import { type Period, TREND_SPAN_TEXT, periodLabel } from '../../period';
import { isSampleData } from '../../regions';
import { DrillTable } from './DrillTable';
import { CheckTable, RegionBars, SelectionBar } from './SelectionViews';
import { INTEGRITY_CARDS, useIntegrity } from './useIntegrity';

export default function Integrity() {
  const session = useSession();
  return (
    <PageShell
      sample={isSampleData(session.regionName)}
      footer="数据比对问题按所属月份统计（发放所属月份、在册月份、办结月份等，见各比对项目说明）；汇总数对所有角色开放，人员明细仅限管理员、督查人员和工作人员查看。"
    >
      <PeriodGate>{(selected) => <IntegrityBody session={session} selected={selected} />}</PeriodGate>
    </PageShell>
  );
}

function IntegrityBody({ session, selected }: { session: Session; selected: Period }) {
  const data = useIntegrity(session, selected);
  const { granularity, meta, level, selection, setSelection, page, setPage, cards, trendInputs, checks, regions, total, drill } = data;
  const metaIndex = meta.index;

  if (meta.error) return <ErrorState title="无法读取指标定义" message={describeError(meta.error)} onRetry={meta.refetch} />;
  if (data.countsError) return <ErrorState title="数据查询失败" message={describeError(data.countsError)} onRetry={data.refetchCounts} />;
  if (!cards || !trendInputs || !metaIndex) {
    return (
      <>
        <div className="card-grid card-grid--3">
          {INTEGRITY_CARDS.map((c) => (
            <SkeletonCard key={c.key} />
          ))}
        </div>
        <Loading text="加载中…" height={240} />
      </>
    );
  }

  const toggleCheck = (row: CheckRow) =>
    setSelection((s) => ({ ...s, check: s.check?.code === row.code ? null : { code: row.code, title: row.title } }));
  const toggleRegion = (row: RegionCountRow) =>
    setSelection((s) => ({ ...s, region: s.region && s.region.code === row.code ? null : { code: row.code, name: row.name } }));

  return (
    <>
      <div className="card-grid card-grid--3">
        {cards.map((c) => (
          <IndicatorCard
            key={c.key}
            indicatorKey={c.key}
            meta={c.meta}
            value={c.value}
            previous={c.previous}
            lastYear={c.lastYear}
            granularity={granularity}
            color={c.color}
          />
        ))}
      </div>

      <h2 className="section-title">
        比对项目与{level?.label ?? '区划'}分布
        <span className="section-title__note">{periodLabel(selected)}；点击比对项目或{level?.label ?? '区划'}查看问题明细，再次点击取消</span>
      </h2>
      <SelectionBar selection={selection} onClear={(part) => setSelection((s) => ({ ...s, [part]: null }))} />
      <div className="chart-grid">
        <Panel title="各比对项目问题数" info={memberMeta(metaIndex, INTEGRITY.checkCode).description} testId="integrity-checks-panel">
          {!checks ? <Loading height={200} /> : <CheckTable rows={checks} selection={selection} metaIndex={metaIndex} onSelect={toggleCheck} />}
        </Panel>
        {level && (
          <Panel
            title={`各${level.label}问题数${selection.check ? `（${selection.check.title}）` : ''}`}
            subtitle="单位：条"
            testId="integrity-regions-panel"
          >
            {!regions ? (
              <Loading height={200} />
            ) : regions.length === 0 ? (
              <div className="panel__empty">本统计期无数据比对问题</div>
            ) : (
              <RegionBars rows={regions} level={level} selection={selection} metaIndex={metaIndex} onSelect={toggleRegion} />
            )}
          </Panel>
        )}
      </div>

      {hasSelection(selection) && (
        <>
          <h2 className="section-title">
            问题明细
            <span className="section-title__note">
              {[selection.check?.title, selection.region?.name, periodLabel(selected)].filter(Boolean).join(' · ')}
            </span>
          </h2>
          <section className="panel drill" data-testid="integrity-drill">
            {isRefusal(drill.error) ? (
              <div className="state state--refused" role="alert" data-testid="drill-refused">
                <strong>当前角色无权查看个人明细</strong>
                <span className="state__message">{describeError(drill.error)}</span>
                <span className="state__message">上方汇总数可正常查看；核查到人请使用督查人员、工作人员或管理员账号。</span>
              </div>
            ) : drill.error ? (
              <ErrorState title="问题明细查询失败" message={describeError(drill.error)} onRetry={drill.refetch} />
            ) : !drill.rows ? (
              <Loading height={200} />
            ) : (
              <DrillTable rows={drill.rows} page={page} total={total} metaIndex={metaIndex} onPage={setPage} reveal={canReveal(session.role)} />
            )}
          </section>
        </>
      )}

      <h2 className="section-title">
        问题趋势<span className="section-title__note">{TREND_SPAN_TEXT[granularity]}，虚线为所选统计期</span>
      </h2>
      <div className="chart-grid">
        {trendInputs.map((input, i) => (
          <Panel key={i} title={input.title} subtitle={input.unit ? `单位：${input.unit}` : undefined} testId="integrity-trend-panel">
            <TrendChart input={input} />
          </Panel>
        ))}
      </div>
    </>
  );
}

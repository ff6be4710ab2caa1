// 数据比对: each check's findings (count, persons, amount) for the period and
// by county, for everyone; clicking a check or a county drills to its rows,
// which only roles allowed to see persons get (the gateway refuses the others
// with 403, and the page says so instead of showing the table).

import { useMemo, useState } from 'react';
import { Button } from 'antd';
import type { Session } from '../api/session';
import { useApiClient, useSession } from '../auth/SessionContext';
import { describeError } from '../api/errors';
import type { BarInput } from '../charts/bars';
import { BarChart } from '../components/BarChart';
import { IndicatorCard } from '../components/IndicatorCard';
import { PageShell } from '../components/PageShell';
import { Panel } from '../components/Panel';
import { PeriodGate } from '../components/PeriodGate';
import { ErrorState, Loading, SkeletonCard } from '../components/States';
import { TrendChart } from '../components/TrendChart';
import { formatNumber, formatValue } from '../format';
import { firstError, useQueries } from '../hooks';
import { type MetaIndex, memberMeta } from '../indicators';
import {
  type CheckRow,
  DRILL_PAGE_SIZE,
  INTEGRITY,
  INTEGRITY_MEASURES,
  type IntegritySelection,
  NO_SELECTION,
  type RegionCountRow,
  buildChecksQuery,
  buildDrillQuery,
  buildIntegrityTrendQuery,
  buildRegionsQuery,
  canReveal,
  checkRows,
  drillRows,
  hasSelection,
  isRefusal,
  pageCount,
  pageRangeText,
  parseReveal,
  type RevealedPerson,
  REVEAL_URL,
  revealRequest,
  regionCountRows,
  selectionTotal,
} from '../integrity';
import { useSharedMeta } from '../MetaContext';
import { buildMetricCards, buildMetricTrends, lookupIn } from '../model';
import { type Period, TREND_SPAN_TEXT, periodKey, periodLabel } from '../period';
import { useSharedPeriod } from '../PeriodContext';
import { type RankingLevel, isSampleData, rankingLevelFor } from '../regions';
import { fillPeriods, indexByPeriod } from '../results';
import { colors, seriesColor } from '../theme';

const CARDS = [
  { key: 'integrity_findings', member: INTEGRITY.findings },
  { key: 'integrity_persons', member: INTEGRITY.persons },
  { key: 'integrity_amount', member: INTEGRITY.amount },
];

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
  const { granularity, today, periods, earliest } = useSharedPeriod();
  const meta = useSharedMeta();
  const level = rankingLevelFor(session.region);
  const [selection, setSelection] = useState<IntegritySelection>(NO_SELECTION);
  // the drill page belongs to one selection and period: another starts at the first page
  const pageKey = JSON.stringify([selection, periodKey(selected)]);
  const [paging, setPaging] = useState({ key: pageKey, page: 0 });
  const page = paging.key === pageKey ? paging.page : 0;
  const setPage = (n: number) => setPaging({ key: pageKey, page: n });

  // (1) Counts per period: cards and trend. A period without findings had none (0).
  const trendQuery = useMemo(() => buildIntegrityTrendQuery(granularity, today), [granularity, today]);
  // (2) Counts of the period by check (within the selected region) and by region (of the selected check).
  const checksQuery = useMemo(() => buildChecksQuery(selected, selection, level), [selected, selection, level]);
  const regionsQuery = useMemo(() => (level ? buildRegionsQuery(selected, selection, level) : null), [selected, selection, level]);
  const counts = useQueries([trendQuery, checksQuery, regionsQuery]);
  const regionsExpected = regionsQuery != null;
  const [trend, checksResult, regionsResult] = counts.results;

  // (3) The rows behind the selection, a page at a time (refused to roles not allowed).
  const drillQuery = useMemo(
    () => (hasSelection(selection) ? buildDrillQuery(selected, selection, level, page) : null),
    [level, selection, selected, page],
  );
  const drill = useQueries([drillQuery]);
  const drillResult = drill.results[0]!;

  const lookup = useMemo(() => {
    if (!trend?.rows) return null;
    const index = fillPeriods(indexByPeriod(trend.rows, granularity, INTEGRITY_MEASURES, INTEGRITY.month), periods, INTEGRITY_MEASURES, 0);
    return lookupIn(new Map([['integrity', index]]));
  }, [trend?.rows, granularity, periods]);
  const metaIndex = meta.index;
  const cards = useMemo(() => (lookup && metaIndex ? buildMetricCards(CARDS, lookup, selected, metaIndex) : null), [lookup, metaIndex, selected]);
  const trendInputs = useMemo(
    () => (lookup && metaIndex ? buildMetricTrends([INTEGRITY.findings, INTEGRITY.amount], lookup, selected, earliest, metaIndex) : null),
    [lookup, metaIndex, selected, earliest],
  );
  const checks = useMemo(() => (checksResult?.rows ? checkRows(checksResult.rows) : null), [checksResult?.rows]);
  const regions = useMemo(() => (regionsResult?.rows && level ? regionCountRows(regionsResult.rows, level) : null), [regionsResult?.rows, level]);

  if (meta.error) return <ErrorState title="无法读取指标定义" message={describeError(meta.error)} onRetry={meta.refetch} />;
  const countsError = firstError(counts.results);
  if (countsError) return <ErrorState title="数据查询失败" message={describeError(countsError)} onRetry={counts.refetch} />;
  if (!cards || !trendInputs || !metaIndex) {
    return (
      <>
        <div className="card-grid card-grid--3">
          {CARDS.map((c) => (
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
  const total = checks && (regions || !regionsExpected) ? selectionTotal(checks, regions ?? [], selection) : null;

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
            {isRefusal(drillResult.error) ? (
              <div className="state state--refused" role="alert" data-testid="drill-refused">
                <strong>当前角色无权查看个人明细</strong>
                <span className="state__message">{describeError(drillResult.error)}</span>
                <span className="state__message">上方汇总数可正常查看；核查到人请使用督查人员、工作人员或管理员账号。</span>
              </div>
            ) : drillResult.error ? (
              <ErrorState title="问题明细查询失败" message={describeError(drillResult.error)} onRetry={drill.refetch} />
            ) : !drillResult.rows ? (
              <Loading height={200} />
            ) : (
              <DrillTable rows={drillResult.rows} page={page} total={total} metaIndex={metaIndex} onPage={setPage} reveal={canReveal(session.role)} />
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

function SelectionBar({ selection, onClear }: { selection: IntegritySelection; onClear: (part: 'check' | 'region') => void }) {
  if (!hasSelection(selection)) return null;
  return (
    <div className="chips" data-testid="integrity-selection">
      <span className="chips__label">已选：</span>
      {selection.check && (
        <button type="button" className="chip chip--selected" onClick={() => onClear('check')} aria-label={`取消比对项目 ${selection.check.title}`}>
          {selection.check.title} <span aria-hidden="true">×</span>
        </button>
      )}
      {selection.region && (
        <button type="button" className="chip chip--selected" onClick={() => onClear('region')} aria-label={`取消 ${selection.region.name}`}>
          {selection.region.name} <span aria-hidden="true">×</span>
        </button>
      )}
    </div>
  );
}

function CheckTable({
  rows,
  selection,
  metaIndex,
  onSelect,
}: {
  rows: readonly CheckRow[];
  selection: IntegritySelection;
  metaIndex: MetaIndex;
  onSelect: (row: CheckRow) => void;
}) {
  if (rows.length === 0) return <div className="panel__empty">本统计期无数据比对问题</div>;
  const title = (member: string) => memberMeta(metaIndex, member).title;
  const unit = (member: string) => memberMeta(metaIndex, member).unit;
  return (
    <table className="data-table data-table--clickable">
      <thead>
        <tr>
          <th>{title(INTEGRITY.checkTitle)}</th>
          <th className="num">{title(INTEGRITY.findings)}</th>
          <th className="num">{title(INTEGRITY.persons)}</th>
          <th className="num">{title(INTEGRITY.amount)}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const active = selection.check?.code === r.code;
          return (
            <tr key={r.code} className={active ? 'is-selected' : undefined} data-testid={`check-row-${r.code}`}>
              <td>
                <button type="button" className="link-button" aria-pressed={active} onClick={() => onSelect(r)}>
                  {r.title}
                </button>
              </td>
              <td className="num" data-testid="check-findings">
                {formatValue(r.findings, unit(INTEGRITY.findings))}
              </td>
              <td className="num">{formatValue(r.persons, unit(INTEGRITY.persons))}</td>
              <td className="num" title={r.amount == null ? '该比对项目不涉及金额' : undefined}>
                {r.amount == null ? '—' : formatValue(r.amount, unit(INTEGRITY.amount))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function RegionBars({
  rows,
  level,
  selection,
  metaIndex,
  onSelect,
}: {
  rows: readonly RegionCountRow[];
  level: RankingLevel;
  selection: IntegritySelection;
  metaIndex: MetaIndex;
  onSelect: (row: RegionCountRow) => void;
}) {
  const input = useMemo<BarInput>(() => {
    const findings = memberMeta(metaIndex, INTEGRITY.findings);
    const persons = memberMeta(metaIndex, INTEGRITY.persons);
    const amount = memberMeta(metaIndex, INTEGRITY.amount);
    return {
      title: `各${level.label}问题数`,
      unit: findings.unit,
      valueTitle: findings.title,
      color: seriesColor(0),
      showShare: true,
      sort: 'value',
      highlight: selection.region?.name ?? null,
      bars: rows.map((r) => ({
        name: r.name,
        value: r.findings,
        color: r.code == null ? colors.neutral : undefined,
        extras: [
          { label: persons.title, value: r.persons, unit: persons.unit },
          { label: amount.title, value: r.amount, unit: amount.unit },
        ],
      })),
    };
  }, [rows, level, selection.region, metaIndex]);
  return (
    <>
      <BarChart input={input} onSelect={(bar) => {
        const row = rows.find((r) => r.name === bar.name);
        if (row) onSelect(row);
      }} />
      {/* the same choice without a pointer: one button per region */}
      <div className="chips chips--compact" aria-label={`按${level.label}查看问题明细`}>
        {[...rows]
          .sort((a, b) => (b.findings ?? 0) - (a.findings ?? 0))
          .map((r) => (
            <button
              key={r.code ?? 'unknown'}
              type="button"
              className={selection.region?.code === r.code && selection.region ? 'chip chip--active' : 'chip'}
              aria-pressed={selection.region != null && selection.region.code === r.code}
              data-testid={`region-button-${r.code ?? 'unknown'}`}
              onClick={() => onSelect(r)}
            >
              {r.name} {formatValue(r.findings, '')}
            </button>
          ))}
      </div>
    </>
  );
}

function DrillTable({
  rows,
  page,
  total,
  metaIndex,
  onPage,
  reveal,
}: {
  rows: readonly Record<string, unknown>[];
  page: number;
  total: number | null;
  metaIndex: MetaIndex;
  onPage: (page: number) => void;
  /** Offer 查看 (the row's unmasked values) to this role. */
  reveal: boolean;
}) {
  const parsed = drillRows(rows);
  const revealed = useRevealed();
  const title = (member: string) => memberMeta(metaIndex, member).title;
  const pages = pageCount(total);
  const hasNext = total != null ? page + 1 < pages : rows.length === DRILL_PAGE_SIZE;
  return (
    <>
      {parsed.length === 0 ? (
        <div className="panel__empty">没有符合条件的问题</div>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="drill-table">
            <thead>
              <tr>
                <th>{title(INTEGRITY.month)}</th>
                <th>{title(INTEGRITY.checkTitle)}</th>
                <th>{title(INTEGRITY.personName)}</th>
                <th>{title(INTEGRITY.idNumber)}</th>
                <th>{title(INTEGRITY.countyName)}</th>
                <th>{title(INTEGRITY.townshipName)}</th>
                <th>{title(INTEGRITY.evidence)}</th>
                <th className="num">{title(INTEGRITY.amount)}</th>
                {reveal && <th className="nowrap">完整信息</th>}
              </tr>
            </thead>
            <tbody>
              {parsed.map((r) => {
                const state = revealed.states.get(r.findingId);
                const shown = state?.status === 'shown' ? state.person : null;
                return (
                  <tr key={r.findingId} data-testid="drill-row" className={shown ? 'is-revealed' : undefined}>
                    <td className="nowrap">{r.month}</td>
                    <td className="nowrap">{r.checkTitle}</td>
                    <td className="nowrap" data-testid="drill-person-name">{shown?.personName ?? r.personName}</td>
                    <td className="mono" data-testid="drill-id-number">{shown?.idNumber ?? r.idNumber}</td>
                    <td className="nowrap">{r.county}</td>
                    <td className="nowrap">{r.township}</td>
                    <td className="evidence">{shown ? shown.evidence : r.evidence}</td>
                    <td className="num">{r.amount == null ? '—' : `${formatNumber(r.amount, 2)} ${memberMeta(metaIndex, INTEGRITY.amount).unit}`}</td>
                    {reveal && (
                      <td className="nowrap">
                        {shown ? (
                          <Button size="small" type="link" onClick={() => revealed.hide(r.findingId)} data-testid="drill-hide">
                            隐藏
                          </Button>
                        ) : (
                          <Button size="small" type="link" loading={state?.status === 'loading'} onClick={() => revealed.show(r.findingId)} data-testid="drill-reveal">
                            查看
                          </Button>
                        )}
                        {state?.status === 'failed' && (
                          <span className="reveal-error" role="alert" data-testid="drill-reveal-error">
                            {state.message}
                          </span>
                        )}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <div className="pager">
        <span data-testid="drill-range">{pageRangeText(page, parsed.length, total)}</span>
        <button type="button" className="button" disabled={page === 0} onClick={() => onPage(page - 1)} data-testid="drill-prev">
          上一页
        </button>
        <span className="pager__page">
          第 {page + 1} / {pages} 页
        </span>
        <button type="button" className="button" disabled={!hasNext} onClick={() => onPage(page + 1)} data-testid="drill-next">
          下一页
        </button>
      </div>
    </>
  );
}

type RevealState = { status: 'loading' } | { status: 'shown'; person: RevealedPerson } | { status: 'failed'; message: string };

/**
 * The rows whose full values were asked for, in this page's memory only: a
 * reload shows them masked again, and each 查看 is a request the server audits.
 */
function useRevealed() {
  const api = useApiClient();
  const [states, setStates] = useState<ReadonlyMap<string, RevealState>>(new Map());
  const set = (id: string, state: RevealState | null) =>
    setStates((m) => {
      const next = new Map(m);
      if (state) next.set(id, state);
      else next.delete(id);
      return next;
    });
  const show = (id: string) => {
    set(id, { status: 'loading' });
    api.post(REVEAL_URL, revealRequest(id)).then(
      (body) => {
        const person = parseReveal(body);
        set(id, typeof person === 'string' ? { status: 'failed', message: person } : { status: 'shown', person });
      },
      (error: unknown) => set(id, { status: 'failed', message: describeError(error) }),
    );
  };
  return { states, show, hide: (id: string) => set(id, null) };
}

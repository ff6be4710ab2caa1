// 数据比对's data for the selected period: counts per period (cards, trend),
// by check and by sub-region for the selection, and the rows behind the
// selection a page at a time (refused by the gateway to roles not allowed).

import { useMemo, useState } from 'react';
import type { Session } from '../../api/session';
import { firstError, useCubeQueries, useCubeRows } from '../../data/useCube';
import {
  INTEGRITY,
  INTEGRITY_MEASURES,
  type IntegritySelection,
  NO_SELECTION,
  buildChecksQuery,
  buildDrillQuery,
  buildIntegrityTrendQuery,
  buildRegionsQuery,
  checkRows,
  hasSelection,
  regionCountRows,
  selectionTotal,
} from '../../integrity';
import { useSharedMeta } from '../../MetaContext';
import { buildMetricCards, buildMetricTrends, lookupIn } from '../../model';
import { type Period, periodKey } from '../../period';
import { useSharedPeriod } from '../../PeriodContext';
import { rankingLevelFor } from '../../regions';
import { fillPeriods, indexByPeriod } from '../../results';

export const INTEGRITY_CARDS = [
  { key: 'integrity_findings', member: INTEGRITY.findings },
  { key: 'integrity_persons', member: INTEGRITY.persons },
  { key: 'integrity_amount', member: INTEGRITY.amount },
];

export function useIntegrity(session: Session, selected: Period) {
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
  const counts = useCubeQueries([trendQuery, checksQuery, regionsQuery]);
  const [trend, checksResult, regionsResult] = counts.results;

  // (3) The rows behind the selection, a page at a time.
  const drillQuery = useMemo(
    () => (hasSelection(selection) ? buildDrillQuery(selected, selection, level, page) : null),
    [level, selection, selected, page],
  );
  const drill = useCubeRows(drillQuery);

  const lookup = useMemo(() => {
    if (!trend?.rows) return null;
    const index = fillPeriods(indexByPeriod(trend.rows, granularity, INTEGRITY_MEASURES, INTEGRITY.month), periods, INTEGRITY_MEASURES, 0);
    return lookupIn(new Map([['integrity', index]]));
  }, [trend?.rows, granularity, periods]);
  const metaIndex = meta.index;
  const cards = useMemo(() => (lookup && metaIndex ? buildMetricCards(INTEGRITY_CARDS, lookup, selected, metaIndex) : null), [lookup, metaIndex, selected]);
  const trendInputs = useMemo(
    () => (lookup && metaIndex ? buildMetricTrends([INTEGRITY.findings, INTEGRITY.amount], lookup, selected, earliest, metaIndex) : null),
    [lookup, metaIndex, selected, earliest],
  );
  const checks = useMemo(() => (checksResult?.rows ? checkRows(checksResult.rows) : null), [checksResult?.rows]);
  const regions = useMemo(() => (regionsResult?.rows && level ? regionCountRows(regionsResult.rows, level) : null), [regionsResult?.rows, level]);
  const total = checks && (regions || regionsQuery == null) ? selectionTotal(checks, regions ?? [], selection) : null;

  return {
    granularity,
    meta,
    level,
    selection,
    setSelection,
    page,
    setPage,
    countsError: firstError(counts.results),
    refetchCounts: counts.refetch,
    cards,
    trendInputs,
    checks,
    regions,
    total,
    drill,
  };
}

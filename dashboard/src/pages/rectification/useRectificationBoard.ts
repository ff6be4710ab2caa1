// 整改看板's data: the sub-regions for this month, quarter or year, and the
// monthly trend, from the Cube view `rectification`.

import { useMemo, useState } from 'react';
import { useSession } from '../../auth/SessionContext';
import { useCubeRows } from '../../data/useCube';
import { type BoardPeriod, boardLevel, boardRows, byRegionQuery, periodRange, trendOption, trendQuery } from './rectification-api';

/** Today in China, as the server counts overdue. */
const chinaToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

export function useRectificationBoard() {
  const session = useSession();
  const [period, setPeriod] = useState<BoardPeriod>('month');
  const today = useMemo(chinaToday, []);
  const range = useMemo(() => periodRange(period, today), [period, today]);
  const regionQuery = useMemo(() => byRegionQuery(session.region, range), [session.region, range]);
  const trend = useMemo(() => trendQuery(today), [today]);
  const regions = useCubeRows(regionQuery);
  const months = useCubeRows(trend);
  const rows = useMemo(() => (regions.rows ? boardRows(regions.rows as Record<string, unknown>[], session.region) : []), [regions.rows, session.region]);
  const option = useMemo(() => (months.rows ? trendOption(months.rows as Record<string, unknown>[], today) : null), [months.rows, today]);
  return {
    period,
    setPeriod,
    range,
    level: boardLevel(session.region),
    rows,
    regionsLoading: regions.loading,
    regionsError: regions.error,
    option,
    trendError: months.error,
  };
}

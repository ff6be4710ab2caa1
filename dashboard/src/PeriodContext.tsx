// The statistical period every page shows (月/季/年 and the period), kept
// while moving between pages. The periods offered are those with data in the
// city trend of the headline indicators, which the leadership page draws.

import { type ReactNode, createContext, useContext, useMemo, useState } from 'react';
import { useCubeRows } from './data/useCube';
import { QUERY_MEASURES } from './indicators';
import { type Granularity, type Period, periodKey } from './period';
import { buildTrendQuery } from './queries';
import { type PeriodRow, availablePeriods, indexByPeriod } from './results';

export interface SharedPeriod {
  granularity: Granularity;
  setGranularity: (g: Granularity) => void;
  /** Periods with data, newest first. */
  periods: Period[];
  selected: Period | null;
  selectPeriod: (key: string) => void;
  /** The oldest period with data (trend windows start there). */
  earliest: Period | null;
  today: Date;
  /** The headline indicators per period (the leadership page's trend). */
  byPeriod: Map<string, PeriodRow> | null;
  loading: boolean;
  error: unknown;
  refetch: () => void;
}

const PeriodContext = createContext<SharedPeriod | null>(null);

export function PeriodProvider({ children }: { children: ReactNode }) {
  const [granularity, setGranularityState] = useState<Granularity>('month');
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [today] = useState(() => new Date());

  const trendQuery = useMemo(() => buildTrendQuery(granularity, today), [granularity, today]);
  const { rows, error, refetch } = useCubeRows(trendQuery);
  const byPeriod = useMemo(() => (rows ? indexByPeriod(rows, granularity, QUERY_MEASURES) : null), [rows, granularity]);
  const periods = useMemo(() => (byPeriod ? availablePeriods(byPeriod) : []), [byPeriod]);
  const selected = useMemo(() => periods.find((p) => periodKey(p) === selectedKey) ?? periods[0] ?? null, [periods, selectedKey]);

  const value = useMemo<SharedPeriod>(
    () => ({
      granularity,
      setGranularity: (g) => {
        setGranularityState(g);
        setSelectedKey(null);
      },
      periods,
      selected,
      selectPeriod: setSelectedKey,
      earliest: periods.at(-1) ?? null,
      today,
      byPeriod,
      loading: !error && !rows,
      error,
      refetch,
    }),
    [granularity, periods, selected, today, byPeriod, error, rows, refetch],
  );
  return <PeriodContext.Provider value={value}>{children}</PeriodContext.Provider>;
}

export function useSharedPeriod(): SharedPeriod {
  const value = useContext(PeriodContext);
  if (!value) throw new Error('useSharedPeriod 须在 PeriodProvider 内使用');
  return value;
}

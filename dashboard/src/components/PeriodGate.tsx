import type { ReactNode } from 'react';
import { describeError } from '../api/errors';
import type { Period } from '../period';
import { useSharedPeriod } from '../PeriodContext';
import { EmptyState, ErrorState, Loading } from './States';

/** Renders `children` for the selected period once the periods with data are known. */
export function PeriodGate({ children }: { children: (selected: Period) => ReactNode }) {
  const period = useSharedPeriod();
  if (period.error) return <ErrorState title="无法读取统计期" message={describeError(period.error)} onRetry={period.refetch} />;
  if (period.loading) return <Loading text="加载中…" height={240} />;
  if (!period.selected) return <EmptyState />;
  return <>{children(period.selected)}</>;
}

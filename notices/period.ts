// A notice's period as written on the command line and in the API: a month
// `2024-06` or a quarter `2024-Q2`. The arithmetic is the dashboard's
// (dashboard/src/period.ts), so 环比 and 同比 mean the same in both.
import { type Period, periodEnd, periodLabel, periodStart, previousPeriod, samePeriodLastYear, shiftPeriod } from '../dashboard/src/period.ts';

export type NoticeKind = 'monthly' | 'quarterly';
export const KIND_TITLES: Record<NoticeKind, string> = { monthly: '月度通报', quarterly: '季度通报' };

export class PeriodError extends Error {}

export function parseNoticePeriod(text: string): Period {
  const month = /^(\d{4})-(\d{2})$/.exec(text.trim());
  if (month) {
    const index = Number(month[2]);
    if (index < 1 || index > 12) throw new PeriodError(`统计期"${text}"的月份应为 01–12`);
    return { granularity: 'month', year: Number(month[1]), index };
  }
  const quarter = /^(\d{4})-?Q([1-4])$/i.exec(text.trim());
  if (quarter) return { granularity: 'quarter', year: Number(quarter[1]), index: Number(quarter[2]) };
  throw new PeriodError(`统计期"${text}"格式不对：月度写 2024-06，季度写 2024-Q2`);
}

export function periodCode(p: Period): string {
  return p.granularity === 'quarter' ? `${p.year}-Q${p.index}` : `${p.year}-${String(p.index).padStart(2, '0')}`;
}

/** The kind a period calls for, unless given: a quarter is a quarterly notification. */
export function kindOf(p: Period, kind?: NoticeKind): NoticeKind {
  const wanted = kind ?? (p.granularity === 'quarter' ? 'quarterly' : 'monthly');
  if ((wanted === 'quarterly') !== (p.granularity === 'quarter')) {
    throw new PeriodError(wanted === 'quarterly' ? `季度通报的统计期应为季度，如 ${p.year}-Q2` : `月度通报的统计期应为月份，如 ${p.year}-06`);
  }
  return wanted;
}

export function dateRange(p: Period): [string, string] {
  return [periodStart(p), periodEnd(p)];
}

export { type Period, periodLabel, previousPeriod, samePeriodLastYear, shiftPeriod };

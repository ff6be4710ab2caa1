// Numbers as Chinese notices write them: `21.81%`, `1,283 元`, `46.00 万元`,
// counts as integers. Built on the dashboard's formats (dashboard/src/format.ts)
// so a figure reads the same on the page and in the notice.
import { changeDirection, computeChange, formatNumber, isRateUnit } from '../dashboard/src/format.ts';

export const NO_DATA = '无数据';

/** Units of averages that keep decimals (days, working days). */
const DECIMAL_UNITS: Record<string, number> = { 天: 1, 工作日: 1 };

export interface DisplayUnit {
  /** The member's own unit. */
  unit: string;
  /** 万元 where the template says. */
  display?: string;
  digits?: number;
}

export function displayUnitOf(u: DisplayUnit): string {
  return u.display ?? u.unit;
}

export function formatFigure(value: number | null | undefined, u: DisplayUnit): string {
  if (value == null || !Number.isFinite(value)) return NO_DATA;
  if (isRateUnit(u.unit)) return `${formatNumber(value, u.digits ?? 2)}%`;
  if (u.display === '万元') return `${formatNumber(value / 10_000, u.digits ?? 2)} 万元`;
  const digits = u.digits ?? DECIMAL_UNITS[u.unit] ?? 0;
  return `${formatNumber(value, digits)} ${u.unit}`.trim();
}

export interface ChangeText {
  kind: 'pp' | 'pct';
  delta: number | null;
  text: string;
}

/** `上升 0.35 个百分点`, `增长 2.1%`, `下降 3.0%`, `持平`; `无可比数据` without a comparison. */
export function describeChange(current: number | null, previous: number | null, unit: string): ChangeText {
  const change = computeChange(current, previous, unit);
  const direction = changeDirection(change);
  if (direction == null || change.delta == null) return { ...change, text: '无可比数据' };
  if (direction === 'flat') return { ...change, text: '持平' };
  const magnitude = change.kind === 'pp' ? `${formatNumber(Math.abs(change.delta), 2)} 个百分点` : `${formatNumber(Math.abs(change.delta), 1)}%`;
  const verb = direction === 'up' ? (change.kind === 'pp' ? '上升' : '增长') : '下降';
  return { ...change, text: `${verb} ${magnitude}` };
}

/** Working-day-free date for deadlines and the issue date: `2024年7月15日`. */
export function chineseDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

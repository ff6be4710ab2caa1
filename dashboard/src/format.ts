// Number and change formats used on cards, chart labels and tooltips.

export const NO_DATA = '无数据';

/** Units whose values are rates already expressed in percent (21.81 means 21.81 %). */
export function isRateUnit(unit: string): boolean {
  return unit === '%';
}

const groupedFormatters = new Map<number, Intl.NumberFormat>();

function groupedFormatter(digits: number): Intl.NumberFormat {
  let f = groupedFormatters.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      useGrouping: true,
    });
    groupedFormatters.set(digits, f);
  }
  return f;
}

/** `1283.4` → `1,283`; `-0.4` → `0` (never prints a negative zero). */
export function formatNumber(value: number, digits = 0): string {
  const text = groupedFormatter(digits).format(value);
  return /^-[0.,]+$/.test(text) ? text.slice(1) : text;
}

/** Digits shown for a value in a given unit. */
export function valueDigits(unit: string): number {
  return isRateUnit(unit) ? 2 : 0;
}

/** `21.81%`, `1,283 元`, `34,856 人`; null → 无数据. */
export function formatValue(value: number | null | undefined, unit: string): string {
  if (value == null || !Number.isFinite(value)) return NO_DATA;
  if (isRateUnit(unit)) return `${formatNumber(value, 2)}%`;
  const number = formatNumber(value, valueDigits(unit));
  return unit ? `${number} ${unit}` : number;
}

/** Value and unit apart, for the big number on a card. */
export function splitValue(value: number | null | undefined, unit: string): { number: string; unit: string } {
  if (value == null || !Number.isFinite(value)) return { number: NO_DATA, unit: '' };
  return { number: formatNumber(value, valueDigits(unit)), unit: isRateUnit(unit) ? '%' : unit };
}

/** Digits needed to show `value` exactly, up to `max` (4.05 → 2, 4.1 → 1, 4 → 0). */
function neededDigits(value: number, max: number): number {
  for (let d = 0; d < max; d++) {
    if (Math.abs(Number(value.toFixed(d)) - value) < 1e-9) return d;
  }
  return max;
}

/** Compact axis labels: `21.8%`, `4.05%`, `1,283`, `160万`. */
export function formatAxisValue(value: number, unit: string): string {
  if (isRateUnit(unit)) return `${formatNumber(value, neededDigits(value, 2))}%`;
  if (Math.abs(value) >= 100_000) return `${formatNumber(value / 10_000, neededDigits(value / 10_000, 1))}万`;
  return formatNumber(value, neededDigits(value, 1));
}

/**
 * How a value moved against a comparison period. Rates move in percentage
 * points (`pp`), amounts and counts in percent of the earlier value (`pct`).
 */
export interface Change {
  kind: 'pp' | 'pct';
  /** Null when either value is missing, or a relative change has nothing to divide by. */
  delta: number | null;
}

export type Direction = 'up' | 'down' | 'flat';
export type Tone = 'good' | 'bad' | 'neutral';

export function computeChange(current: number | null | undefined, previous: number | null | undefined, unit: string): Change {
  const kind: Change['kind'] = isRateUnit(unit) ? 'pp' : 'pct';
  if (current == null || previous == null || !Number.isFinite(current) || !Number.isFinite(previous)) {
    return { kind, delta: null };
  }
  if (kind === 'pp') return { kind, delta: current - previous };
  if (previous === 0) return { kind, delta: null };
  return { kind, delta: ((current - previous) / Math.abs(previous)) * 100 };
}

function changeDigits(kind: Change['kind']): number {
  return kind === 'pp' ? 2 : 1;
}

/** Direction as displayed: a change that rounds to zero is flat. */
export function changeDirection(change: Change): Direction | null {
  if (change.delta == null) return null;
  const rounded = Number(change.delta.toFixed(changeDigits(change.kind)));
  if (rounded > 0) return 'up';
  if (rounded < 0) return 'down';
  return 'flat';
}

/** `+0.35 个百分点`, `-2.1%`, `0.00 个百分点`; null → 无数据. */
export function formatChange(change: Change): string {
  const direction = changeDirection(change);
  if (direction == null || change.delta == null) return NO_DATA;
  const digits = changeDigits(change.kind);
  const sign = direction === 'up' ? '+' : direction === 'down' ? '-' : '';
  const magnitude = formatNumber(Math.abs(change.delta), digits);
  return change.kind === 'pp' ? `${sign}${magnitude} 个百分点` : `${sign}${magnitude}%`;
}

/** Whether a move is good news; `higherIsBetter` defaults to true. */
export function changeTone(direction: Direction | null, higherIsBetter = true): Tone {
  if (direction == null || direction === 'flat') return 'neutral';
  return (direction === 'up') === higherIsBetter ? 'good' : 'bad';
}

export function directionArrow(direction: Direction | null): string {
  if (direction === 'up') return '▲';
  if (direction === 'down') return '▼';
  if (direction === 'flat') return '—';
  return '';
}

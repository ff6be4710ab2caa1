// Calendar arithmetic on integer day numbers (days since 1970-01-01), independent of the clock.

/** Day number of a civil date (proleptic Gregorian). */
export function dayFromYmd(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Civil date [year, month, day] of a day number. */
export function ymdFromDay(dayNumber: number): [number, number, number] {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return [y, m, d];
}

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));

export type DateStyle = 'iso' | 'slash' | 'compact';

const formatCache: Record<DateStyle, Map<number, string>> = { iso: new Map(), slash: new Map(), compact: new Map() };

/** Formats a day number: iso `2024-06-30`, slash `2024/6/30`, compact `20240630` (memoised). */
export function formatDay(dayNumber: number, style: DateStyle = 'iso'): string {
  const cache = formatCache[style];
  let text = cache.get(dayNumber);
  if (text === undefined) {
    text = formatDayUncached(dayNumber, style);
    if (cache.size < 200_000) cache.set(dayNumber, text);
  }
  return text;
}

function formatDayUncached(dayNumber: number, style: DateStyle): string {
  const [y, m, d] = ymdFromDay(dayNumber);
  if (style === 'slash') return `${y}/${m}/${d}`;
  if (style === 'compact') return `${y}${pad2(m)}${pad2(d)}`;
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

export function daysInMonth(year: number, month: number): number {
  return dayFromYmd(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - dayFromYmd(year, month, 1);
}

export interface MonthInfo {
  /** 0 = the first generated month; may be negative or past the end for planning. */
  index: number;
  year: number;
  month: number;
  /** `2024-06` */
  key: string;
  /** `202406` */
  compact: string;
  first: number;
  last: number;
  days: number;
}

/** The generated months: `count` months ending with `endMonth`. */
export class Timeline {
  readonly count: number;
  readonly months: MonthInfo[];
  private readonly startYear: number;
  private readonly startMonth: number;

  constructor(endMonth: string, count: number) {
    const match = /^(\d{4})-(\d{2})$/.exec(endMonth);
    if (!match) throw new Error(`endMonth must look like 2024-06, got "${endMonth}"`);
    const endYear = Number(match[1]);
    const endMon = Number(match[2]);
    if (endMon < 1 || endMon > 12) throw new Error(`endMonth has an invalid month: "${endMonth}"`);
    const startAbs = endYear * 12 + (endMon - 1) - (count - 1);
    this.startYear = Math.floor(startAbs / 12);
    this.startMonth = (startAbs % 12) + 1;
    this.count = count;
    this.months = [];
    for (let i = 0; i < count; i++) this.months.push(this.at(i));
  }

  at(index: number): MonthInfo {
    const abs = this.startYear * 12 + (this.startMonth - 1) + index;
    const year = Math.floor(abs / 12);
    const month = (abs % 12) + 1;
    const first = dayFromYmd(year, month, 1);
    const days = daysInMonth(year, month);
    return { index, year, month, key: `${year}-${pad2(month)}`, compact: `${year}${pad2(month)}`, first, last: first + days - 1, days };
  }

  /** First day of the first generated month. */
  get startDay(): number {
    return this.at(0).first;
  }

  /** Last day of the last generated month. */
  get endDay(): number {
    return this.at(this.count - 1).last;
  }

  /** Month index (relative to the first generated month) of a day number. */
  monthOfDay(dayNumber: number): number {
    const [y, m] = ymdFromDay(dayNumber);
    return (y * 12 + (m - 1)) - (this.startYear * 12 + (this.startMonth - 1));
  }
}

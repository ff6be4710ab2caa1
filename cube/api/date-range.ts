// Cube's date ranges: the relative vocabulary of its API gateway's dateParser
// ("last 6 months", "this year", "from 2025-01-01 to 2025-03-31", …) resolved
// at a given "now" in the query's timezone, and explicit ranges normalised as
// Cube does (start of the first day, end of the last, unless milliseconds are
// given). The API gateway package is not installed here (it needs the native
// binary), so this follows its documented behaviour; test/date-range.test.ts
// pins each form.
import { QueryError } from './query.ts';

export const UNITS = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
type Unit = (typeof UNITS)[number];
const UNIT = UNITS.join('|');

/**
 * Local wall-clock time, held in a Date's UTC fields ("naive"): the data are
 * calendar dates, so arithmetic happens on the wall clock of the query's zone.
 */
type Naive = Date;

function wallClock(now: Date, timezone: string): Naive {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return new Date(Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'), now.getUTCMilliseconds()));
}

const MS: Partial<Record<Unit, number>> = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };

/** Adds n units; months clamp to the last day (January 31 + 1 month = February 28), as moment does. */
function add(d: Naive, n: number, unit: Unit): Naive {
  const ms = MS[unit];
  if (ms) return new Date(d.getTime() + n * ms);
  const months = unit === 'year' ? 12 * n : unit === 'quarter' ? 3 * n : n;
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const r = new Date(d.getTime());
  r.setUTCFullYear(y, m, Math.min(d.getUTCDate(), lastDay));
  return r;
}

function startOf(d: Naive, unit: Unit): Naive {
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  const day = d.getUTCDate();
  switch (unit) {
    case 'second': return new Date(Math.floor(d.getTime() / 1000) * 1000);
    case 'minute': return new Date(Math.floor(d.getTime() / 60_000) * 60_000);
    case 'hour': return new Date(Math.floor(d.getTime() / 3_600_000) * 3_600_000);
    case 'day': return new Date(Date.UTC(y, mo, day));
    // ISO weeks start on Monday, as Cube's "isoWeek"
    case 'week': return new Date(Date.UTC(y, mo, day - ((d.getUTCDay() + 6) % 7)));
    case 'month': return new Date(Date.UTC(y, mo, 1));
    case 'quarter': return new Date(Date.UTC(y, mo - (mo % 3), 1));
    case 'year': return new Date(Date.UTC(y, 0, 1));
  }
}

const endOf = (d: Naive, unit: Unit): Naive => new Date(add(startOf(d, unit), 1, unit).getTime() - 1);

/** Cube's format of a range bound: 2025-01-01T00:00:00.000. */
const format = (d: Naive) => d.toISOString().slice(0, 23);

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** An ISO date or date-time as wall-clock time; null if it is not one or not a real date. */
function parseIso(text: string): { date: Naive; hasMs: boolean } | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac] = m;
  const ms = frac ? Math.round(Number(`0${frac}`) * 1000) : 0;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms));
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  return { date, hasMs: frac !== undefined && !m[8] };
}

const SUPPORTED = 'today、yesterday、tomorrow、this/last/next day|week|month|quarter|year、last 6 months、next 2 quarters、from 2025-01-01 to 2025-03-31、from 6 months ago to now';

function unparseable(text: string): QueryError {
  return new QueryError(`无法解析日期范围"${text}"：支持的写法有 ${SUPPORTED}，或 ["2025-01-01", "2025-03-31"]`);
}

/** One point of a "from … to …" range, at the wall clock `now`. */
function parsePoint(text: string, now: Naive): Naive | null {
  const t = text.trim();
  if (t === 'now') return now;
  if (t === 'today') return now;
  if (t === 'yesterday') return add(now, -1, 'day');
  if (t === 'tomorrow') return add(now, 1, 'day');
  const ago = new RegExp(`^(\\d+)\\s+(${UNIT})s?\\s+ago$`).exec(t);
  if (ago) return add(now, -Number(ago[1]), ago[2] as Unit);
  const ahead = new RegExp(`^(?:(\\d+)\\s+(${UNIT})s?\\s+from\\s+now|in\\s+(\\d+)\\s+(${UNIT})s?)$`).exec(t);
  if (ahead) return add(now, Number(ahead[1] ?? ahead[3]), (ahead[2] ?? ahead[4]) as Unit);
  return parseIso(t)?.date ?? null;
}

/**
 * A relative date range in Cube's vocabulary, resolved at `now` in `timezone`:
 * [first instant, last instant] as Cube formats them.
 */
export function parseRelativeRange(text: string, timezone: string, nowInstant: Date): [string, string] {
  const s = text.trim().toLowerCase().replace(/\s+/g, ' ');
  const now = wallClock(nowInstant, timezone);
  let m = new RegExp(`^(this|last|next) (${UNIT})$`).exec(s);
  if (m) {
    const unit = m[2] as Unit;
    const at = m[1] === 'last' ? add(now, -1, unit) : m[1] === 'next' ? add(now, 1, unit) : now;
    return [format(startOf(at, unit)), format(endOf(at, unit))];
  }
  // "last 6 months": the six whole months before the current one
  m = new RegExp(`^last (\\d+) (${UNIT})s?$`).exec(s);
  if (m) {
    const unit = m[2] as Unit;
    return [format(startOf(add(now, -Number(m[1]), unit), unit)), format(endOf(add(now, -1, unit), unit))];
  }
  m = new RegExp(`^next (\\d+) (${UNIT})s?$`).exec(s);
  if (m) {
    const unit = m[2] as Unit;
    return [format(startOf(add(now, 1, unit), unit)), format(endOf(add(now, Number(m[1]), unit), unit))];
  }
  if (s === 'today' || s === 'yesterday' || s === 'tomorrow') {
    const day = parsePoint(s, now)!;
    return [format(startOf(day, 'day')), format(endOf(day, 'day'))];
  }
  m = /^from (.{1,50}) to (.{1,50})$/.exec(s);
  if (m) {
    const from = parsePoint(m[1]!, now);
    const to = parsePoint(m[2]!, now);
    if (!from || !to) throw unparseable(text);
    // whole days unless the phrase names a finer unit, as Cube does
    const exact: Unit = (['second', 'minute', 'hour'] as const).find((u) => s.includes(u)) ?? 'day';
    return checkOrder(text, [format(startOf(from, exact)), format(endOf(to, exact))]);
  }
  const day = parseIso(s);
  if (day) return [format(startOf(day.date, 'day')), format(endOf(day.date, 'day'))];
  throw unparseable(text);
}

function checkOrder(text: string, range: [string, string]): [string, string] {
  if (range[0] > range[1]) throw new QueryError(`日期范围 ${JSON.stringify(text)} 的起始晚于结束`);
  return range;
}

/**
 * A query's dateRange (or inDateRange values) as Cube normalises it: a string
 * is relative; one date means that day; each given date without milliseconds
 * becomes the start (first bound) or the end (second bound) of its day.
 */
export function normalizeDateRange(range: string | readonly string[], timezone: string, now: Date): [string, string] {
  if (typeof range === 'string') return parseRelativeRange(range, timezone, now);
  if (range.length === 1 && !ISO.test(range[0]!.trim())) return parseRelativeRange(range[0]!, timezone, now);
  if (range.length !== 1 && range.length !== 2) throw new QueryError(`日期范围应为一个或两个日期，收到 ${range.length} 个`);
  const [a, b = a] = range as [string, string?];
  const bound = (text: string, end: boolean) => {
    const p = parseIso(text);
    if (!p) throw new QueryError(`日期范围中的"${text}"不是有效日期（应为 2025-01-31 或 2025-01-31T08:00:00.000）`);
    if (p.hasMs) return format(p.date);
    return format(end ? endOf(p.date, 'day') : startOf(p.date, 'day'));
  };
  return checkOrder(JSON.stringify(range), [bound(a!, false), bound(b!, true)]);
}

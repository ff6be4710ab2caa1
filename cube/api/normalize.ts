// A query as Cube's API gateway normalises it before planning: the timezone,
// `member.granularity` dimensions as time dimensions, relative date ranges
// resolved, `order` in its one form {id, desc} (Cube's default order when none
// is given), and the default and maximum row limits.
import { normalizeDateRange } from './date-range.ts';
import { GRANULARITIES, orderMembers, QueryError, type CubeQuery, type Filter } from './query.ts';

export type Granularity = (typeof GRANULARITIES)[number];

export interface OrderItem {
  id: string;
  desc: boolean;
}

export interface NormalizedTimeDimension {
  dimension: string;
  granularity?: Granularity;
  dateRange?: [string, string];
}

export interface NormalizedQuery {
  measures: string[];
  dimensions: string[];
  segments: string[];
  timeDimensions: NormalizedTimeDimension[];
  filters: Filter[];
  order: OrderItem[];
  limit: number;
  offset?: number;
  total?: boolean;
  timezone: string;
  ungrouped?: boolean;
  renewQuery?: boolean;
  responseFormat?: 'default';
}

export interface QueryLimits {
  /** Rows when a query sets no limit (CUBEJS_DB_QUERY_DEFAULT_LIMIT). */
  defaultLimit: number;
  /** The largest limit a query may set (CUBEJS_DB_QUERY_LIMIT). */
  maxLimit: number;
}

export interface NormalizeOptions {
  now: Date;
  limits: QueryLimits;
  /** Whether a name is a public member (for errors about `order`). */
  isMember(name: string): boolean;
}

/**
 * The data are dated in China's calendar and stored as dates: a period is the
 * same calendar month whether read in UTC (Cube's default) or in China's zone,
 * so both are accepted and answer the same months. Other zones would move
 * month boundaries by hours that the data do not have, so they are refused.
 * The zone still decides "now" for relative ranges ("today" begins at
 * midnight in the query's zone), as in Cube.
 */
export const UTC_ZONES = ['UTC', 'Etc/UTC'] as const;
export const CHINA_ZONES = ['Asia/Shanghai', 'Asia/Chongqing', 'Asia/Harbin', 'PRC'] as const;
const ACCEPTED_ZONES: readonly string[] = [...UTC_ZONES, ...CHINA_ZONES];

export function checkTimezone(timezone: string | undefined): string {
  const zone = timezone ?? 'UTC';
  if (!ACCEPTED_ZONES.includes(zone)) {
    throw new QueryError(`不支持时区"${zone}"：数据按中国日历的日期（整月）统计，只能按 UTC 或 Asia/Shanghai 读取（两者得到相同的日历月份）；其他时区会把月份边界移动若干小时，而数据没有小时`);
  }
  return zone;
}

/** Cube's order when a query gives none (BaseQuery.defaultOrder). */
export function defaultOrder(query: Pick<NormalizedQuery, 'measures' | 'dimensions' | 'timeDimensions'>): OrderItem[] {
  const td = query.timeDimensions.find((t) => t.granularity);
  if (td) return [{ id: td.dimension, desc: false }];
  if (query.measures.length > 0 && query.dimensions.length > 0) return [{ id: query.measures[0]!, desc: true }];
  if (query.dimensions.length > 0) return [{ id: query.dimensions[0]!, desc: false }];
  return [];
}

/** The order's items, from either of Cube's forms. */
function orderItems(order: NonNullable<CubeQuery['order']>): OrderItem[] {
  const pairs: [string, string][] = Array.isArray(order) ? order : Object.entries(order);
  return pairs.map(([id, dir]) => ({ id, desc: dir === 'desc' }));
}

/** Checks that every order member is one the query selects (Cube's planner would drop any other in silence). */
function checkOrder(order: OrderItem[], query: NormalizedQuery, isMember: (name: string) => boolean): void {
  const selected = new Set([...query.measures, ...query.dimensions]);
  for (const td of query.timeDimensions) {
    if (!td.granularity) continue;
    selected.add(td.dimension);
    selected.add(`${td.dimension}.${td.granularity}`);
  }
  const unknown = order.filter((o) => !selected.has(o.id) && !isMember(o.id)).map((o) => o.id);
  if (unknown.length > 0) throw new QueryError(`order 中的未知成员：${unknown.join('、')}`);
  const absent = order.filter((o) => !selected.has(o.id)).map((o) => o.id);
  if (absent.length > 0) {
    throw new QueryError(`order 中的 ${absent.join('、')} 不在查询的 measures、dimensions 或带粒度的 timeDimensions 中：只能按查询返回的成员排序`);
  }
}

const DATE_RANGE_OPERATORS = new Set(['inDateRange', 'notInDateRange']);

function normalizeFilters(filters: Filter[], timezone: string, now: Date): Filter[] {
  return filters.map((f): Filter => {
    if ('or' in f) return { or: normalizeFilters(f.or, timezone, now) };
    if ('and' in f) return { and: normalizeFilters(f.and, timezone, now) };
    if (DATE_RANGE_OPERATORS.has(f.operator)) {
      if (!f.values || f.values.length === 0) throw new QueryError(`过滤条件 ${f.member} ${f.operator} 缺少日期范围 values`);
      return { ...f, values: normalizeDateRange(f.values, timezone, now) };
    }
    return f;
  });
}

/** A query as Cube's gateway hands it to the planner (and echoes it in `query`). */
export function normalizeQuery(query: CubeQuery, { now, limits, isMember }: NormalizeOptions): NormalizedQuery {
  const timezone = checkTimezone(query.timezone);
  if (query.timeDimensions.some((t) => t.compareDateRange)) {
    throw new QueryError('compareDateRange 须通过 /cubejs-api/v1/load（queryType=multi）发送，每个日期范围一个查询');
  }
  if (query.limit !== undefined && query.limit > limits.maxLimit) {
    throw new QueryError(`limit ${query.limit} 超过上限 ${limits.maxLimit}（CUBEJS_DB_QUERY_LIMIT）：请用 offset 分页读取`);
  }
  // `view.month.quarter` in dimensions is the time dimension view.month by quarter
  const granular = (d: string) => {
    const parts = d.split('.');
    return parts.length === 3 && (GRANULARITIES as readonly string[]).includes(parts[2]!);
  };
  const asTime = query.dimensions.filter(granular).map((d) => {
    const [cube, member, granularity] = d.split('.') as [string, string, Granularity];
    return { dimension: `${cube}.${member}`, granularity };
  });
  const timeDimensions: NormalizedTimeDimension[] = [
    ...query.timeDimensions.map((t) => ({
      dimension: t.dimension,
      ...(t.granularity ? { granularity: t.granularity } : {}),
      ...(t.dateRange !== undefined ? { dateRange: normalizeDateRange(t.dateRange, timezone, now) } : {}),
    })),
    ...asTime.filter((a) => !query.timeDimensions.some((t) => t.dimension === a.dimension && t.granularity === a.granularity)),
  ];
  const normalized: NormalizedQuery = {
    measures: query.measures,
    dimensions: query.dimensions.filter((d) => !granular(d)),
    segments: query.segments,
    timeDimensions,
    filters: normalizeFilters(query.filters, timezone, now),
    order: [],
    limit: query.limit ?? limits.defaultLimit,
    ...(query.offset !== undefined ? { offset: query.offset } : {}),
    ...(query.total !== undefined ? { total: query.total } : {}),
    timezone,
    ...(query.ungrouped !== undefined ? { ungrouped: query.ungrouped } : {}),
    ...(query.renewQuery !== undefined ? { renewQuery: query.renewQuery } : {}),
    ...(query.responseFormat !== undefined ? { responseFormat: query.responseFormat } : {}),
  };
  normalized.order = query.order ? orderItems(query.order) : defaultOrder(normalized);
  if (query.order) checkOrder(normalized.order, normalized, isMember);
  return normalized;
}

/**
 * The order the planner gets: the query's, then every selected dimension not
 * in it, so that rows tied on the query's order keep one order and pages of
 * limit/offset join into exactly the whole list (Cube leaves ties to the
 * database, which may order them differently from one page to the next).
 */
export function plannerOrder(query: NormalizedQuery): OrderItem[] {
  const named = new Set(orderMembers(query.order));
  const tie: OrderItem[] = [];
  for (const td of query.timeDimensions) {
    const id = `${td.dimension}.${td.granularity}`;
    if (td.granularity && !named.has(td.dimension) && !named.has(id)) tie.push({ id: td.dimension, desc: false });
  }
  for (const d of query.dimensions) if (!named.has(d)) tie.push({ id: d, desc: false });
  // Cube 1.7's planner numbers an order id "view.month.quarter" among the time
  // dimensions only, not among all selected columns (ORDER BY 1 for the first
  // time dimension even when a dimension comes first); "view.month" is read
  // right, and means the same when the query selects that dimension once.
  const once = (dimension: string) => query.timeDimensions.filter((t) => t.granularity && t.dimension === dimension).length === 1;
  const planned = query.order.map((o) => {
    const td = query.timeDimensions.find((t) => t.granularity && `${t.dimension}.${t.granularity}` === o.id);
    return td && once(td.dimension) ? { id: td.dimension, desc: o.desc } : o;
  });
  return [...planned, ...tie];
}

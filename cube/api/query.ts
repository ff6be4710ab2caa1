// The Cube REST API query format, validated at the edge.
import { z } from 'zod';

export const FILTER_OPERATORS = [
  'equals', 'notEquals', 'contains', 'notContains', 'startsWith', 'notStartsWith', 'endsWith', 'notEndsWith',
  'gt', 'gte', 'lt', 'lte', 'set', 'notSet', 'inDateRange', 'notInDateRange', 'beforeDate', 'beforeOrOnDate',
  'afterDate', 'afterOrOnDate', 'measureFilter',
] as const;

export const GRANULARITIES = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const;

const memberFilter = z.object({
  member: z.string().optional(),
  dimension: z.string().optional(),
  operator: z.enum(FILTER_OPERATORS),
  values: z.array(z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
}).strict().refine((f) => f.member ?? f.dimension, { message: '过滤条件缺少 member' })
  .transform(({ dimension, member, ...rest }) => ({ member: (member ?? dimension)!, ...rest }));

export type MemberFilter = z.output<typeof memberFilter>;
export type Filter = MemberFilter | { or: Filter[] } | { and: Filter[] };

const filter: z.ZodType<Filter> = z.lazy(() =>
  z.union([memberFilter, z.object({ or: z.array(filter) }).strict(), z.object({ and: z.array(filter) }).strict()]),
);

/** A relative range ("last 6 months", Cube's vocabulary: cube/api/date-range.ts), or one or two dates. */
const dateRange = z.union([z.string(), z.array(z.string()).min(1).max(2)]);

export const cubeQuerySchema = z.object({
  measures: z.array(z.string()).default([]),
  dimensions: z.array(z.string()).default([]),
  segments: z.array(z.string()).default([]),
  timeDimensions: z.array(z.object({
    dimension: z.string(),
    granularity: z.enum(GRANULARITIES).optional(),
    dateRange: dateRange.optional(),
    /** Several ranges to compare: the request becomes one query per range (compareDateRangeQuery). */
    compareDateRange: z.array(dateRange).min(1).optional(),
  }).strict()).default([]),
  filters: z.array(filter).default([]),
  order: z.union([
    z.record(z.string(), z.enum(['asc', 'desc'])),
    z.array(z.tuple([z.string(), z.enum(['asc', 'desc'])])),
  ]).optional(),
  // the maximum is configurable (CUBEJS_DB_QUERY_LIMIT): checked in normalize.ts
  limit: z.number().int().nonnegative().optional(),
  offset: z.number().int().nonnegative().optional(),
  total: z.boolean().optional(),
  timezone: z.string().optional(),
  ungrouped: z.boolean().optional(),
  renewQuery: z.boolean().optional(),
  responseFormat: z.enum(['default']).optional(),
}).strict();

export type CubeQuery = z.output<typeof cubeQuerySchema>;

export class QueryError extends Error {}

/** Parses the query of a /load or /sql request (a JSON string or an object). */
export function parseQuery(input: unknown): CubeQuery {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new QueryError('查询参数 query 不是有效的 JSON');
    }
  }
  if (value === undefined || value === null) throw new QueryError('缺少查询参数 query');
  const parsed = cubeQuerySchema.safeParse(value);
  if (!parsed.success) {
    throw new QueryError(`查询格式错误：${parsed.error.issues.map((i) => `${i.path.join('.') || '(根)'} ${i.message}`).join('；')}`);
  }
  if (parsed.data.measures.length + parsed.data.dimensions.length + parsed.data.timeDimensions.length === 0) {
    throw new QueryError('查询至少需要一个度量或维度');
  }
  return parsed.data;
}

/** An order as a query gives it (either of Cube's two forms) or as normalised ({id, desc}). */
export type AnyOrder = CubeQuery['order'] | { id: string; desc: boolean }[];

/** What access checks and the rewrite need of a query, raw or normalised. */
export interface MemberQuery {
  measures: string[];
  dimensions: string[];
  segments: string[];
  timeDimensions: { dimension: string; granularity?: string; dateRange?: string | string[] }[];
  filters: Filter[];
  order?: AnyOrder;
  ungrouped?: boolean;
}

/** The members an order names, in order. */
export function orderMembers(order: AnyOrder): string[] {
  if (!order) return [];
  if (!Array.isArray(order)) return Object.keys(order);
  return order.map((o) => (Array.isArray(o) ? o[0] : (o as { id: string }).id));
}

/** Every member a query names, for access checks. */
export function membersOf(query: MemberQuery): string[] {
  const fromFilters = (filters: Filter[]): string[] =>
    filters.flatMap((f) => ('or' in f ? fromFilters(f.or) : 'and' in f ? fromFilters(f.and) : [f.member]));
  return [
    ...query.measures,
    ...query.dimensions,
    ...query.segments,
    ...query.timeDimensions.map((t) => t.dimension),
    ...fromFilters(query.filters),
    ...orderMembers(query.order),
  ];
}

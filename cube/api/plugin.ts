// Cube's REST API (/cubejs-api/v1/load, /sql, /dry-run, /meta) as a Fastify
// plugin. The caller is `request.principal` (auth/plugin.ts checked the token).
// Person-level members come back masked, and every query naming them is
// audited, whatever form the request takes (one query, several blended, or
// one per compared date range).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { appendAudit } from '../../audit/trail.ts';
import { InFlight, MAX_LOADS_IN_FLIGHT_PER_USER, MAX_QUERIES_PER_REQUEST, TooManyRequestsError } from './limits.ts';
import { maskRows } from './masking.ts';
import type { NormalizedQuery } from './normalize.ts';
import { membersOf, parseQuery, QueryError, type CubeQuery } from './query.ts';
import { checkAccess, ForbiddenError, personLevelMembers } from './query-rewrite.ts';
import type { LoadResult, SemanticLayer } from './semantic-layer.ts';

export interface CubeApiOptions {
  layer: SemanticLayer;
  pool: pg.Pool;
}

type QueryRequest = FastifyRequest<{ Querystring: { query?: string; queryType?: string }; Body: { query?: unknown; queryType?: string } | undefined }>;

export type QueryType = 'regularQuery' | 'compareDateRangeQuery' | 'blendingQuery';

/** What one request asks for: its queries and how their results combine. */
interface Request {
  queryType: QueryType;
  queries: CubeQuery[];
}

function statusOf(e: unknown): number {
  if (e instanceof TooManyRequestsError) return 429;
  if (e instanceof ForbiddenError) return 403;
  if (e instanceof QueryError) return 400;
  const status = (e as { statusCode?: number }).statusCode;
  return status && status >= 400 && status < 500 ? status : 500;
}

/**
 * The queries of a request, as Cube's gateway reads it: an array of several
 * queries is a blending query; one query whose time dimension has
 * compareDateRange is one query per range.
 */
function requestOf(raw: unknown): Request {
  const list = (Array.isArray(raw) ? raw : [raw]).map(parseQuery);
  if (list.length > MAX_QUERIES_PER_REQUEST) throw new QueryError(`一次请求最多 ${MAX_QUERIES_PER_REQUEST} 个查询，收到 ${list.length} 个`);
  const comparing = list.filter((q) => q.timeDimensions.some((t) => t.compareDateRange));
  if (comparing.length > 0) {
    if (list.length > 1) throw new QueryError('compareDateRange 不能用于多个查询的组合（blending）中');
    const query = list[0]!;
    const tds = query.timeDimensions.filter((t) => t.compareDateRange);
    if (tds.length > 1) throw new QueryError('只能有一个时间维度使用 compareDateRange');
    const td = tds[0]!;
    if (td.dateRange !== undefined) throw new QueryError(`${td.dimension} 不能同时给出 dateRange 和 compareDateRange`);
    const ranges = td.compareDateRange!;
    if (ranges.length > MAX_QUERIES_PER_REQUEST) throw new QueryError(`compareDateRange 最多 ${MAX_QUERIES_PER_REQUEST} 个日期范围，收到 ${ranges.length} 个`);
    const queries = ranges.map((dateRange) => ({
      ...query,
      timeDimensions: query.timeDimensions.map((t) => {
        if (t !== td) return t;
        const { compareDateRange: _compare, ...rest } = t;
        return { ...rest, dateRange };
      }),
    }));
    return { queryType: 'compareDateRangeQuery', queries };
  }
  return { queryType: list.length > 1 ? 'blendingQuery' : 'regularQuery', queries: list };
}

/** Cube's checks of a blending query: every query by time, at one granularity. */
function checkBlending(queries: NormalizedQuery[]): string {
  const granularities = queries.map((q) => q.timeDimensions.find((t) => t.granularity)?.granularity);
  if (granularities.some((g) => !g)) throw new QueryError('组合多个查询（blending）时每个查询都须有带粒度的时间维度');
  if (new Set(granularities).size > 1) throw new QueryError(`组合多个查询（blending）时各查询的时间粒度须相同，收到 ${[...new Set(granularities)].join('、')}`);
  return granularities[0]!;
}

/** Cube's pivot query: for blending, every query's measures and dimensions by one shared time axis. */
export function pivotQueryOf(queryType: QueryType, queries: NormalizedQuery[]): Record<string, unknown> {
  const [first] = queries;
  if (queryType === 'blendingQuery') {
    const td = first!.timeDimensions.find((t) => t.granularity)!;
    return {
      ...first,
      measures: [...new Set(queries.flatMap((q) => q.measures))],
      dimensions: [...new Set(queries.flatMap((q) => q.dimensions))],
      timeDimensions: [{ dimension: 'time', granularity: td.granularity, ...(td.dateRange ? { dateRange: td.dateRange } : {}) }],
      queryType,
    };
  }
  if (queryType === 'compareDateRangeQuery') return { ...first, dimensions: [...first!.dimensions, 'compareDateRange'], queryType };
  return { ...first, queryType };
}

export async function cubeApiPlugin(app: FastifyInstance, { layer, pool }: CubeApiOptions): Promise<void> {
  app.setErrorHandler((error, request, reply: FastifyReply) => {
    const status = statusOf(error);
    if (status >= 500) {
      request.log.error({ err: error, path: request.url.split('?')[0] }, 'request failed');
      if (process.env.DEBUG_API_ERRORS) console.error(error);
    } else if ((error as Error).cause instanceof Error) {
      // a refusal worded for the user whose internal reason (e.g. Cube's compiler) is for the log
      request.log.warn({ reason: ((error as Error).cause as Error).message, path: request.url.split('?')[0] }, 'query refused');
    }
    reply.status(status).send({ error: status >= 500 ? '服务器内部错误，请联系管理员查看日志' : (error as Error).message });
  });

  const rawQueryOf = (request: QueryRequest) => safeJson(request.method === 'POST' ? request.body?.query : request.query.query);
  const queryTypeOf = (request: QueryRequest) => (request.method === 'POST' ? request.body?.queryType : request.query.queryType);

  /** The person-level members a query names, by view. */
  const personal = (query: CubeQuery) => {
    const members = membersOf(query);
    return [...layer.policies.values()].flatMap((policy) => personLevelMembers(members, policy).map((m) => ({ policy, member: m })));
  };

  /** Role restrictions before anything else, a refusal of person-level members audited. */
  const guard = async (request: QueryRequest, queries: CubeQuery[]) => {
    for (const query of queries) {
      try {
        checkAccess(membersOf(query), request.principal, layer.policies);
      } catch (e) {
        const named = personal(query);
        if (named.length > 0) {
          await appendAudit(pool, { actor: request.principal, action: 'query_person_level', target: named.map((n) => n.member).join(','), detail: { query, error: (e as Error).message }, outcome: 'denied' });
        }
        throw e;
      }
    }
  };

  const loadOne = async (request: QueryRequest, query: CubeQuery): Promise<LoadResult> => {
    const principal = request.principal;
    const named = personal(query);
    let result: LoadResult;
    try {
      // answers naming persons are masked in place and audited: never kept in the result cache
      result = await layer.load(query, principal, { cache: named.length === 0 });
    } catch (e) {
      if (named.length > 0 && e instanceof ForbiddenError) {
        await appendAudit(pool, { actor: principal, action: 'query_person_level', target: named.map((n) => n.member).join(','), detail: { query, error: e.message }, outcome: 'denied' });
      }
      throw e;
    }
    for (const policy of new Set(named.map((n) => n.policy))) {
      if (policy.restricted) maskRows(policy.name, policy.restricted.masked, result.data);
    }
    if (named.length > 0) {
      await appendAudit(pool, { actor: principal, action: 'query_person_level', target: named.map((n) => n.member).join(','), detail: { query, rows: result.data.length } });
    }
    return result;
  };

  const inFlight = new InFlight(MAX_LOADS_IN_FLIGHT_PER_USER);

  const load = async (request: QueryRequest) => {
    const { queryType, queries } = requestOf(rawQueryOf(request));
    await guard(request, queries);
    if (queryTypeOf(request) !== 'multi' && queryType !== 'regularQuery') {
      throw new QueryError(queryType === 'blendingQuery' ? '多个查询须使用 queryType=multi' : 'compareDateRange 查询须使用 queryType=multi');
    }
    // refused before any runs: Cube's rules for blending
    const normalized = queries.map((q) => layer.normalize(q));
    const blendGranularity = queryType === 'blendingQuery' ? checkBlending(normalized) : null;
    const p = request.principal;
    const leave = inFlight.enter(`${p.kind}:${p.name}:${p.role}:${p.region}`);
    let results: LoadResult[];
    try {
      results = await Promise.all(queries.map((q) => loadOne(request, q)));
    } finally {
      leave();
    }
    if (queryTypeOf(request) !== 'multi') return results[0];
    for (const result of results) {
      if (queryType === 'compareDateRangeQuery') {
        // each row says which range it belongs to, as Cube's do
        const range = result.query.timeDimensions.find((t) => t.dateRange)!.dateRange!.join(' - ');
        for (const row of result.data) row.compareDateRange = range;
      } else if (blendGranularity) {
        const td = result.query.timeDimensions.find((t) => t.granularity)!;
        for (const row of result.data) row[`time.${blendGranularity}`] = row[`${td.dimension}.${td.granularity}`];
      }
    }
    return { queryType, results, pivotQuery: pivotQueryOf(queryType, results.map((r) => r.query)) };
  };

  const sql = async (request: QueryRequest) => {
    const query = parseQuery(rawQueryOf(request));
    await guard(request, [query]);
    return layer.sql(query, request.principal);
  };

  /** Cube's /dry-run: the normalised queries, the pivot query and the query type, checked but not run. */
  const dryRun = async (request: QueryRequest) => {
    const { queryType, queries } = requestOf(rawQueryOf(request));
    await guard(request, queries);
    const planned = await Promise.all(queries.map((q) => layer.dryRun(q, request.principal)));
    const normalizedQueries = planned.map((p) => p.query);
    if (queryType === 'blendingQuery') checkBlending(normalizedQueries);
    return {
      queryType,
      normalizedQueries: normalizedQueries.map((q) => ({ ...q, queryType })),
      pivotQuery: pivotQueryOf(queryType, normalizedQueries),
      queryOrder: normalizedQueries.map((q) => Object.fromEntries(q.order.map((o) => [o.id, o.desc ? 'desc' : 'asc']))),
      transformedQueries: planned.map((p) => p.transformedQuery),
    };
  };

  app.get('/cubejs-api/v1/load', load);
  app.post('/cubejs-api/v1/load', load);
  app.get('/cubejs-api/v1/sql', sql);
  app.post('/cubejs-api/v1/sql', sql);
  app.get('/cubejs-api/v1/dry-run', dryRun);
  app.post('/cubejs-api/v1/dry-run', dryRun);
  // The model does not change while the server runs: /meta is serialised once
  // (90 KB of JSON, some 5 ms of the event loop at every request otherwise).
  const metaJson = JSON.stringify(layer.meta());
  let extendedJson: string | null = null;
  app.get<{ Querystring: { extended?: string } }>('/cubejs-api/v1/meta', async (request, reply) => {
    const json = 'extended' in request.query ? (extendedJson ??= JSON.stringify(layer.metaExtended())) : metaJson;
    return reply.type('application/json; charset=utf-8').send(json);
  });
}

function safeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new QueryError('查询参数 query 不是有效的 JSON');
  }
}

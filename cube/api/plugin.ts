// Cube's REST API (/cubejs-api/v1/load, /meta, /sql) as a Fastify plugin. The
// caller is `request.principal` (auth/plugin.ts checked the token). Person-level
// members come back masked, and every query naming them is audited.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { appendAudit } from '../../audit/trail.ts';
import { DEFAULT_ROW_LIMIT, InFlight, MAX_LOADS_IN_FLIGHT_PER_USER, MAX_QUERIES_PER_REQUEST, TooManyRequestsError } from './limits.ts';
import { maskRows } from './masking.ts';
import { membersOf, parseQuery, QueryError, type CubeQuery } from './query.ts';
import { ForbiddenError, personLevelMembers } from './query-rewrite.ts';
import type { LoadResult, SemanticLayer } from './semantic-layer.ts';

export interface CubeApiOptions {
  layer: SemanticLayer;
  pool: pg.Pool;
}

type QueryRequest = FastifyRequest<{ Querystring: { query?: string; queryType?: string }; Body: { query?: unknown; queryType?: string } | undefined }>;

function statusOf(e: unknown): number {
  if (e instanceof TooManyRequestsError) return 429;
  if (e instanceof ForbiddenError) return 403;
  if (e instanceof QueryError) return 400;
  const status = (e as { statusCode?: number }).statusCode;
  return status && status >= 400 && status < 500 ? status : 500;
}

export async function cubeApiPlugin(app: FastifyInstance, { layer, pool }: CubeApiOptions): Promise<void> {
  app.setErrorHandler((error, request, reply: FastifyReply) => {
    const status = statusOf(error);
    if (status >= 500) {
      request.log.error({ err: error, path: request.url.split('?')[0] }, 'request failed');
      if (process.env.DEBUG_API_ERRORS) console.error(error);
    }
    reply.status(status).send({ error: status >= 500 ? '服务器内部错误，请联系管理员查看日志' : (error as Error).message });
  });

  const rawQueryOf = (request: QueryRequest) => (request.method === 'POST' ? request.body?.query : request.query.query);
  const queryTypeOf = (request: QueryRequest) => (request.method === 'POST' ? request.body?.queryType : request.query.queryType);

  /** The person-level members a query names, by view. */
  const personal = (query: CubeQuery) => {
    const members = membersOf(query);
    return [...layer.policies.values()].flatMap((policy) => personLevelMembers(members, policy).map((m) => ({ policy, member: m })));
  };

  const loadOne = async (request: QueryRequest, query: CubeQuery): Promise<LoadResult> => {
    const principal = request.principal;
    const named = personal(query);
    let result: LoadResult;
    try {
      result = await layer.load(query, principal);
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
    const raw = rawQueryOf(request);
    const parsedRaw = typeof raw === 'string' ? safeJson(raw) : raw;
    const list = Array.isArray(parsedRaw) ? parsedRaw : [parsedRaw];
    if (list.length > MAX_QUERIES_PER_REQUEST) throw new QueryError(`一次请求最多 ${MAX_QUERIES_PER_REQUEST} 个查询，收到 ${list.length} 个`);
    const queries = list.map(parseQuery).map((q) => ({ ...q, limit: q.limit ?? DEFAULT_ROW_LIMIT }));
    const p = request.principal;
    const leave = inFlight.enter(`${p.kind}:${p.name}:${p.role}:${p.region}`);
    let results: LoadResult[];
    try {
      results = await Promise.all(queries.map((q) => loadOne(request, q)));
    } finally {
      leave();
    }
    if (queryTypeOf(request) !== 'multi') {
      if (results.length !== 1) throw new QueryError('多个查询须使用 queryType=multi');
      return results[0];
    }
    const queryType = results.length > 1 ? 'blendingQuery' : 'regularQuery';
    return { queryType, results, pivotQuery: { ...results[0]!.query, queryType } };
  };

  const sql = async (request: QueryRequest) => layer.sql(parseQuery(safeJson(rawQueryOf(request))), request.principal);

  app.get('/cubejs-api/v1/load', load);
  app.post('/cubejs-api/v1/load', load);
  app.get('/cubejs-api/v1/sql', sql);
  app.post('/cubejs-api/v1/sql', sql);
  app.get('/cubejs-api/v1/meta', async () => layer.meta());
}

function safeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new QueryError('查询参数 query 不是有效的 JSON');
  }
}

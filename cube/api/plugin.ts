// Cube's REST API (/cubejs-api/v1/load, /meta, /sql) and /readyz as a Fastify plugin.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { parseQuery, QueryError } from './query.ts';
import { ForbiddenError } from './query-rewrite.ts';
import { AuthError, verifyToken, type SecurityContext } from './security.ts';
import type { SemanticLayer } from './semantic-layer.ts';

export interface CubeApiOptions {
  layer: SemanticLayer;
  pool: pg.Pool;
  apiSecret: string;
}

type QueryRequest = FastifyRequest<{ Querystring: { query?: string; queryType?: string }; Body: { query?: unknown; queryType?: string } | undefined }>;

function statusOf(e: unknown): number {
  if (e instanceof AuthError) return 401;
  if (e instanceof ForbiddenError) return 403;
  if (e instanceof QueryError) return 400;
  return 500;
}

export async function cubeApiPlugin(app: FastifyInstance, options: CubeApiOptions): Promise<void> {
  const { layer, pool, apiSecret } = options;

  app.decorateRequest('securityContext', null);
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/cubejs-api/')) {
      (request as FastifyRequest & { securityContext: SecurityContext }).securityContext = await verifyToken(request.headers.authorization, apiSecret);
    }
  });

  app.setErrorHandler((error, request, reply: FastifyReply) => {
    const status = statusOf(error) === 500 && (error as { statusCode?: number }).statusCode && (error as { statusCode: number }).statusCode < 500
      ? (error as { statusCode: number }).statusCode
      : statusOf(error);
    if (status >= 500) {
      request.log.error(error);
      if (process.env.DEBUG_API_ERRORS) console.error(error);
    }
    reply.status(status).send({ error: status >= 500 ? '服务器内部错误，请联系管理员查看日志' : (error as Error).message });
  });

  const contextOf = (request: FastifyRequest) => (request as FastifyRequest & { securityContext: SecurityContext }).securityContext;
  const rawQueryOf = (request: QueryRequest) => (request.method === 'POST' ? request.body?.query : request.query.query);
  const queryTypeOf = (request: QueryRequest) => (request.method === 'POST' ? request.body?.queryType : request.query.queryType);

  const load = async (request: QueryRequest) => {
    const raw = rawQueryOf(request);
    const ctx = contextOf(request);
    const parsedRaw = typeof raw === 'string' ? safeJson(raw) : raw;
    const queries = (Array.isArray(parsedRaw) ? parsedRaw : [parsedRaw]).map(parseQuery);
    const results = await Promise.all(queries.map((q) => layer.load(q, ctx)));
    if (queryTypeOf(request) !== 'multi') {
      if (results.length !== 1) throw new QueryError('多个查询须使用 queryType=multi');
      return results[0];
    }
    const queryType = results.length > 1 ? 'blendingQuery' : 'regularQuery';
    return { queryType, results, pivotQuery: { ...results[0]!.query, queryType } };
  };

  const sql = async (request: QueryRequest) => layer.sql(parseQuery(safeJson(rawQueryOf(request))), contextOf(request));

  app.get('/cubejs-api/v1/load', load);
  app.post('/cubejs-api/v1/load', load);
  app.get('/cubejs-api/v1/sql', sql);
  app.post('/cubejs-api/v1/sql', sql);
  app.get('/cubejs-api/v1/meta', async () => layer.meta());

  app.get('/readyz', async (_request, reply) => {
    try {
      await pool.query('select 1');
      return { health: 'HEALTH' };
    } catch (e) {
      return reply.status(503).send({ health: 'DOWN', error: `数据库不可用：${(e as Error).message}` });
    }
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

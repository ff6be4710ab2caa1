// The HTTP server: sign-in and the token check, Cube's REST API, the
// application's workflows, the development token, and the built dashboard.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { auditPlugin } from '../audit/plugin.ts';
import { authPlugin } from '../auth/plugin.ts';
import { cubeApiPlugin } from '../cube/api/plugin.ts';
import { personsPlugin } from '../cube/api/persons.ts';
import type { SemanticLayer } from '../cube/api/semantic-layer.ts';
import { rectificationPlugin } from '../rectification/plugin.ts';
import { noticesPlugin } from '../notices/plugin.ts';
import { devTokenPlugin } from './dev-token.ts';
import { healthPlugin } from './health.ts';

export const DASHBOARD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/dashboard');

export interface AppDeps {
  config: Config;
  pool: pg.Pool;
  layer: SemanticLayer;
  /** Where requests and errors are logged (server/logger.ts); none by default (tests). */
  logger?: FastifyBaseLogger;
}

export async function buildApp({ config, pool, layer, logger }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    // our own one line per request (below) instead of fastify's two with the full URL
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
  }) as unknown as FastifyInstance;
  // one line per request; the path without its query string (Cube queries can hold filter values)
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({
      method: request.method,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
      user: request.principal?.name ?? null,
      client: request.ip,
    }, 'request');
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        // antd and ECharts set inline styles; TLS is terminated in front of the server
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'upgrade-insecure-requests': null,
      },
    },
  });
  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error, path: request.url.split('?')[0] }, 'request failed');
    reply.status(status).send({ error: status >= 500 ? '服务器内部错误，请联系管理员查看日志' : (error as Error).message });
  });

  // first: its hook guards every /api and /cubejs-api route registered after it
  await app.register(authPlugin, { pool, apiSecret: config.apiSecret, attemptsPerMinute: config.loginAttemptsPerMinute });
  await app.register(healthPlugin, { pool });
  await app.register(cubeApiPlugin, { layer, pool });
  await app.register(personsPlugin, { layer, pool });
  await app.register(auditPlugin, { pool });
  await app.register(noticesPlugin, { pool, layer });
  await app.register(rectificationPlugin, { pool });
  if (!config.isProduction) await app.register(devTokenPlugin, { pool, apiSecret: config.apiSecret });

  if (existsSync(path.join(DASHBOARD_DIR, 'index.html'))) {
    // wildcard: files are looked up per request, so a rebuilt dashboard is served without a restart
    await app.register(fastifyStatic, { root: DASHBOARD_DIR, wildcard: true });
    // client-side routes fall back to the dashboard's entry page
    app.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && !request.url.startsWith('/cubejs-api/') && !request.url.startsWith('/api/')) {
        return reply.sendFile('index.html');
      }
      return reply.status(404).send({ error: `未找到：${request.method} ${request.url.split('?')[0]}` });
    });
  } else {
    app.get('/', async (_req, reply) => reply.status(503).type('text/plain; charset=utf-8').send('仪表盘尚未构建：请运行 npm start（会先执行 vite build）'));
  }
  return app;
}

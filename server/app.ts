// The HTTP server: Cube's REST API, the development token, and the built dashboard.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { cubeApiPlugin } from '../cube/api/plugin.ts';
import type { SemanticLayer } from '../cube/api/semantic-layer.ts';
import { devTokenPlugin } from './dev-token.ts';

export const DASHBOARD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/dashboard');

export interface AppDeps {
  config: Config;
  pool: pg.Pool;
  layer: SemanticLayer;
  logger?: boolean;
}

export async function buildApp({ config, pool, layer, logger = false }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger, bodyLimit: 1024 * 1024 });
  await app.register(cubeApiPlugin, { layer, pool, apiSecret: config.apiSecret });
  if (!config.isProduction) await app.register(devTokenPlugin, { pool, apiSecret: config.apiSecret });

  if (existsSync(path.join(DASHBOARD_DIR, 'index.html'))) {
    // wildcard: files are looked up per request, so a rebuilt dashboard is served without a restart
    await app.register(fastifyStatic, { root: DASHBOARD_DIR, wildcard: true });
    // client-side routes fall back to the dashboard's entry page
    app.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && !request.url.startsWith('/cubejs-api/') && !request.url.startsWith('/api/')) {
        return reply.sendFile('index.html');
      }
      return reply.status(404).send({ error: `未找到：${request.method} ${request.url}` });
    });
  } else {
    app.get('/', async (_req, reply) => reply.status(503).type('text/plain; charset=utf-8').send('仪表盘尚未构建：请运行 npm start（会先执行 vite build）'));
  }
  return app;
}

// The whole platform on a test database: warehouse, semantic layer, HTTP app.
import type { FastifyInstance } from 'fastify';
import { readConfig } from '../../config.ts';
import { compileModel } from '../../cube/compiler.ts';
import { signToken, type SecurityContext } from '../../cube/api/security.ts';
import { SemanticLayer } from '../../cube/api/semantic-layer.ts';
import { buildApp } from '../../server/app.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export const TEST_SECRET = 'test-secret-0123456789';

export interface TestPlatform {
  db: TestDatabase;
  app: FastifyInstance;
  token(ctx: SecurityContext): Promise<string>;
  load(query: unknown, token: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startTestPlatform(): Promise<TestPlatform> {
  const db = await createTestDatabase();
  const config = readConfig({ NODE_ENV: 'test', CUBEJS_API_SECRET: TEST_SECRET, DATABASE_URL: db.url });
  const layer = new SemanticLayer(await compileModel(), db.pool);
  const app = await buildApp({ config, pool: db.pool, layer });
  return {
    db,
    app,
    token: (ctx) => signToken(ctx, TEST_SECRET),
    async load(query, token) {
      const res = await app.inject({ method: 'POST', url: '/cubejs-api/v1/load', headers: { authorization: token }, payload: { query } });
      return { status: res.statusCode, body: res.json() };
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

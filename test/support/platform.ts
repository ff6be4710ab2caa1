// The whole platform on a test database: warehouse, semantic layer, HTTP app.
import type { FastifyInstance } from 'fastify';
import { readConfig } from '../../config.ts';
import { compileModel } from '../../cube/compiler.ts';
import { signToken, type SecurityContext } from '../../cube/api/security.ts';
import { SemanticLayer } from '../../cube/api/semantic-layer.ts';
import { buildApp } from '../../server/app.ts';
import { createUser, findUser } from '../../auth/users.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export const TEST_SECRET = 'test-secret-0123456789';

/** The password userToken gives every test user it creates. */
export const TEST_PASSWORD = 'Correct-Horse-Battery-9';

export interface TestPlatform {
  db: TestDatabase;
  app: FastifyInstance;
  layer: SemanticLayer;
  /** A service token (no user), as an integration signs it. */
  token(ctx: SecurityContext): Promise<string>;
  /** Creates the user if new (password TEST_PASSWORD), signs in through the API, returns the token. */
  userToken(user: SecurityContext & { name?: string; display?: string }): Promise<string>;
  load(query: unknown, token: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export interface TestPlatformOptions {
  /** The gateway's clock for relative date ranges ("last 6 months"). */
  now?: () => Date;
  /** More environment for readConfig (e.g. CUBEJS_DB_QUERY_LIMIT). */
  env?: Record<string, string>;
}

export async function startTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const db = await createTestDatabase();
  const config = readConfig({ NODE_ENV: 'test', CUBEJS_API_SECRET: TEST_SECRET, DATABASE_URL: db.url, ...options.env });
  const layer = new SemanticLayer(await compileModel(), db.pool, { now: options.now, limits: config.queryLimits, resultCacheBytes: config.resultCacheBytes });
  const app = await buildApp({ config, pool: db.pool, layer });
  return {
    db,
    app,
    layer,
    token: (ctx) => signToken(ctx, TEST_SECRET),
    async userToken({ role, region, name = `${role}_${region}`, display }) {
      const password = TEST_PASSWORD;
      if (!(await findUser(db.pool, name))) await createUser(db.pool, { name, display: display ?? name, role, region, password });
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { name, password } });
      if (res.statusCode !== 200) throw new Error(`测试用户 ${name} 登录失败：${res.statusCode} ${res.body}`);
      return res.json().token as string;
    },
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

// Bounded resources at the gateway: queries per request, a default row limit,
// requests in flight per user; and the request log that operators read.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../config.ts';
import { compileModel } from '../cube/compiler.ts';
import { DEFAULT_ROW_LIMIT, InFlight, MAX_QUERIES_PER_REQUEST, TooManyRequestsError } from '../cube/api/limits.ts';
import { SemanticLayer } from '../cube/api/semantic-layer.ts';
import { runLoad } from '../etl/load/batch.ts';
import { buildApp } from '../server/app.ts';
import { fileLogger } from '../server/logger.ts';
import { CITY, writeSmallCity } from './fixtures/small-city.ts';
import { startTestPlatform, TEST_SECRET, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
let dir: string;
let token: string;
const query = { measures: ['indicators.low_income_persons'], timeDimensions: [{ dimension: 'indicators.month', granularity: 'month' }] };

beforeAll(async () => {
  platform = await startTestPlatform();
  dir = await mkdtemp(path.join(os.tmpdir(), 'limits-city-'));
  await writeSmallCity(dir);
  await runLoad(platform.db.pool, [dir], { runBy: 'test' });
  token = await platform.userToken({ role: 'leader', region: CITY, name: 'limits.leader' });
});

afterAll(async () => {
  await platform?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('limits', () => {
  it(`refuses more than ${MAX_QUERIES_PER_REQUEST} queries in one request with 400`, async () => {
    const many = Array.from({ length: MAX_QUERIES_PER_REQUEST + 1 }, () => query);
    const res = await platform.app.inject({ method: 'POST', url: '/cubejs-api/v1/load', headers: { authorization: token }, payload: { query: many, queryType: 'multi' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toContain(`最多 ${MAX_QUERIES_PER_REQUEST} 个查询`);
    const fine = await platform.app.inject({ method: 'POST', url: '/cubejs-api/v1/load', headers: { authorization: token }, payload: { query: many.slice(1), queryType: 'multi' } });
    expect(fine.statusCode).toBe(200);
  });

  it('applies a default row limit and refuses a limit beyond the maximum', async () => {
    const res = await platform.load(query, token);
    expect(res.body.query.limit).toBe(DEFAULT_ROW_LIMIT);
    expect((await platform.load({ ...query, limit: 50_001 }, token)).status).toBe(400);
  });

  it('counts requests in flight per key and refuses past the limit until one ends', () => {
    const gate = new InFlight(2);
    const a = gate.enter('u');
    gate.enter('u');
    expect(() => gate.enter('u')).toThrow(TooManyRequestsError);
    gate.enter('v');
    a();
    a(); // leaving twice counts once
    expect(() => gate.enter('u')).not.toThrow();
    expect(() => gate.enter('u')).toThrow(TooManyRequestsError);
  });
});

describe('request log', () => {
  it('writes one line per request with method, path (no query string), status, time and user, to DATA_DIR/logs', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'server-logs-'));
    const logger = fileLogger(dataDir);
    const config = readConfig({ NODE_ENV: 'test', CUBEJS_API_SECRET: TEST_SECRET, DATABASE_URL: platform.db.url });
    const app = await buildApp({ config, pool: platform.db.pool, layer: new SemanticLayer(await compileModel(), platform.db.pool), logger });
    try {
      await app.inject({ url: `/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify(query))}`, headers: { authorization: token } });
      await app.inject({ url: '/api/auth/me' });
      let lines: Record<string, unknown>[] = [];
      for (let i = 0; i < 50 && lines.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const files = await readdir(path.join(dataDir, 'logs')).catch(() => [] as string[]);
        const text = (await Promise.all(files.map((f) => readFile(path.join(dataDir, 'logs', f), 'utf8')))).join('');
        lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
      }
      expect(lines).toEqual([
        expect.objectContaining({ method: 'GET', path: '/cubejs-api/v1/load', status: 200, user: 'limits.leader', ms: expect.any(Number) }),
        expect.objectContaining({ method: 'GET', path: '/api/auth/me', status: 401, user: null }),
      ]);
      expect(JSON.stringify(lines)).not.toContain('low_income_persons');
    } finally {
      await app.close();
      logger.flush();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

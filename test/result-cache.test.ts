// The gateway's result cache (cube/api/result-cache.ts): a repeated query is
// answered without reading the marts until a load commits (the cubes'
// refresh_key), the live rectification view is never kept, a scope never
// sees another's answers, person-level answers are never kept,
// concurrent misses share one query.
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { readConfig } from '../config.ts';
import { compileModel } from '../cube/compiler.ts';
import { parseQuery } from '../cube/api/query.ts';
import { ResultCache } from '../cube/api/result-cache.ts';
import { SemanticLayer } from '../cube/api/semantic-layer.ts';
import { CITY, COUNTY_A, writeSmallCity } from './fixtures/small-city.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
let dir: string;
let later: string;
let leader: string;

const relief = {
  measures: ['indicators.temp_relief_amount'],
  timeDimensions: [{ dimension: 'indicators.month', granularity: 'month', dateRange: ['2025-01-01', '2025-03-31'] }],
};

/** The statements that read marts or rollups (the answers), counted while `work` runs. */
async function martReads<T>(work: () => Promise<T>): Promise<{ result: T; reads: number }> {
  const pool = platform.db.pool;
  const original = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  let reads = 0;
  const spy = vi.spyOn(pool, 'query').mockImplementation(((...args: unknown[]) => {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text ?? '';
    if (/\b(marts|rollups)\./.test(text)) reads++;
    return original(...args);
  }) as never);
  try {
    return { result: await work(), reads };
  } finally {
    spy.mockRestore();
  }
}

const amounts = (body: { data: Record<string, unknown>[] }) => body.data.map((r) => Number(r['indicators.temp_relief_amount'] ?? 0));

beforeAll(async () => {
  platform = await startTestPlatform();
  dir = await mkdtemp(path.join(os.tmpdir(), 'result-cache-'));
  await writeSmallCity(dir);
  // the temporary relief arrives in a second load
  later = `${dir}-later`;
  await mkdir(later);
  await rename(path.join(dir, 'temp-relief.csv'), path.join(later, 'temp-relief.csv'));
  await runLoad(platform.db.pool, [dir], { runBy: 'test' });
  leader = await platform.token({ role: 'leader', region: CITY });
});

afterAll(async () => {
  await platform?.close();
  await rm(dir, { recursive: true, force: true });
  await rm(later, { recursive: true, force: true });
});

describe('result cache', () => {
  it('answers a repeated query without reading the marts, and reads anew once a load commits', async () => {
    const first = await martReads(() => platform.load(relief, leader));
    expect(first.result.status, JSON.stringify(first.result.body)).toBe(200);
    expect(first.reads).toBeGreaterThan(0);
    expect(amounts(first.result.body)).toEqual([0, 0, 0]);

    const again = await martReads(() => platform.load(relief, leader));
    expect(again.reads).toBe(0);
    expect(again.result.body.data).toEqual(first.result.body.data);

    await runLoad(platform.db.pool, [later], { runBy: 'test' });
    const after = await martReads(() => platform.load(relief, leader));
    expect(after.reads).toBeGreaterThan(0);
    expect(amounts(after.result.body).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(after.result.body.lastRefreshTime).not.toBe(first.result.body.lastRefreshTime);
  });

  it('keeps each scope its own: a county user never gets the city answer', async () => {
    const county = await platform.token({ role: 'leader', region: COUNTY_A });
    const query = { measures: ['indicators.temp_relief_amount'], timeDimensions: [{ dimension: 'indicators.month', dateRange: ['2025-01-01', '2025-03-31'] }] };
    const city = await platform.load(query, leader);
    const mine = await platform.load(query, county);
    expect(mine.status).toBe(200);
    expect(Number(mine.body.data[0]['indicators.temp_relief_amount'])).toBeLessThan(Number(city.body.data[0]['indicators.temp_relief_amount']));
  });

  it('shares one query among concurrent requests for the same answer', async () => {
    const query = { ...relief, timeDimensions: [{ ...relief.timeDimensions[0]!, granularity: 'quarter' }] };
    // four users of one scope at once (one user may have four queries in flight)
    const users = await Promise.all([1, 2, 3, 4].map((n) => platform.userToken({ role: 'leader', region: CITY, name: `leader_${n}` })));
    const { result, reads } = await martReads(() => Promise.all(users.flatMap((u) => [platform.load(query, u), platform.load(query, u)])));
    expect(result.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(new Set(result.map((r) => JSON.stringify(r.body.data))).size).toBe(1);
    expect(reads).toBe(1);
  });

  it('never keeps answers naming persons: each is read and audited', async () => {
    const admin = await platform.token({ role: 'admin', region: CITY });
    const query = { dimensions: ['integrity.person_name', 'integrity.check_title'], limit: 5 };
    const audited = async () => Number((await platform.db.pool.query(`select count(*) as n from app.audit_log where action = 'query_person_level'`)).rows[0].n);
    const before = await audited();
    const first = await martReads(() => platform.load(query, admin));
    expect(first.result.status, JSON.stringify(first.result.body)).toBe(200);
    const second = await martReads(() => platform.load(query, admin));
    expect(first.reads).toBeGreaterThan(0);
    expect(second.reads).toBeGreaterThan(0);
    expect(await audited()).toBe(before + 2);
  });

  it('never keeps answers of the live rectification view', async () => {
    const admin = await platform.token({ role: 'admin', region: CITY });
    const query = { measures: ['rectification.open_items'], timeDimensions: [{ dimension: 'rectification.month', dateRange: ['2025-01-01', '2025-03-31'] }] };
    const pool = platform.db.pool;
    const original = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
    let reads = 0;
    const spy = vi.spyOn(pool, 'query').mockImplementation(((...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text ?? '';
      if (text.includes('fct_rectification_period')) reads++;
      return original(...args);
    }) as never);
    const kept = platform.layer.resultCacheStats().entries;
    try {
      for (let i = 0; i < 2; i++) expect((await platform.load(query, admin)).status).toBe(200);
    } finally {
      spy.mockRestore();
    }
    expect(reads).toBe(2);
    // its refresh key is new at every read: the answer is not kept (nor evicts others)
    expect(platform.layer.resultCacheStats().entries).toBe(kept);
  });

  it('is off with RESULT_CACHE_MB=0: every request reads the warehouse', async () => {
    const config = readConfig({ NODE_ENV: 'test', RESULT_CACHE_MB: '0' });
    expect(config.resultCacheBytes).toBe(0);
    const layer = new SemanticLayer(await compileModel(), platform.db.pool, { resultCacheBytes: config.resultCacheBytes });
    const ctx = { role: 'leader', region: CITY } as const;
    const { reads } = await martReads(async () => {
      const query = parseQuery(relief);
      await layer.load(query, ctx);
      await layer.load(query, ctx);
    });
    expect(reads).toBe(2);
    expect(layer.resultCacheStats().entries).toBe(0);
  });
});

describe('ResultCache', () => {
  it('drops the least recently used answers past its bound', async () => {
    const cache = new ResultCache(2_000);
    const answer = (n: number) => ({ rows: [{ x: 'y'.repeat(n) }], total: null });
    await cache.get('a', async () => ({ answer: answer(900), keep: true }));
    await cache.get('b', async () => ({ answer: answer(900), keep: true }));
    await cache.get('c', async () => ({ answer: answer(900), keep: true }));
    expect(cache.stats().entries).toBe(2);
    expect(cache.stats().bytes).toBeLessThanOrEqual(2_000);
    let computed = 0;
    await cache.get('a', async () => {
      computed++;
      return { answer: answer(10), keep: true };
    });
    expect(computed).toBe(1);
  });

  it('keeps nothing that compute says is not the version asked for', async () => {
    const cache = new ResultCache(1_000_000);
    let computed = 0;
    const compute = async () => (computed++, { answer: { rows: [], total: null }, keep: false });
    await cache.get('k', compute);
    await cache.get('k', compute);
    expect(computed).toBe(2);
  });
});

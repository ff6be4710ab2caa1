// The leadership page's queries, issued over HTTP to the real server app
// (server/app.ts) with Cube's own client, exactly as the dashboard issues them:
// /meta, then for each granularity the city trend (buildTrendQuery) and the
// county ranking for the latest period with data (buildRankingQuery), with a
// city-wide `leader` token. Cold = first execution after a PostgreSQL restart;
// warm = N runs after that. Each has a hand-written baseline on the raw layer.
import cube, { type CubeApi, type Query } from '@cubejs-client/core';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { readConfig } from '../config.ts';
import type { CompiledCubeModel } from '../cube/compiler.ts';
import { signToken } from '../cube/api/security.ts';
import { SemanticLayer } from '../cube/api/semantic-layer.ts';
import { QUERY_MEASURES } from '../dashboard/src/indicators.ts';
import { GRANULARITIES, type Granularity, periodEnd, periodStart, searchDateRange } from '../dashboard/src/period.ts';
import { buildRankingQuery, buildTrendQuery } from '../dashboard/src/queries.ts';
import { rankingLevelFor } from '../dashboard/src/regions.ts';
import { availablePeriods, indexByPeriod, type Row } from '../dashboard/src/results.ts';
import { buildApp } from '../server/app.ts';
import { BASELINE_INDICATORS, runBaseline, type BaselineRow, type BaselineShape } from './baselines.ts';
import { freePort } from '../warehouse/free-port.ts';
import { type BenchDatabase, type BenchServer, openPool } from './database.ts';
import type { MemorySampler } from './memory.ts';
import { repeat, round, summarize, timed, type Summary } from './stats.ts';

/** 32 characters, as a production secret would be. */
export const BENCH_SECRET = 'bench-secret-0123456789abcdefghi';

export interface Gateway {
  baseUrl: string;
  api: CubeApi;
  token: string;
  close(): Promise<void>;
}

/**
 * The server app on its own pool, listening on a free port. `resultCache`
 * false: every answer is read from the warehouse (the query step measures the
 * warehouse, what the first reader after a load waits for).
 */
export async function startGateway(db: BenchDatabase, model: CompiledCubeModel, token: string, { resultCache = true } = {}): Promise<Gateway> {
  const pool = openPool(db.url);
  // the concurrency step signs in every simulated user from this one address
  const config = readConfig({ NODE_ENV: 'development', DATABASE_URL: db.url, CUBEJS_API_SECRET: BENCH_SECRET, LOGIN_ATTEMPTS_PER_MINUTE: '10000', ...(resultCache ? {} : { RESULT_CACHE_MB: '0' }) });
  const layer = new SemanticLayer(model, pool, { limits: config.queryLimits, resultCacheBytes: config.resultCacheBytes });
  let app: FastifyInstance;
  try {
    app = await buildApp({ config, pool, layer });
    const port = await freePort();
    await app.listen({ port, host: '127.0.0.1' });
    const baseUrl = `http://127.0.0.1:${port}`;
    return {
      baseUrl,
      api: cube(token, { apiUrl: `${baseUrl}/cubejs-api/v1` }),
      token,
      async close() {
        await app.close();
        await pool.end();
      },
    };
  } catch (e) {
    await pool.end();
    throw e;
  }
}

export async function cityToken(pool: pg.Pool): Promise<{ token: string; cityCode: string; cityName: string }> {
  const r = await pool.query<{ region_code: string; region_name: string }>(`select region_code, region_name from marts.dim_region where region_level = 'city' order by region_code limit 1`);
  const city = r.rows[0];
  if (!city) throw new Error('数据仓库中没有市级区划：导入是否成功？');
  return { token: await signToken({ role: 'leader', region: city.region_code }, BENCH_SECRET), cityCode: city.region_code, cityName: city.region_name };
}

export interface PageQuery {
  name: string;
  kind: 'meta' | 'trend' | 'ranking';
  granularity?: Granularity;
  query?: Query;
  baseline?: BaselineShape;
}

/** The page's queries, found as the page finds them: the ranking's period is the newest in the trend's result. */
export async function discoverQueries(gateway: Gateway, cityCode: string, today = new Date()): Promise<PageQuery[]> {
  const level = rankingLevelFor(cityCode);
  if (!level) throw new Error(`区划 ${cityCode} 不是市级：页面不显示排名`);
  const out: PageQuery[] = [{ name: 'meta', kind: 'meta' }];
  const [from, to] = searchDateRange(today);
  for (const g of GRANULARITIES) {
    const trend = buildTrendQuery(g, today);
    const rows = (await gateway.api.load(trend)).rawData() as Row[];
    const latest = availablePeriods(indexByPeriod(rows, g, QUERY_MEASURES))[0];
    out.push({ name: `trend.${g}`, kind: 'trend', granularity: g, query: trend, baseline: { level: 'city', granularity: g, from, to } });
    if (!latest) continue;
    out.push({
      name: `ranking.${g}(${periodStart(latest).slice(0, 7)})`,
      kind: 'ranking',
      granularity: g,
      query: buildRankingQuery(latest, level),
      baseline: { level: 'county', granularity: g, from: periodStart(latest), to: periodEnd(latest) },
    });
  }
  return out;
}

async function execute(gateway: Gateway, q: PageQuery): Promise<Row[]> {
  if (q.kind === 'meta') {
    await gateway.api.meta();
    return [];
  }
  return (await gateway.api.load(q.query!)).rawData() as Row[];
}

/** Which rollups the gateway's plan reads (GET /cubejs-api/v1/sql), and the SQL. */
async function planOf(gateway: Gateway, q: PageQuery): Promise<{ servedFrom: string; sql: string }> {
  if (q.kind === 'meta') return { servedFrom: '—（模型元数据，不查数据库）', sql: '' };
  const res = await fetch(`${gateway.baseUrl}/cubejs-api/v1/sql?query=${encodeURIComponent(JSON.stringify(q.query))}`, { headers: { Authorization: gateway.token } });
  const body = (await res.json()) as { sql?: { sql: [string, unknown[]]; preAggregations: { preAggregationId: string; tableName: string }[] }; error?: string };
  if (!res.ok || !body.sql) throw new Error(`/sql 失败（HTTP ${res.status}）：${body.error ?? ''}`);
  const rollups = body.sql.preAggregations;
  return {
    servedFrom: rollups.length > 0 ? rollups.map((r) => `rollup ${r.preAggregationId}（${r.tableName}）`).join('，') : 'marts（未命中汇总表）',
    sql: body.sql.sql[0],
  };
}

export interface ValueCheck {
  compared: number;
  mismatched: number;
  /** Keys the gateway returns with non-zero values that the baseline lacks, or the reverse. */
  unmatched: number;
  examples: string[];
}

function compareValues(q: PageQuery, gatewayRows: Row[], baselineRows: BaselineRow[], numerator: string, denominator: string, cityCode: string): ValueCheck {
  const g = q.granularity!;
  const gateway = new Map<string, [number, number]>();
  for (const row of gatewayRows) {
    const period = String(row[`indicators.month.${g}`] ?? row['indicators.month'] ?? '').slice(0, 10);
    const group = q.kind === 'trend' ? cityCode : String(row['indicators.county_code'] ?? '');
    gateway.set(`${period}|${group}`, [Number(row[numerator] ?? 0), Number(row[denominator] ?? 0)]);
  }
  const check: ValueCheck = { compared: 0, mismatched: 0, unmatched: 0, examples: [] };
  const seen = new Set<string>();
  for (const b of baselineRows) {
    const key = `${b.period_start}|${b.group_code}`;
    seen.add(key);
    const got = gateway.get(key);
    if (!got) {
      check.unmatched++;
      if (check.examples.length < 3) check.examples.push(`${key}: 网关无此行，基线 ${b.numerator}/${b.denominator}`);
      continue;
    }
    check.compared++;
    if (Math.abs(got[0] - Number(b.numerator)) > 0.005 || Math.abs(got[1] - Number(b.denominator)) > 0.005) {
      check.mismatched++;
      if (check.examples.length < 3) check.examples.push(`${key}: 网关 ${got[0]}/${got[1]}，基线 ${b.numerator}/${b.denominator}`);
    }
  }
  for (const [key, [n, d]] of gateway) {
    if (seen.has(key) || (n === 0 && d === 0)) continue;
    // a region or period without any fact rows is absent from the raw-layer baseline; only numerators must agree
    if (n === 0) continue;
    check.unmatched++;
    if (check.examples.length < 3) check.examples.push(`${key}: 基线无此行，网关 ${n}/${d}`);
  }
  return check;
}

export interface BaselineMeasurement extends Summary {
  /** The four indicator statements run one after another, per run. */
  by_indicator: Record<string, Summary & { values: ValueCheck }>;
}

export interface QueryMeasurement {
  name: string;
  kind: PageQuery['kind'];
  served_from: string;
  rows: number;
  cold_ms: number;
  warm: Summary;
  p50_ms: number;
  p95_ms: number;
  baseline: BaselineMeasurement | null;
  ratio_p50: number | null;
  sql: string;
  query: Query | null;
}

export interface QueryOptions {
  runs: number;
  /** Time budget per baseline (ms): slow raw-layer statements stop after at least 3 runs. */
  baselineBudgetMs: number;
  log: (msg: string) => void;
  memory: MemorySampler;
}

/** Restarts PostgreSQL and starts a gateway on fresh connections, the API answering (/readyz). */
async function coldGateway(server: BenchServer, db: BenchDatabase, model: CompiledCubeModel, token: string): Promise<Gateway> {
  await server.restart();
  const gateway = await startGateway(db, model, token, { resultCache: false });
  const ready = await fetch(`${gateway.baseUrl}/readyz`);
  if (!ready.ok) throw new Error(`/readyz 失败：HTTP ${ready.status}`);
  return gateway;
}

export async function measureQueries(server: BenchServer, db: BenchDatabase, model: CompiledCubeModel, options: QueryOptions): Promise<{ queries: QueryMeasurement[]; city: string }> {
  const { log, runs } = options;
  const { token, cityCode, cityName } = await cityToken(db.pool);
  log(`令牌：leader @ ${cityCode}（${cityName}）`);

  // The query set, its plans (rollup or marts) and its results for the value check.
  let gateway = await startGateway(db, model, token);
  let pageQueries: PageQuery[];
  const plans = new Map<string, { servedFrom: string; sql: string }>();
  const results = new Map<string, Row[]>();
  try {
    pageQueries = await discoverQueries(gateway, cityCode);
    for (const q of pageQueries) {
      plans.set(q.name, await planOf(gateway, q));
      results.set(q.name, await execute(gateway, q));
    }
  } finally {
    await gateway.close();
  }
  log(`页面查询：${pageQueries.map((q) => q.name).join('、')}`);

  // Cold: each query first after a restart of PostgreSQL (empty shared buffers).
  const cold = new Map<string, number>();
  for (const q of pageQueries) {
    gateway = await coldGateway(server, db, model, token);
    try {
      cold.set(q.name, (await timed(() => execute(gateway, q))).ms);
    } finally {
      await gateway.close();
    }
    log(`  冷查询 ${q.name}：${cold.get(q.name)!.toFixed(1)} ms`);
  }

  // Warm: N runs each on one running server, every one read from the warehouse.
  const warm = new Map<string, number[]>();
  gateway = await startGateway(db, model, token, { resultCache: false });
  try {
    for (const q of pageQueries) {
      warm.set(q.name, await repeat(() => execute(gateway, q), runs, { minRuns: runs }));
      const s = summarize(warm.get(q.name)!);
      log(`  热查询 ${q.name}：p50 ${s.p50_ms} ms，p95 ${s.p95_ms} ms（${s.runs} 次）`);
    }
  } finally {
    await gateway.close();
  }

  // Baselines on the raw layer, on their own pool, warm.
  options.memory.setPhase('baselines');
  const pool = openPool(db.url);
  const baselines = new Map<string, BaselineMeasurement>();
  try {
    for (const q of pageQueries) {
      if (!q.baseline) continue;
      const shape = q.baseline;
      const perIndicator = new Map<string, number[]>();
      const checks = new Map<string, ValueCheck>();
      for (const ind of BASELINE_INDICATORS) {
        const rows = await runBaseline(pool, ind, shape); // warms the cache and gives the values
        checks.set(ind.key, compareValues(q, results.get(q.name)!, rows, ind.numerator, ind.denominator, cityCode));
        perIndicator.set(ind.key, []);
      }
      const totals = await repeat(
        async () => {
          for (const ind of BASELINE_INDICATORS) perIndicator.get(ind.key)!.push((await timed(() => runBaseline(pool, ind, shape))).ms);
        },
        runs,
        { budgetMs: options.baselineBudgetMs, minRuns: 3 },
      );
      const m: BaselineMeasurement = {
        ...summarize(totals),
        by_indicator: Object.fromEntries(BASELINE_INDICATORS.map((ind) => [ind.key, { ...summarize(perIndicator.get(ind.key)!), values: checks.get(ind.key)! }])),
      };
      baselines.set(q.name, m);
      log(`  基线 ${q.name}：p50 ${m.p50_ms} ms，p95 ${m.p95_ms} ms（${m.runs} 次）`);
    }
  } finally {
    await pool.end();
  }

  const queries = pageQueries.map((q): QueryMeasurement => {
    const w = summarize(warm.get(q.name)!);
    const b = baselines.get(q.name) ?? null;
    return {
      name: q.name,
      kind: q.kind,
      served_from: plans.get(q.name)!.servedFrom,
      rows: results.get(q.name)!.length,
      cold_ms: round(cold.get(q.name)!),
      warm: w,
      p50_ms: w.p50_ms,
      p95_ms: w.p95_ms,
      baseline: b,
      ratio_p50: b ? round(w.p50_ms / b.p50_ms, 3) : null,
      sql: plans.get(q.name)!.sql,
      query: q.query ?? null,
    };
  });
  return { queries, city: `${cityName}（${cityCode}）` };
}

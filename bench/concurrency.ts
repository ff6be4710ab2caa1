// Many people at once: N simulated users, each signing in once (a real account,
// Argon2id, POST /api/auth/login) and then, for a fixed time, opening the
// leadership page or the 基本生活救助 catalogue page (their Cube queries over
// HTTP, one at a time, with think times), while the monthly load runs in the
// middle. The users run on their own thread (concurrency-users.ts), as clients
// would on their own machines: on the server's event loop their own requests
// and JSON counted as server latency. Reports p50/p95/p99 per query,
// before/during/after the load, errors and throughput. Never run in CI; no
// test asserts these timings.
import { Worker } from 'node:worker_threads';
import type { Query } from '@cubejs-client/core';
import type pg from 'pg';
import { createUser } from '../auth/users.ts';
import { LIVING_VIEWS, timeDimensionOf } from '../dashboard/src/catalogue.ts';
import { searchDateRange } from '../dashboard/src/period.ts';
import { CACHE_DIR, type BenchData } from './data.ts';
import type { UserSample, UsersJob, UsersOutcome } from './concurrency-users.ts';
import { measureMonthlyReload } from './monthly.ts';
import type { Gateway, PageQuery } from './queries.ts';
import { percentile, round } from './stats.ts';

export interface LatencySummary {
  count: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
}

export interface ConcurrencyResult {
  users: number;
  seconds: number;
  think_ms: [number, number];
  sign_in: LatencySummary;
  queries: Record<string, LatencySummary>;
  overall: LatencySummary;
  before_load: LatencySummary | null;
  during_load: LatencySummary | null;
  after_load: LatencySummary | null;
  errors: number;
  error_examples: string[];
  throughput_qps: number;
  monthly_load: { started_at_s: number; seconds: number; error: string | null };
}


const PASSWORD = 'Bench-Concurrent-User-2026';
const THINK_MS: [number, number] = [250, 1_500];

function summary(ms: readonly number[]): LatencySummary {
  return {
    count: ms.length,
    p50_ms: round(percentile(ms, 0.5)),
    p95_ms: round(percentile(ms, 0.95)),
    p99_ms: round(percentile(ms, 0.99)),
    max_ms: round(Math.max(...ms)),
  };
}

/** The 基本生活救助 page's queries: each view's measures by month, over the page's search range. */
function cataloguePage(today: Date): PageQuery[] {
  const [from, to] = searchDateRange(today);
  return LIVING_VIEWS.filter((v) => v.measures.length > 0).map((v) => ({
    name: `living.${v.view}`,
    kind: 'trend' as const,
    query: { measures: v.measures, timeDimensions: [{ dimension: timeDimensionOf(v.view), granularity: 'month', dateRange: [from, to] }] } as Query,
  }));
}

/** Accounts for the simulated users: leaders of the city and staff of each county in turn. */
async function createUsers(pool: pg.Pool, n: number, cityCode: string): Promise<string[]> {
  const counties = await pool.query<{ region_code: string }>(`select region_code from marts.dim_region where region_level = 'county' order by region_code`);
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `bench_user_${i}`;
    const county = counties.rows[i % Math.max(1, counties.rows.length)]?.region_code;
    const leader = i % 2 === 0 || !county;
    await pool.query('delete from app.sessions where user_name = $1', [name]);
    await pool.query('delete from app.users where name = $1', [name]);
    await createUser(pool, { name, role: leader ? 'leader' : 'staff', region: leader ? cityCode : county, password: PASSWORD });
    names.push(name);
  }
  return names;
}

async function signIn(baseUrl: string, name: string): Promise<{ token: string; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: PASSWORD }) });
  const body = (await res.json()) as { token?: string; error?: string };
  if (!res.ok || !body.token) throw new Error(`用户 ${name} 登录失败（HTTP ${res.status}）：${body.error ?? ''}`);
  return { token: body.token, ms: performance.now() - started };
}

/** The users' loop on its own thread (concurrency-users.ts), so it does not share the server's event loop. */
function runUsersOnThread(job: UsersJob): Promise<UsersOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./concurrency-users.mjs', import.meta.url), { workerData: job });
    worker.once('message', (outcome: UsersOutcome) => {
      resolve(outcome);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

export async function measureConcurrency(args: {
  gateway: Gateway;
  pool: pg.Pool;
  data: BenchData;
  leadershipPage: PageQuery[];
  cityCode: string;
  users: number;
  seconds: number;
  log: (msg: string) => void;
}): Promise<ConcurrencyResult> {
  const { gateway, pool, data, users, seconds, log } = args;
  const pages = [args.leadershipPage, cataloguePage(new Date())];
  log(`并发：创建 ${users} 个用户并登录 …`);
  const names = await createUsers(pool, users, args.cityCode);
  const signIns = await Promise.all(names.map((n) => signIn(gateway.baseUrl, n)));

  // epoch milliseconds: the users' thread has its own performance clock
  const now = () => performance.timeOrigin + performance.now();
  const started = now();
  const deadline = started + seconds * 1000;
  const loadAt = started + (seconds * 1000) / 3;
  const load = { started_at_s: 0, seconds: 0, error: null as string | null, from: Infinity, to: Infinity };

  const monthly = (async () => {
    await new Promise((r) => setTimeout(r, loadAt - now()));
    load.from = now();
    load.started_at_s = round((load.from - started) / 1000);
    log(`并发：第 ${load.started_at_s} 秒开始月度导入 …`);
    try {
      // the monthly step loaded the same copies before: without force every file would be skipped
      await measureMonthlyReload(pool, data, CACHE_DIR, () => {}, { force: true });
    } catch (e) {
      load.error = (e as Error).message;
    }
    load.to = now();
    load.seconds = round((load.to - load.from) / 1000);
    log(`并发：月度导入用时 ${load.seconds} 秒${load.error ? `，失败：${load.error}` : ''}`);
  })();

  log(`并发：${users} 个用户，${seconds} 秒 …`);
  const pageQueries = pages.map((page) => page.map(({ name, kind, query }) => ({ name, kind, query })));
  const [{ samples, errors }] = await Promise.all([
    runUsersOnThread({ baseUrl: gateway.baseUrl, tokens: signIns.map((s) => s.token), pages: pageQueries, deadline, think_ms: THINK_MS }),
    monthly,
  ]);
  const elapsed = (now() - started) / 1000;

  const byName = new Map<string, number[]>();
  for (const s of samples) byName.set(s.name, [...(byName.get(s.name) ?? []), s.ms]);
  const window = (keep: (s: UserSample) => boolean) => {
    const ms = samples.filter(keep).map((s) => s.ms);
    return ms.length > 0 ? summary(ms) : null;
  };
  return {
    users,
    seconds,
    think_ms: THINK_MS,
    sign_in: summary(signIns.map((s) => s.ms)),
    queries: Object.fromEntries([...byName].map(([name, ms]) => [name, summary(ms)])),
    overall: summary(samples.map((s) => s.ms)),
    before_load: window((s) => s.at < load.from),
    during_load: window((s) => s.at >= load.from && s.at < load.to),
    after_load: window((s) => s.at >= load.to),
    errors: errors.length,
    error_examples: [...new Set(errors)].slice(0, 5),
    throughput_qps: round(samples.length / elapsed),
    monthly_load: { started_at_s: load.started_at_s, seconds: load.seconds, error: load.error },
  };
}

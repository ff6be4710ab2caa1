// The one place that reads the environment. Everything else imports `config`.
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_RESULT_CACHE_MB } from './cube/api/result-cache.ts';

const DEV_SECRET = 'dev-only-secret-change-me';

const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('.data'),
  DATABASE_URL: z.string().url().optional(),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  CUBEJS_API_SECRET: z.string().min(16).optional(),
  ETL_RUN_BY: z.string().optional(),
  TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false'),
  DEMO_DATA: z.enum(['true', 'false', '1', '0']).optional(),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(180, '审计日志至少保留 180 天').default(180),
  LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  CUBEJS_DB_QUERY_DEFAULT_LIMIT: z.coerce.number().int().positive().default(10_000),
  CUBEJS_DB_QUERY_LIMIT: z.coerce.number().int().positive().default(50_000),
  RESULT_CACHE_MB: z.coerce.number().int().min(0).default(DEFAULT_RESULT_CACHE_MB),
});

const flag = (v: string) => v === 'true' || v === '1';

export interface Config {
  nodeEnv: string;
  isProduction: boolean;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  embeddedPgPort: number;
  apiSecret: string;
  etlRunBy: string;
  /** Behind a reverse proxy (TLS in front): take the client address from X-Forwarded-For. */
  trustProxy: boolean;
  /** Fill an empty warehouse with the synthetic demo city at start (development default). */
  demoData: boolean;
  auditRetentionDays: number;
  /** Sign-in attempts one client address may make per minute (all names together). */
  loginAttemptsPerMinute: number;
  /** Rows a Cube query answers when it sets no limit, and the most it may ask for (Cube's variables of the same names). */
  queryLimits: { defaultLimit: number; maxLimit: number };
  /** Bytes of query answers the gateway keeps between loads (cube/api/result-cache.ts); 0 keeps none. */
  resultCacheBytes: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`环境变量配置错误：${problems}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  if (isProduction && !e.CUBEJS_API_SECRET) {
    throw new Error('生产环境必须设置 CUBEJS_API_SECRET（至少 16 个字符）');
  }
  return {
    nodeEnv: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    apiSecret: e.CUBEJS_API_SECRET ?? DEV_SECRET,
    etlRunBy: e.ETL_RUN_BY ?? process.env.USER ?? 'unknown',
    trustProxy: flag(e.TRUST_PROXY),
    demoData: e.DEMO_DATA === undefined ? !isProduction : flag(e.DEMO_DATA),
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    loginAttemptsPerMinute: e.LOGIN_ATTEMPTS_PER_MINUTE,
    // as Cube: the default never exceeds the maximum
    queryLimits: { defaultLimit: Math.min(e.CUBEJS_DB_QUERY_DEFAULT_LIMIT, e.CUBEJS_DB_QUERY_LIMIT), maxLimit: e.CUBEJS_DB_QUERY_LIMIT },
    resultCacheBytes: e.RESULT_CACHE_MB * 1024 * 1024,
  };
}

// Development only: hands the dashboard a city-wide token, until sign-in exists.
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { signToken } from '../cube/api/security.ts';

export interface DevTokenOptions {
  pool: pg.Pool;
  apiSecret: string;
}

export async function devTokenPlugin(app: FastifyInstance, { pool, apiSecret }: DevTokenOptions): Promise<void> {
  app.get('/api/dev-token', async (_request, reply) => {
    const city = await pool
      .query<{ region_code: string; region_name: string }>(`select region_code, region_name from marts.dim_region where region_level = 'city' order by region_code limit 1`)
      .catch(() => ({ rows: [] as { region_code: string; region_name: string }[] }));
    const row = city.rows[0];
    if (!row) return reply.status(503).send({ error: '数据仓库中还没有行政区划数据：请先导入数据（npm run etl -- load 目录）' });
    const context = { role: 'leader' as const, region: row.region_code };
    return { token: await signToken(context, apiSecret), ...context, regionName: row.region_name };
  });
}

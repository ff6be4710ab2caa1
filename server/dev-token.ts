// Development only (registered when NODE_ENV is not production): hands the
// dashboard a city-wide token, until sign-in exists. `?role=` asks for another
// role (admin, leader, staff, inspector) to try what each may see; the
// default is leader.
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { ROLES, signToken } from '../cube/api/security.ts';

export interface DevTokenOptions {
  pool: pg.Pool;
  apiSecret: string;
}

const querySchema = z.object({
  role: z.enum(ROLES, { error: `参数 role 应为 ${ROLES.join('、')} 之一` }).default('leader'),
});

export async function devTokenPlugin(app: FastifyInstance, { pool, apiSecret }: DevTokenOptions): Promise<void> {
  app.get('/api/dev-token', async (request, reply) => {
    const query = querySchema.safeParse(request.query ?? {});
    if (!query.success) return reply.status(400).send({ error: query.error.issues.map((i) => i.message).join('；') });
    const city = await pool
      .query<{ region_code: string; region_name: string }>(`select region_code, region_name from marts.dim_region where region_level = 'city' order by region_code limit 1`)
      .catch(() => ({ rows: [] as { region_code: string; region_name: string }[] }));
    const row = city.rows[0];
    if (!row) return reply.status(503).send({ error: '数据仓库中还没有行政区划数据：请先导入数据（npm run etl -- load 目录）' });
    const context = { role: query.data.role, region: row.region_code };
    return { token: await signToken(context, apiSecret), ...context, regionName: row.region_name };
  });
}

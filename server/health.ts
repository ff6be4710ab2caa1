// Health answers for load balancers and orchestrators, reachable without a token:
// /livez (the process answers), /readyz (the warehouse answers too).
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';

export async function healthPlugin(app: FastifyInstance, { pool }: { pool: pg.Pool }): Promise<void> {
  app.get('/livez', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    try {
      await pool.query('select 1');
      return { health: 'HEALTH' };
    } catch (e) {
      request.log.error(e);
      return reply.status(503).send({ health: 'DOWN', error: '数据库不可用' });
    }
  });
}

// GET /api/audit: the audit trail, for administrators only.
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { requireRoles } from '../auth/guard.ts';
import { auditFilterSchema, findAuditRecords } from './query.ts';

export async function auditPlugin(app: FastifyInstance, { pool }: { pool: pg.Pool }): Promise<void> {
  app.get('/api/audit', { preHandler: requireRoles('admin') }, async (request, reply) => {
    const filter = auditFilterSchema.safeParse(request.query ?? {});
    if (!filter.success) return reply.status(400).send({ error: filter.error.issues.map((i) => `${i.path.join('.')}：${i.message}`).join('；') });
    return { records: await findAuditRecords(pool, filter.data) };
  });
}

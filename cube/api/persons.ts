// POST /api/persons/reveal: the full values of one person-level record, for the
// roles a view allows, inside the caller's region, each reveal audited. The
// record is found through the same semantic layer (and so the same region
// scope) as every query; its key is the masked key the caller was shown.
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { appendAudit } from '../../audit/trail.ts';
import { ROLE_TITLES } from '../../auth/principal.ts';
import { maskValue } from './masking.ts';
import { parseQuery } from './query.ts';
import type { SemanticLayer } from './semantic-layer.ts';

export interface PersonsOptions {
  layer: SemanticLayer;
  pool: pg.Pool;
}

const revealSchema = z.object({
  view: z.string().min(1).max(64),
  key: z.string().min(1).max(512),
}).strict();

export async function personsPlugin(app: FastifyInstance, { layer, pool }: PersonsOptions): Promise<void> {
  app.post('/api/persons/reveal', async (request, reply) => {
    const body = revealSchema.safeParse(request.body ?? {});
    if (!body.success) return reply.status(400).send({ error: '请求应为 {view, key}' });
    const { view, key } = body.data;
    const principal = request.principal;
    const policy = layer.policies.get(view);
    const restricted = policy?.restricted;
    if (!policy || !restricted?.reveal_key) return reply.status(404).send({ error: `数据集"${view}"没有可查看的人员明细` });
    const target = `${view}:${key}`;
    if (!restricted.roles.includes(principal.role)) {
      await appendAudit(pool, { actor: principal, action: 'reveal', target, outcome: 'denied' });
      return reply.status(403).send({ error: `当前角色（${ROLE_TITLES[principal.role]}）无权查看人员明细` });
    }
    const keyMember = `${view}.${restricted.reveal_key}`;
    const keyKind = restricted.masked[restricted.reveal_key];
    // the masked key keeps its unmasked head and tail: narrow by them, then compare masked
    const head = key.split('*')[0]!;
    const tail = key.includes('*') ? key.slice(key.lastIndexOf('*') + 1) : '';
    const members = [...new Set([restricted.reveal_key, ...Object.keys(restricted.masked)])].map((m) => `${view}.${m}`);
    const result = await layer.load(parseQuery({
      dimensions: members,
      ungrouped: true,
      limit: 50,
      filters: [
        ...(head ? [{ member: keyMember, operator: 'startsWith', values: [head] }] : []),
        ...(tail ? [{ member: keyMember, operator: 'endsWith', values: [tail] }] : []),
      ],
    }), principal);
    const matches = result.data.filter((row) => (keyKind ? maskValue(keyKind, row[keyMember]) : row[keyMember]) === key);
    if (matches.length !== 1) {
      await appendAudit(pool, { actor: principal, action: 'reveal', target, detail: { matches: matches.length }, outcome: 'failed' });
      return reply.status(404).send({ error: matches.length === 0 ? '未找到该记录，或不在本账号的区划范围内' : '该键对应多条记录，请缩小范围后查看' });
    }
    const row = matches[0]!;
    const values = Object.fromEntries(Object.keys(restricted.masked).map((m) => [m, row[`${view}.${m}`] ?? null]));
    await appendAudit(pool, { actor: principal, action: 'reveal', target, detail: { members: Object.keys(values) } });
    return { view, key, values };
  });
}

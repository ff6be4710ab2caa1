// Reading the audit trail: filtered lists for GET /api/audit and the CLI.
import type pg from 'pg';
import { z } from 'zod';
import { AUDIT_ACTIONS } from './trail.ts';

type Queryable = Pick<pg.Pool | pg.ClientBase, 'query'>;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为 YYYY-MM-DD');

export const auditFilterSchema = z.object({
  user: z.string().max(128).optional(),
  action: z.enum(AUDIT_ACTIONS, { error: `action 应为 ${AUDIT_ACTIONS.join('、')} 之一` }).optional(),
  from: day.optional(),
  to: day.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
}).strict();
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export interface AuditRecord {
  id: number;
  at: string;
  user: string;
  role: string | null;
  region: string | null;
  client: string | null;
  action: string;
  target: string | null;
  detail: unknown;
  outcome: string;
}

/** Newest first. `from`/`to` are whole days in China's calendar (UTC+8), inclusive. */
export async function findAuditRecords(db: Queryable, filter: AuditFilter): Promise<AuditRecord[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    values.push(value);
    where.push(sql.replace('?', `$${values.length}`));
  };
  if (filter.user) add('user_name = ?', filter.user);
  if (filter.action) add('action = ?', filter.action);
  if (filter.from) add(`at >= (?::date)::timestamp at time zone 'Asia/Shanghai'`, filter.from);
  if (filter.to) add(`at < (?::date + 1)::timestamp at time zone 'Asia/Shanghai'`, filter.to);
  values.push(filter.limit);
  const r = await db.query<{ id: string; at: Date; user_name: string; role: string | null; region_code: string | null; client_address: string | null; action: string; target: string | null; detail: unknown; outcome: string }>(
    `select id, at, user_name, role, region_code, client_address, action, target, detail, outcome
       from app.audit_log ${where.length ? `where ${where.join(' and ')}` : ''}
      order by id desc limit $${values.length}`,
    values,
  );
  return r.rows.map((row) => ({
    id: Number(row.id),
    at: row.at.toISOString(),
    user: row.user_name,
    role: row.role,
    region: row.region_code,
    client: row.client_address,
    action: row.action,
    target: row.target,
    detail: row.detail,
    outcome: row.outcome,
  }));
}

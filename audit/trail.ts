// Writing to the audit trail (app.audit_log). The database chains and guards
// each record (audit/schema.sql); this module only says what happened.
import type pg from 'pg';
import type { Principal } from '../auth/principal.ts';

export const AUDIT_ACTIONS = [
  'login', 'login_failed', 'logout',
  'query_person_level', 'reveal', 'export', 'download',
  'change', 'user_admin', 'etl', 'audit_prune',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditOutcome = 'ok' | 'denied' | 'failed';

/** Who acted: a principal from a request, or a named actor (the CLI's OS user). */
export type AuditActor = Pick<Principal, 'name' | 'role' | 'region' | 'client'> | { name: string; role?: string | null; region?: string | null; client?: string | null };

export interface AuditEntry {
  actor: AuditActor;
  action: AuditAction;
  /** What was acted on, e.g. `user:zhangsan`, `integrity:multiple_rosters:…`, `rectification:12`. */
  target?: string | null;
  detail?: Record<string, unknown>;
  outcome?: AuditOutcome;
}

type Queryable = Pick<pg.Pool | pg.ClientBase, 'query'>;

/**
 * Appends one record. Pass the transaction's client when the change it records
 * is in a transaction, so the record commits (or rolls back) with it.
 */
export async function appendAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  const { actor } = entry;
  await db.query(
    `insert into app.audit_log (id, user_name, role, region_code, client_address, action, target, detail, outcome, prev_hash, hash)
     values (0, $1, $2, $3, $4, $5, $6, $7, $8, '', '')`,
    [actor.name, actor.role ?? null, actor.region ?? null, actor.client ?? null, entry.action, entry.target ?? null, JSON.stringify(entry.detail ?? {}), entry.outcome ?? 'ok'],
  );
}

/** The operating-system user running a command-line tool, as the audit trail names it. */
export function cliActor(runBy: string): AuditActor {
  return { name: `cli:${runBy}`, role: null, region: null, client: 'localhost' };
}

// Removes audit records older than the retention period, oldest first, and
// records the removal (with the hash the chain now starts from) in the trail.
import type pg from 'pg';
import { appendAudit, type AuditActor } from './trail.ts';

export interface PruneResult {
  deleted: number;
  firstKeptId: number | null;
}

export async function pruneAuditLog(pool: pg.Pool, retentionDays: number, actor: AuditActor): Promise<PruneResult> {
  if (retentionDays < 180) throw new Error('审计日志至少保留 180 天');
  const client = await pool.connect();
  try {
    await client.query('begin');
    const cutoff = await client.query<{ cutoff: Date }>(`select now() - make_interval(days => $1) as cutoff`, [retentionDays]);
    const before = cutoff.rows[0]!.cutoff;
    const kept = await client.query<{ id: string; prev_hash: string }>(
      `select id, prev_hash from app.audit_log where at >= $1 order by id limit 1`,
      [before],
    );
    const old = await client.query<{ n: string }>(`select count(*) as n from app.audit_log where at < $1`, [before]);
    const count = Number(old.rows[0]!.n);
    if (count === 0) {
      await client.query('rollback');
      return { deleted: 0, firstKeptId: kept.rows[0] ? Number(kept.rows[0].id) : null };
    }
    await client.query(`select set_config('app.audit_prune_before', $1, true)`, [before.toISOString()]);
    await client.query(`delete from app.audit_log where at < $1`, [before]);
    // with nothing newer kept, the chain continues from the prune record itself
    const firstKept = kept.rows[0];
    await appendAudit(client, {
      actor,
      action: 'audit_prune',
      target: 'app.audit_log',
      detail: { deleted: count, before: before.toISOString(), retention_days: retentionDays, first_kept_id: firstKept ? firstKept.id : null, anchor_hash: firstKept ? firstKept.prev_hash : null },
    });
    await client.query('commit');
    return { deleted: count, firstKeptId: firstKept ? Number(firstKept.id) : null };
  } catch (e) {
    await client.query('rollback').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

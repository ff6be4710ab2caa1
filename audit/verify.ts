// Checks the audit trail's hash chain from its first record to its last,
// recomputing every hash here rather than trusting the database's function.
import { createHash } from 'node:crypto';
import type pg from 'pg';

type Queryable = Pick<pg.Pool | pg.ClientBase, 'query'>;

export const GENESIS_HASH = '0'.repeat(64);
const SEPARATOR = '\x1f';
const PAGE = 5_000;

export interface ChainCheck {
  records: number;
  /** The first record whose link or hash is wrong, with why; null when the chain holds. */
  broken: { id: number; reason: string } | null;
}

interface Row {
  id: string;
  at_text: string;
  user_name: string;
  role: string | null;
  region_code: string | null;
  client_address: string | null;
  action: string;
  target: string | null;
  detail_text: string;
  outcome: string;
  prev_hash: string;
  hash: string;
}

/** The same fields, in the same order and text form, as app.audit_canonical. */
function canonical(r: Row): string {
  return [r.id, r.at_text, r.user_name, r.role ?? '', r.region_code ?? '', r.client_address ?? '', r.action, r.target ?? '', r.detail_text, r.outcome].join(SEPARATOR);
}

export async function verifyAuditChain(db: Queryable): Promise<ChainCheck> {
  // records removed by `audit prune` leave the hash of the last one removed as the anchor
  const anchors = await db.query<{ first_kept: string; anchor: string }>(
    `select detail->>'first_kept_id' as first_kept, detail->>'anchor_hash' as anchor from app.audit_log where action = 'audit_prune'`,
  );
  const anchorOf = new Map(anchors.rows.map((a) => [a.first_kept, a.anchor]));
  let previous: string | null = null;
  let lastId = 0;
  let records = 0;
  for (;;) {
    const page = await db.query<Row>(
      `select id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_text, user_name, role, region_code,
              client_address, action, target, detail::text as detail_text, outcome, prev_hash, hash
         from app.audit_log where id > $1 order by id limit $2`,
      [lastId, PAGE],
    );
    for (const r of page.rows) {
      const expectedPrev: string = previous ?? anchorOf.get(r.id) ?? GENESIS_HASH;
      if (r.prev_hash !== expectedPrev) {
        return { records, broken: { id: Number(r.id), reason: previous === null ? '第一条记录之前的记录被删除（无清理记录）' : '与上一条记录的哈希不相连（中间有记录被删除或改动）' } };
      }
      const hash: string = createHash('sha256').update(r.prev_hash + canonical(r), 'utf8').digest('hex');
      if (hash !== r.hash) return { records, broken: { id: Number(r.id), reason: '记录内容与其哈希不符（记录被改动）' } };
      previous = r.hash;
      lastId = Number(r.id);
      records++;
    }
    if (page.rows.length < PAGE) return { records, broken: null };
  }
}

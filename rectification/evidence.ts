// Evidence files of an item: stored in the warehouse with their SHA-256, typed
// by their bytes, downloadable by whoever may see the item. Every upload is a
// change and every download is audited.
import { createHash } from 'node:crypto';
import { appendAudit } from '../audit/trail.ts';
import { regionPrefix } from '../auth/guard.ts';
import type { Principal } from '../auth/principal.ts';
import { ACCEPTED_EVIDENCE, EVIDENCE_MAX_BYTES, detectEvidenceType } from './evidence-type.ts';
import { actorOf, notFound, RectificationError, type Db, type EvidenceJson } from './items.ts';

const scope = `($2::text is null or region_code like $2 || '%')`;

async function visibleItem(db: Db, principal: Principal, itemId: number, lock: boolean): Promise<{ number: string } | null> {
  const r = await db.query<{ number: string }>(
    `select number from app.rectification_items where item_id = $1 and ${scope}${lock ? ' for share' : ''}`,
    [itemId, regionPrefix(principal)],
  );
  return r.rows[0] ?? null;
}

export async function uploadEvidence(db: Db, principal: Principal, itemId: number, file: { fileName: string; bytes: Buffer }): Promise<EvidenceJson> {
  const item = await visibleItem(db, principal, itemId, true);
  if (!item) throw notFound(itemId);
  if (actorOf(principal) === 'reader') throw new RectificationError(403, '领导账号只能查看整改问题，不能上传佐证材料');
  const name = file.fileName.trim().slice(0, 200) || '未命名文件';
  if (file.bytes.length === 0) throw new RectificationError(400, `文件「${name}」是空文件`);
  if (file.bytes.length > EVIDENCE_MAX_BYTES) throw new RectificationError(413, `文件「${name}」超过 ${EVIDENCE_MAX_BYTES / 1024 / 1024} MB 的上限`);
  const mediaType = detectEvidenceType(file.bytes);
  if (!mediaType) throw new RectificationError(400, `文件「${name}」的内容不是可接受的类型（${ACCEPTED_EVIDENCE}）；类型按文件内容识别，与扩展名无关`);
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const r = await db.query<{ evidence_id: string; uploaded_at: Date }>(
    `insert into app.rectification_evidence (item_id, file_name, media_type, size_bytes, sha256, content, uploaded_by)
     values ($1, $2, $3, $4, $5, $6, $7) returning evidence_id, uploaded_at`,
    [itemId, name, mediaType, file.bytes.length, sha256, file.bytes, principal.name],
  );
  const id = Number(r.rows[0]!.evidence_id);
  await appendAudit(db, { actor: principal, action: 'change', target: `rectification:${itemId}`, detail: { operation: 'upload_evidence', number: item.number, evidence_id: id, file_name: name, media_type: mediaType, size: file.bytes.length, sha256 } });
  return { id, file_name: name, media_type: mediaType, size: file.bytes.length, sha256, uploaded_at: r.rows[0]!.uploaded_at.toISOString(), uploaded_by: principal.name };
}

export async function downloadEvidence(db: Db, principal: Principal, itemId: number, evidenceId: number): Promise<{ fileName: string; mediaType: string; content: Buffer; sha256: string }> {
  const item = await visibleItem(db, principal, itemId, false);
  if (!item) throw notFound(itemId);
  const r = await db.query<{ file_name: string; media_type: string; content: Buffer; sha256: string }>(
    `select file_name, media_type, content, sha256 from app.rectification_evidence where item_id = $1 and evidence_id = $2`,
    [itemId, evidenceId],
  );
  const row = r.rows[0];
  if (!row) throw new RectificationError(404, `整改问题 ${item.number} 没有编号为 ${evidenceId} 的佐证材料`);
  await appendAudit(db, { actor: principal, action: 'download', target: `rectification:${itemId}`, detail: { number: item.number, evidence_id: evidenceId, file_name: row.file_name, sha256: row.sha256 } });
  return { fileName: row.file_name, mediaType: row.media_type, content: row.content, sha256: row.sha256 };
}

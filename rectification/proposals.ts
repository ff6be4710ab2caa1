// Proposals (问题线索): every finding of the integrity checks
// (marts.fct_integrity_findings, whatever checks it unites) that no item
// covers and that was not dismissed for the facts it has now. Computed when
// listed, so a new load's findings are proposed at once; the proposal's id is
// the finding's id.
import { z } from 'zod';
import { appendAudit } from '../audit/trail.ts';
import { regionPrefix } from '../auth/guard.ts';
import { regionScope } from '../cube/api/security.ts';
import { regionCodeSchema, type Principal } from '../auth/principal.ts';
import { todayInChina } from './dates.ts';
import { insertItem, RectificationError, requireManager, resolveDeadline, type Db } from './items.ts';
import { maskIdNumber, maskName } from './mask.ts';

/** The problem category an accepted finding's item gets, by check. */
export const CATEGORY_BY_CHECK: Record<string, string> = {
  paid_after_death: '死亡未及时停发',
  multiple_rosters: '不符合条件享受',
  payment_without_roster: '不符合条件享受',
  benefit_above_standard: '不符合条件享受',
  roster_without_payment: '资金发放不及时',
  late_payment: '资金发放不及时',
  late_decision: '审核超时',
  pending_overdue: '审核超时',
  cadre_relative_unfiled: '近亲属未备案',
};

export const categoryOfCheck = (check: string) => CATEGORY_BY_CHECK[check] ?? '其他';

/**
 * The hash of a finding's facts (check, month, region, ID number, amount,
 * evidence): a dismissal holds for these facts only. jsonb renders keys and
 * numbers canonically, so equal facts give equal text.
 */
export const FACTS_HASH_SQL = `encode(sha256(convert_to(jsonb_build_array(f.check_code, f.month_start, f.region_code, f.id_number, f.amount_yuan, f.evidence)::text, 'UTF8')), 'hex')`;

const PROPOSAL_PAGE_SIZE = 50;

export const proposalQuerySchema = z.object({
  check: z.string().regex(/^[a-z_]{1,64}$/, '比对项目代码无效').optional(),
  region: regionCodeSchema.optional(),
  page: z.coerce.number().int().min(1, '页码从 1 开始').default(1),
  page_size: z.coerce.number().int().min(1).max(500, '每页最多 500 条').default(PROPOSAL_PAGE_SIZE),
}).strict();

const deadlineFields = {
  deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为 YYYY-MM-DD').optional(),
  deadline_days: z.number().int().min(1).max(3650).optional(),
  deadline_in_working_days: z.boolean().optional(),
};

export const acceptSchema = z.object({
  responsible_unit: z.string().trim().min(1).max(200).optional(),
  note: z.string().trim().max(2000).optional(),
  ...deadlineFields,
}).strict();

export const bulkAcceptSchema = acceptSchema.extend({ finding_ids: z.array(z.string().min(1).max(300)).min(1, '至少选择一条线索').max(500, '一次最多 500 条') }).strict();

export const dismissSchema = z.object({ reason: z.string().trim().min(1, '排除线索须填写理由').max(500, '理由不能超过 500 字') }).strict();
export const bulkDismissSchema = dismissSchema.extend({ finding_ids: z.array(z.string().min(1).max(300)).min(1, '至少选择一条线索').max(500, '一次最多 500 条') }).strict();

interface FindingRow {
  finding_id: string;
  check_code: string;
  check_title: string | null;
  month_start: string;
  region_code: string;
  region_name: string | null;
  county_name: string | null;
  id_number: string | null;
  person_name: string | null;
  amount_yuan: string | null;
  evidence: unknown;
  facts_hash: string;
  dismissed_before: boolean;
}

async function findingsExist(db: Db): Promise<boolean> {
  const r = await db.query<{ t: string | null }>(`select to_regclass('marts.fct_integrity_findings')::text as t`);
  return r.rows[0]!.t !== null;
}

const PROPOSAL_FROM = `
  from marts.fct_integrity_findings f
  cross join lateral (select ${FACTS_HASH_SQL} as facts_hash) h
  where not exists (select 1 from app.rectification_finding_links l where l.finding_id = f.finding_id)
    and not exists (select 1 from app.rectification_dismissals d where d.finding_id = f.finding_id and d.facts_hash = h.facts_hash)`;

const FINDING_COLUMNS = `f.finding_id, f.check_code, f.check_title, f.month_start::text as month_start, f.region_code, f.region_name, f.county_name,
  f.id_number, f.person_name, f.amount_yuan::text as amount_yuan, f.evidence, h.facts_hash,
  exists (select 1 from app.rectification_dismissals d where d.finding_id = f.finding_id) as dismissed_before`;

function proposalJson(f: FindingRow) {
  return {
    id: f.finding_id,
    check_code: f.check_code,
    check_title: f.check_title,
    month: f.month_start.slice(0, 7),
    region_code: f.region_code,
    region_name: f.region_name,
    persons: f.id_number ? [{ id_number: maskIdNumber(f.id_number), name: maskName(f.person_name ?? '') }] : [],
    amount: f.amount_yuan === null ? null : Number(f.amount_yuan),
    evidence: f.evidence,
    category: categoryOfCheck(f.check_code),
    facts_hash: f.facts_hash,
    /** Dismissed once for other facts: proposed again because they changed. */
    dismissed_before: f.dismissed_before,
  };
}

function requireProposalReader(principal: Principal): void {
  if (principal.role === 'leader') throw new RectificationError(403, '问题线索含人员明细，领导账号不能查看；可在整改看板查看汇总');
}

export async function listProposals(db: Db, principal: Principal, query: z.infer<typeof proposalQuerySchema>) {
  requireProposalReader(principal);
  if (!(await findingsExist(db))) return { proposals: [], total: 0, page: query.page, page_size: query.page_size };
  const params: unknown[] = [regionPrefix(principal)];
  let where = ` and ($1::text is null or f.region_code like $1 || '%')`;
  if (query.check) {
    params.push(query.check);
    where += ` and f.check_code = $${params.length}`;
  }
  if (query.region) {
    params.push(regionScope(query.region).prefix);
    where += ` and f.region_code like $${params.length} || '%'`;
  }
  const total = await db.query<{ n: string }>(`select count(*) as n ${PROPOSAL_FROM}${where}`, params);
  const rows = await db.query<FindingRow>(
    `select ${FINDING_COLUMNS} ${PROPOSAL_FROM}${where}
      order by f.month_start desc, f.check_code, f.finding_id
      limit ${query.page_size} offset ${(query.page - 1) * query.page_size}`,
    params,
  );
  return { proposals: rows.rows.map(proposalJson), total: Number(total.rows[0]!.n), page: query.page, page_size: query.page_size };
}

/** The current proposals among `ids` the principal may act on; refuses the whole request if any is not one. */
async function proposalsFor(db: Db, principal: Principal, ids: string[]): Promise<FindingRow[]> {
  if (!(await findingsExist(db))) throw new RectificationError(404, '尚无数据比对结果，没有可处理的问题线索');
  const unique = [...new Set(ids)];
  const rows = await db.query<FindingRow>(
    `select ${FINDING_COLUMNS}
       from marts.fct_integrity_findings f
       cross join lateral (select ${FACTS_HASH_SQL} as facts_hash) h
      where f.finding_id = any($1::text[]) and ($2::text is null or f.region_code like $2 || '%')`,
    [unique, regionPrefix(principal)],
  );
  const missing = unique.filter((id) => !rows.rows.some((r) => r.finding_id === id));
  if (missing.length > 0) throw new RectificationError(404, `问题线索 ${missing.slice(0, 5).join('、')}${missing.length > 5 ? ` 等 ${missing.length} 条` : ''} 不存在或不在你的区划范围内`);
  // lock the findings' decisions: a concurrent accept of the same finding waits, then sees the link
  await db.query(`select pg_advisory_xact_lock(hashtext('rectification_finding:' || id)) from unnest($1::text[]) as id order by id`, [unique]);
  const linked = await db.query<{ finding_id: string; number: string }>(
    `select l.finding_id, i.number from app.rectification_finding_links l join app.rectification_items i using (item_id) where l.finding_id = any($1::text[])`,
    [unique],
  );
  if (linked.rows.length > 0) throw new RectificationError(409, `问题线索已立项：${linked.rows.slice(0, 5).map((l) => `${l.finding_id}（整改问题 ${l.number}）`).join('、')}`);
  const dismissed = await db.query<{ finding_id: string }>(
    `select d.finding_id from app.rectification_dismissals d where d.finding_id = any($1::text[]) and d.facts_hash = any($2::text[])`,
    [unique, rows.rows.map((r) => r.facts_hash)],
  );
  if (dismissed.rows.length > 0) throw new RectificationError(409, `问题线索已被排除（事实未变化）：${dismissed.rows.slice(0, 5).map((d) => d.finding_id).join('、')}`);
  return unique.map((id) => rows.rows.find((r) => r.finding_id === id)!);
}

const yuan = (s: string | null) => (s === null ? '' : `，涉及金额 ${Number(s).toLocaleString('zh-CN', { minimumFractionDigits: 2 })} 元`);

export async function acceptProposals(db: Db, principal: Principal, ids: string[], input: z.infer<typeof acceptSchema>): Promise<{ id: number; finding_id: string }[]> {
  requireManager(principal, '将问题线索立项');
  const today = await todayInChina(db);
  const deadline = await resolveDeadline(db, input, today);
  if (!deadline) throw new RectificationError(400, '立项须给出整改期限：日期（deadline）或天数（deadline_days）');
  if (deadline.deadline < today) throw new RectificationError(400, `整改期限 ${deadline.deadline} 早于今天（${today}）`);
  const findings = await proposalsFor(db, principal, ids);
  const created: { id: number; finding_id: string }[] = [];
  for (const f of findings) {
    const persons = f.id_number ? [{ id_number: f.id_number, name: f.person_name ?? '' }] : [];
    const id = await insertItem(db, principal, {
      region_code: f.region_code,
      category: categoryOfCheck(f.check_code),
      source: '数据比对',
      description: `数据比对发现：${f.check_title ?? f.check_code}（${f.month_start.slice(0, 7)}，${f.region_name ?? f.region_code}${yuan(f.amount_yuan)}）`,
      responsible_unit: input.responsible_unit ?? `${f.county_name && f.county_name !== '区县不详' ? f.county_name : (f.region_name ?? '')}民政局`,
      found_on: today,
      deadline: deadline.deadline,
      deadline_days: deadline.days,
      deadline_in_working_days: deadline.working,
      persons,
      person_count: persons.length,
      amount: f.amount_yuan === null ? null : Number(f.amount_yuan),
      origin: 'proposal',
      note: input.note?.trim() || `由数据比对线索 ${f.finding_id} 立项`,
    });
    await db.query(`insert into app.rectification_finding_links (finding_id, item_id, facts_hash, linked_by) values ($1, $2, $3, $4)`, [f.finding_id, id, f.facts_hash, principal.name]);
    await appendAudit(db, { actor: principal, action: 'change', target: `rectification:${id}`, detail: { operation: 'accept_proposal', finding_id: f.finding_id, facts_hash: f.facts_hash, deadline: deadline.deadline } });
    created.push({ id, finding_id: f.finding_id });
  }
  return created;
}

export async function dismissProposals(db: Db, principal: Principal, ids: string[], reason: string): Promise<{ finding_id: string; facts_hash: string }[]> {
  requireManager(principal, '排除问题线索');
  const findings = await proposalsFor(db, principal, ids);
  for (const f of findings) {
    await db.query(
      `insert into app.rectification_dismissals (finding_id, facts_hash, reason, dismissed_by) values ($1, $2, $3, $4)`,
      [f.finding_id, f.facts_hash, reason, principal.name],
    );
    await appendAudit(db, { actor: principal, action: 'change', target: `integrity:${f.finding_id}`, detail: { operation: 'dismiss_proposal', facts_hash: f.facts_hash, reason } });
  }
  return findings.map((f) => ({ finding_id: f.finding_id, facts_hash: f.facts_hash }));
}

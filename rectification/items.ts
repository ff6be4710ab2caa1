// Rectification items in the warehouse (app.rectification_*): who sees which,
// reading them as the API's JSON, creating them and moving them on. Every
// change runs in the caller's transaction and writes its audit record there.
import type pg from 'pg';
import { z } from 'zod';
import { appendAudit } from '../audit/trail.ts';
import { checkIdNumber } from '../etl/formats/id-number.ts';
import { isCountyUser, regionPrefix } from '../auth/guard.ts';
import { regionScope } from '../cube/api/security.ts';
import { regionCodeSchema, type Principal } from '../auth/principal.ts';
import { DeadlineError, TODAY_SQL, deadlineAfter, todayInChina } from './dates.ts';
import { maskPersons, type Person } from './mask.ts';
import { decideTransition, movesFor, OPEN_STATES, STATES, type Actor, type State } from './states.ts';

export type Db = Pick<pg.ClientBase, 'query'>;

export const CATEGORIES = ['不符合条件享受', '应保未保', '资金发放不及时', '审核超时', '档案不规范', '近亲属未备案', '死亡未及时停发', '其他'] as const;
export const SOURCES = ['专项检查', '审计', '督查', '群众举报', '数据比对', '舆情'] as const;
export const PAGE_SIZE = 20;

/** A refusal the API answers with its status and Chinese message. */
export class RectificationError extends Error {
  constructor(readonly status: 400 | 401 | 403 | 404 | 409 | 413, message: string) {
    super(message);
  }
}

export const notFound = (id: string | number) => new RectificationError(404, `整改问题 ${id} 不存在或不在你的区划范围内`);

export function actorOf(principal: Pick<Principal, 'role' | 'region'>): Actor {
  if (principal.role === 'leader') return 'reader';
  if (principal.role === 'admin') return 'manager';
  return isCountyUser(principal) ? 'county' : 'manager';
}

/** SQL condition confining items (alias i) to the principal's region; `$n` is the prefix (null: all). */
const scopeCondition = (n: number) => `($${n}::text is null or i.region_code like $${n} || '%')`;

/** Overdue now: still open (not yet reported fixed) and today in China after the deadline. */
export const OVERDUE_SQL = `(i.state in (${OPEN_STATES.map((st) => `'${st}'`).join(', ')}) and ${TODAY_SQL} > i.deadline_on)`;

const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为 YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString().startsWith(s), '日期无效');

const personSchema = z.object({
  id_number: z.string().trim().transform((v, ctx) => {
    const r = checkIdNumber(v);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: `身份证号 ${v} 无效：${r.reason}` });
      return z.NEVER;
    }
    return r.value;
  }),
  name: z.string().trim().min(1, '姓名不能为空').max(50),
}).strict();

/** How a deadline is given: a date, or a number of calendar or working days. */
const deadlineFields = {
  deadline: dateSchema.optional(),
  deadline_days: z.number().int().min(1, '期限天数至少为 1').max(3650).optional(),
  deadline_in_working_days: z.boolean().optional(),
};

export const createItemSchema = z.object({
  region_code: regionCodeSchema,
  category: z.enum(CATEGORIES, { error: `问题类别应为 ${CATEGORIES.join('、')} 之一` }),
  source: z.enum(SOURCES, { error: `问题来源应为 ${SOURCES.join('、')} 之一` }),
  description: z.string().trim().min(1, '问题描述不能为空').max(2000, '问题描述不能超过 2000 字'),
  responsible_unit: z.string().trim().min(1, '责任单位不能为空').max(200),
  found_on: dateSchema.optional(),
  persons: z.array(personSchema).max(5000).optional(),
  person_count: z.number().int().min(0).optional(),
  amount: z.number().min(0, '涉及金额不能为负').max(1e12).optional(),
  ...deadlineFields,
}).strict();

export type CreateItemInput = z.infer<typeof createItemSchema>;

export const transitionSchema = z.object({
  to: z.enum(STATES, { error: `目标状态应为 ${STATES.join('、')} 之一` }),
  note: z.string().trim().max(2000, '说明不能超过 2000 字').optional(),
  evidence: z.array(z.number().int().positive()).max(50).optional(),
  ...deadlineFields,
}).strict();

export type TransitionInput = z.infer<typeof transitionSchema>;

export const listQuerySchema = z.object({
  region: regionCodeSchema.optional(),
  state: z.enum(STATES, { error: `状态应为 ${STATES.join('、')} 之一` }).optional(),
  category: z.enum(CATEGORIES, { error: `问题类别应为 ${CATEGORIES.join('、')} 之一` }).optional(),
  source: z.enum(SOURCES, { error: `问题来源应为 ${SOURCES.join('、')} 之一` }).optional(),
  overdue: z.enum(['true', 'false', '1', '0'], { error: 'overdue 应为 true 或 false' }).transform((v) => v === 'true' || v === '1').optional(),
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1, '页码从 1 开始').default(1),
  page_size: z.coerce.number().int().min(1).max(200, '每页最多 200 条').default(PAGE_SIZE),
}).strict();

export type ListQuery = z.infer<typeof listQuerySchema>;

interface ItemRow {
  item_id: string;
  number: string;
  region_code: string;
  region_name: string | null;
  category: string;
  source: string;
  description: string;
  persons: Person[];
  person_count: number | null;
  amount_yuan: string | null;
  responsible_unit: string;
  found_on: string;
  deadline_on: string;
  deadline_days: number | null;
  deadline_in_working_days: boolean;
  state: State;
  completed_on: string | null;
  origin: string;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
  overdue: boolean;
}

const ITEM_SELECT = `
  select i.item_id, i.number, i.region_code, r.region_name, i.category, i.source, i.description, i.persons,
         i.person_count, i.amount_yuan::text as amount_yuan, i.responsible_unit, i.found_on::text as found_on,
         i.deadline_on::text as deadline_on, i.deadline_days, i.deadline_in_working_days, i.state,
         i.completed_on::text as completed_on, i.origin, i.created_at, i.created_by, i.updated_at, i.updated_by,
         ${OVERDUE_SQL} as overdue
    from app.rectification_items i
    left join raw.regions r on r.region_code = i.region_code`;

export interface ItemJson {
  id: number;
  number: string;
  region_code: string;
  region_name: string | null;
  category: string;
  source: string;
  description: string;
  persons: Person[];
  person_count: number | null;
  amount: number | null;
  responsible_unit: string;
  found_on: string;
  deadline: string;
  deadline_days: number | null;
  deadline_in_working_days: boolean;
  state: State;
  overdue: boolean;
  completed_on: string | null;
  origin: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

function itemJson(row: ItemRow): ItemJson {
  return {
    id: Number(row.item_id),
    number: row.number,
    region_code: row.region_code,
    region_name: row.region_name,
    category: row.category,
    source: row.source,
    description: row.description,
    persons: maskPersons(row.persons),
    person_count: row.person_count,
    amount: row.amount_yuan === null ? null : Number(row.amount_yuan),
    responsible_unit: row.responsible_unit,
    found_on: row.found_on,
    deadline: row.deadline_on,
    deadline_days: row.deadline_days,
    deadline_in_working_days: row.deadline_in_working_days,
    state: row.state,
    overdue: row.overdue,
    completed_on: row.completed_on,
    origin: row.origin,
    created_at: row.created_at.toISOString(),
    created_by: row.created_by,
    updated_at: row.updated_at.toISOString(),
    updated_by: row.updated_by,
  };
}

/** The WHERE clause and parameters of a filtered list within the principal's region. */
function listWhere(principal: Principal, query: Omit<ListQuery, 'page' | 'page_size'>): { where: string; params: unknown[] } {
  const params: unknown[] = [regionPrefix(principal)];
  const conditions = [scopeCondition(1)];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(params.length));
  };
  if (query.region) {
    // the region's own items and those below it
    add((n) => `i.region_code like $${n} || '%'`, regionScope(query.region).prefix);
  }
  if (query.state) add((n) => `i.state = $${n}`, query.state);
  if (query.category) add((n) => `i.category = $${n}`, query.category);
  if (query.source) add((n) => `i.source = $${n}`, query.source);
  if (query.overdue !== undefined) add((n) => `${OVERDUE_SQL} = $${n}`, query.overdue);
  if (query.q) add((n) => `(i.number ilike $${n} or i.description ilike $${n} or i.responsible_unit ilike $${n})`, `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return { where: conditions.join(' and '), params };
}

export async function listItems(db: Db, principal: Principal, query: ListQuery): Promise<{ items: ItemJson[]; total: number; page: number; page_size: number }> {
  const { where, params } = listWhere(principal, query);
  const total = await db.query<{ n: string }>(`select count(*) as n from app.rectification_items i where ${where}`, params);
  const rows = await db.query<ItemRow>(
    `${ITEM_SELECT} where ${where} order by i.item_id desc limit ${query.page_size} offset ${(query.page - 1) * query.page_size}`,
    params,
  );
  return { items: rows.rows.map(itemJson), total: Number(total.rows[0]!.n), page: query.page, page_size: query.page_size };
}

/** Every item of a filtered list (for the Excel export), newest first. */
export async function allItems(db: Db, principal: Principal, query: Omit<ListQuery, 'page' | 'page_size'>, limit: number): Promise<ItemJson[]> {
  const { where, params } = listWhere(principal, query);
  const rows = await db.query<ItemRow>(`${ITEM_SELECT} where ${where} order by i.item_id desc limit ${limit}`, params);
  return rows.rows.map(itemJson);
}

/**
 * The counties and townships the principal may filter the list by: those
 * within their region that hold items, with their names (raw.regions).
 */
export async function itemRegions(db: Db, principal: Principal): Promise<{ code: string; name: string; level: 'county' | 'township' }[]> {
  const r = await db.query<{ code: string; name: string; level: 'county' | 'township' }>(
    `with codes as (
       select distinct rpad(substr(i.region_code, 1, 6), 12, '0') as code, 'county' as level from app.rectification_items i where ${scopeCondition(1)}
       union
       select distinct rpad(substr(i.region_code, 1, 9), 12, '0'), 'township' from app.rectification_items i where ${scopeCondition(1)} and substr(i.region_code, 7, 3) <> '000'
     )
     select codes.code, r.region_name as name, codes.level from codes join raw.regions r on r.region_code = codes.code order by codes.code`,
    [regionPrefix(principal)],
  );
  return r.rows;
}

/** One item the principal may see, locked for update when `lock`; null when not (404). */
async function itemRow(db: Db, principal: Principal, id: number, lock = false): Promise<ItemRow | null> {
  if (lock) {
    const locked = await db.query(`select 1 from app.rectification_items i where i.item_id = $1 and ${scopeCondition(2)} for update`, [id, regionPrefix(principal)]);
    if (locked.rowCount === 0) return null;
  }
  const r = await db.query<ItemRow>(`${ITEM_SELECT} where i.item_id = $1 and ${scopeCondition(2)}`, [id, regionPrefix(principal)]);
  return r.rows[0] ?? null;
}

export interface EvidenceJson {
  id: number;
  file_name: string;
  media_type: string;
  size: number;
  sha256: string;
  uploaded_at: string;
  uploaded_by: string;
}

export interface StepJson {
  id: number;
  at: string;
  on: string;
  by: string;
  from: State | null;
  to: State;
  note: string | null;
  deadline: string | null;
  review_result: '通过' | '未通过' | null;
  batch_id: number | null;
  evidence: EvidenceJson[];
}

export interface ItemDetailJson extends ItemJson {
  history: StepJson[];
  /** Uploaded but not yet cited by a step: they go with the next report. */
  pending_evidence: EvidenceJson[];
  findings: { finding_id: string; facts_hash: string }[];
  /** The moves this caller may make now (the buttons). */
  actions: { to: State; title: string; needs_evidence: boolean; needs_note: boolean; needs_deadline: boolean; allows_deadline: boolean }[];
}

/** The persons of one item in full, for the roles that may reveal person-level data (audited by the caller). */
export async function revealPersons(db: Db, principal: Principal, id: number): Promise<Person[]> {
  if (principal.role === 'leader') throw new RectificationError(403, '领导角色不查看人员明细');
  const row = await itemRow(db, principal, id);
  if (!row) throw notFound(id);
  return row.persons;
}

export async function getItem(db: Db, principal: Principal, id: number): Promise<ItemDetailJson> {
  const row = await itemRow(db, principal, id);
  if (!row) throw notFound(id);
  const steps = await db.query<{ step_id: string; at: Date; step_on: string; by_name: string; from_state: State | null; to_state: State; note: string | null; deadline_on: string | null; review_result: '通过' | '未通过' | null; batch_id: string | null }>(
    `select step_id, at, step_on::text as step_on, by_name, from_state, to_state, note, deadline_on::text as deadline_on, review_result, batch_id
       from app.rectification_steps where item_id = $1 order by step_on, step_id`,
    [id],
  );
  const evidence = await db.query<{ evidence_id: string; step_id: string | null; file_name: string; media_type: string; size_bytes: number; sha256: string; uploaded_at: Date; uploaded_by: string }>(
    `select evidence_id, step_id, file_name, media_type, size_bytes, sha256, uploaded_at, uploaded_by
       from app.rectification_evidence where item_id = $1 order by evidence_id`,
    [id],
  );
  const links = await db.query<{ finding_id: string; facts_hash: string }>(
    `select finding_id, facts_hash from app.rectification_finding_links where item_id = $1 order by finding_id`,
    [id],
  );
  const evidenceJson = (e: (typeof evidence.rows)[number]): EvidenceJson => ({
    id: Number(e.evidence_id), file_name: e.file_name, media_type: e.media_type, size: e.size_bytes, sha256: e.sha256,
    uploaded_at: e.uploaded_at.toISOString(), uploaded_by: e.uploaded_by,
  });
  const actor = actorOf(principal);
  return {
    ...itemJson(row),
    history: steps.rows.map((s) => ({
      id: Number(s.step_id),
      at: s.at.toISOString(),
      on: s.step_on,
      by: s.by_name,
      from: s.from_state,
      to: s.to_state,
      note: s.note,
      deadline: s.deadline_on,
      review_result: s.review_result,
      batch_id: s.batch_id === null ? null : Number(s.batch_id),
      evidence: evidence.rows.filter((e) => e.step_id === s.step_id).map(evidenceJson),
    })),
    pending_evidence: evidence.rows.filter((e) => e.step_id === null).map(evidenceJson),
    findings: links.rows,
    actions: actor === 'reader' ? [] : movesFor(row.state, actor).map((m) => ({
      to: m.to, title: m.title, needs_evidence: !!m.needsEvidence, needs_note: !!m.needsNote, needs_deadline: !!m.needsDeadline, allows_deadline: !!m.allowsDeadline && actor === 'manager',
    })),
  };
}

/** The next application number of `year`: ZG-<year>-<nnnn>, skipping any number an import already uses. */
export async function nextNumber(db: Db, year: number): Promise<string> {
  for (;;) {
    const r = await db.query<{ last_number: number }>(
      `insert into app.rectification_numbers (year, last_number) values ($1, 1)
       on conflict (year) do update set last_number = app.rectification_numbers.last_number + 1
       returning last_number`,
      [year],
    );
    const number = `ZG-${year}-${String(r.rows[0]!.last_number).padStart(4, '0')}`;
    const taken = await db.query('select 1 from app.rectification_items where number = $1', [number]);
    if (taken.rowCount === 0) return number;
  }
}

/** The deadline a request gives: a date, or days from `start`; null when it gives none. */
export async function resolveDeadline(db: Db, input: { deadline?: string; deadline_days?: number; deadline_in_working_days?: boolean }, start: string): Promise<{ deadline: string; days: number | null; working: boolean } | null> {
  if (input.deadline && input.deadline_days !== undefined) throw new RectificationError(400, '整改期限只能给出日期（deadline）或天数（deadline_days）之一');
  if (input.deadline) {
    if (input.deadline_in_working_days) throw new RectificationError(400, '按工作日计算的期限须以天数（deadline_days）给出');
    return { deadline: input.deadline, days: null, working: false };
  }
  if (input.deadline_days === undefined) return null;
  const working = input.deadline_in_working_days ?? false;
  try {
    return { deadline: await deadlineAfter(db, start, input.deadline_days, working), days: input.deadline_days, working };
  } catch (e) {
    if (e instanceof DeadlineError) throw new RectificationError(400, e.message);
    throw e;
  }
}

async function regionExists(db: Db, code: string): Promise<boolean> {
  const r = await db.query('select 1 from raw.regions where region_code = $1', [code]);
  return (r.rowCount ?? 0) > 0;
}

export interface NewItem {
  region_code: string;
  category: string;
  source: string;
  description: string;
  responsible_unit: string;
  found_on: string;
  deadline: string;
  deadline_days: number | null;
  deadline_in_working_days: boolean;
  persons: Person[];
  person_count: number | null;
  amount: number | null;
  origin: 'application' | 'proposal';
  note: string;
}

/** Inserts an item and its first step; the caller checks rights and writes the audit record. */
export async function insertItem(db: Db, principal: Principal, item: NewItem): Promise<number> {
  const today = await todayInChina(db);
  const number = await nextNumber(db, Number(today.slice(0, 4)));
  const r = await db.query<{ item_id: string }>(
    `insert into app.rectification_items (number, region_code, category, source, description, persons, person_count, amount_yuan,
        responsible_unit, found_on, deadline_on, deadline_days, deadline_in_working_days, state, origin, created_by, updated_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, '待整改', $14, $15, $15) returning item_id`,
    [number, item.region_code, item.category, item.source, item.description, JSON.stringify(item.persons), item.person_count, item.amount,
      item.responsible_unit, item.found_on, item.deadline, item.deadline_days, item.deadline_in_working_days, item.origin, principal.name],
  );
  const id = Number(r.rows[0]!.item_id);
  await db.query(
    `insert into app.rectification_steps (item_id, step_on, by_name, by_role, from_state, to_state, note, deadline_on)
     values ($1, ${TODAY_SQL}, $2, $3, null, '待整改', $4, $5)`,
    [id, principal.name, principal.role, item.note, item.deadline],
  );
  return id;
}

export function requireManager(principal: Principal, what: string): void {
  const actor = actorOf(principal);
  if (actor !== 'manager') {
    throw new RectificationError(403, `${actor === 'reader' ? '领导账号只能查看' : '区县（乡镇）用户不能'}${actor === 'reader' ? `，不能${what}` : what}；${what}仅限市级督查、工作人员或管理员`);
  }
}

export async function createItem(db: Db, principal: Principal, input: CreateItemInput): Promise<number> {
  requireManager(principal, '创建整改问题');
  if (!(await regionExists(db, input.region_code))) throw new RectificationError(400, `区划代码 ${input.region_code} 不在行政区划表中`);
  const prefix = regionPrefix(principal);
  if (prefix !== null && !input.region_code.startsWith(prefix)) throw new RectificationError(403, `区划 ${input.region_code} 不在你的区划范围内，不能在该区划创建整改问题`);
  const today = await todayInChina(db);
  const found = input.found_on ?? today;
  if (found > today) throw new RectificationError(400, `发现日期 ${found} 晚于今天（${today}）`);
  const deadline = await resolveDeadline(db, input, found);
  if (!deadline) throw new RectificationError(400, '须给出整改期限：日期（deadline）或天数（deadline_days，可加 deadline_in_working_days: true 按工作日计）');
  if (deadline.deadline < found) throw new RectificationError(400, `整改期限 ${deadline.deadline} 早于发现日期 ${found}`);
  const persons = input.persons ?? [];
  if (input.person_count !== undefined && persons.length > 0 && input.person_count !== persons.length) {
    throw new RectificationError(400, `涉及人数 ${input.person_count} 与所列人员 ${persons.length} 人不一致`);
  }
  const id = await insertItem(db, principal, {
    ...input, found_on: found, deadline: deadline.deadline, deadline_days: deadline.days, deadline_in_working_days: deadline.working,
    persons, person_count: input.person_count ?? (persons.length > 0 ? persons.length : null), amount: input.amount ?? null,
    origin: 'application', note: '创建整改问题',
  });
  await appendAudit(db, { actor: principal, action: 'change', target: `rectification:${id}`, detail: { operation: 'create', region_code: input.region_code, category: input.category, source: input.source, deadline: deadline.deadline, persons: persons.length } });
  return id;
}

export async function transitionItem(db: Db, principal: Principal, id: number, input: TransitionInput): Promise<void> {
  const row = await itemRow(db, principal, id, true);
  if (!row) throw notFound(id);
  const today = await todayInChina(db);
  const deadline = await resolveDeadline(db, input, today);
  const evidenceIds = [...new Set(input.evidence ?? [])];
  const decision = decideTransition({ from: row.state, to: input.to, actor: actorOf(principal), note: input.note, deadline: deadline?.deadline, evidenceCount: evidenceIds.length, today });
  if (!decision.ok) throw new RectificationError(decision.status, decision.error);
  if (evidenceIds.length > 0) {
    const found = await db.query<{ evidence_id: string; step_id: string | null }>(
      `select evidence_id, step_id from app.rectification_evidence where item_id = $1 and evidence_id = any($2::bigint[])`,
      [id, evidenceIds],
    );
    const missing = evidenceIds.filter((e) => !found.rows.some((r) => Number(r.evidence_id) === e));
    if (missing.length > 0) throw new RectificationError(400, `佐证材料 ${missing.join('、')} 不属于整改问题 ${row.number}（请先上传到该问题）`);
    const used = found.rows.filter((r) => r.step_id !== null).map((r) => r.evidence_id);
    if (used.length > 0) throw new RectificationError(409, `佐证材料 ${used.join('、')} 已用于此前的步骤，请重新上传`);
  }
  const { move } = decision;
  const step = await db.query<{ step_id: string }>(
    `insert into app.rectification_steps (item_id, step_on, by_name, by_role, from_state, to_state, note, deadline_on, review_result)
     values ($1, ${TODAY_SQL}, $2, $3, $4, $5, $6, $7, $8) returning step_id`,
    [id, principal.name, principal.role, row.state, move.to, input.note?.trim() || null, deadline?.deadline ?? null, move.review ?? null],
  );
  if (evidenceIds.length > 0) {
    await db.query(`update app.rectification_evidence set step_id = $1 where item_id = $2 and evidence_id = any($3::bigint[])`, [step.rows[0]!.step_id, id, evidenceIds]);
  }
  await db.query(
    `update app.rectification_items
        set state = $2,
            completed_on = case when $2 = '已整改' then ${TODAY_SQL} else completed_on end,
            deadline_on = coalesce($3::date, deadline_on),
            deadline_days = case when $3::date is null then deadline_days else $4 end,
            deadline_in_working_days = case when $3::date is null then deadline_in_working_days else $5 end,
            updated_at = now(), updated_by = $6
      where item_id = $1`,
    [id, move.to, deadline?.deadline ?? null, deadline?.days ?? null, deadline?.working ?? false, principal.name],
  );
  await appendAudit(db, {
    actor: principal, action: 'change', target: `rectification:${id}`,
    detail: { operation: 'transition', number: row.number, from: row.state, to: move.to, review_result: move.review ?? null, deadline: deadline?.deadline ?? null, evidence: evidenceIds },
  });
}

/** Parses a route's :id. */
export function itemIdOf(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw new RectificationError(404, `整改问题 ${raw} 不存在`);
  return Number(raw);
}

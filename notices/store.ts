// The notice workflow and archive (app.notices): draft → 待审核 → 已签发, or back
// to 拟稿 with a comment. Issuing assigns the 文号 and freezes the document and
// its .docx bytes (the table's trigger refuses any later change). Every step
// is recorded in app.notice_steps and audited in the same transaction.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { appendAudit, type AuditActor } from '../audit/trail.ts';
import { regionScope } from '../cube/api/security.ts';
import type { Principal, Role } from '../auth/principal.ts';
import { ROLE_TITLES } from '../auth/principal.ts';
import { fill } from './config.ts';
import { NoticeError } from './cube-source.ts';
import { noticeDocumentSchema, type NoticeDocument, type NoticeEdit } from './document.ts';
import { renderDocx } from './docx.ts';
import { generateNotice, type GenerateDeps } from './generate.ts';
import { kindOf, parseNoticePeriod, periodCode, type NoticeKind } from './period.ts';
import { inTransaction } from '../warehouse/transaction.ts';

export type NoticeState = '拟稿' | '待审核' | '已签发';
export type Actor = Pick<Principal, 'name' | 'role' | 'region'> & Partial<Pick<Principal, 'client' | 'kind'>>;

export const DRAFTERS: Role[] = ['staff', 'admin'];
export const ISSUERS: Role[] = ['leader', 'admin'];

interface NoticeRow {
  id: string;
  kind: NoticeKind;
  period: string;
  region_code: string;
  region_name: string;
  state: NoticeState;
  number: string | null;
  title: string;
  content: NoticeDocument;
  corrects_notice_id: string | null;
  corrected_by: string[] | null;
  data_batch_id: string | null;
  created_by: string;
  created_at: Date;
  updated_by: string | null;
  updated_at: Date | null;
  submitted_by: string | null;
  submitted_at: Date | null;
  issued_by: string | null;
  issued_at: Date | null;
  docx_sha256: string | null;
}

const COLUMNS = `n.id, n.kind, n.period, n.region_code, n.region_name, n.state, n.number, n.title, n.corrects_notice_id, n.data_batch_id,
  n.created_by, n.created_at, n.updated_by, n.updated_at, n.submitted_by, n.submitted_at, n.issued_by, n.issued_at, n.docx_sha256,
  (select array_agg(c.id::text order by c.id) from app.notices c where c.corrects_notice_id = n.id) as corrected_by`;

export function summaryJson(row: Omit<NoticeRow, 'content'>) {
  return {
    id: Number(row.id), kind: row.kind, period: row.period, region: row.region_code, regionName: row.region_name,
    state: row.state, number: row.number, title: row.title,
    correctsNoticeId: row.corrects_notice_id == null ? null : Number(row.corrects_notice_id),
    correctedBy: (row.corrected_by ?? []).map(Number),
    dataBatchId: row.data_batch_id == null ? null : Number(row.data_batch_id),
    createdBy: row.created_by, createdAt: row.created_at.toISOString(),
    updatedBy: row.updated_by, updatedAt: row.updated_at?.toISOString() ?? null,
    submittedBy: row.submitted_by, submittedAt: row.submitted_at?.toISOString() ?? null,
    issuedBy: row.issued_by, issuedAt: row.issued_at?.toISOString() ?? null,
    docxSha256: row.docx_sha256,
  };
}
export type NoticeSummary = ReturnType<typeof summaryJson>;

export function noticeJson(row: NoticeRow, steps: StepJson[]) {
  return { ...summaryJson(row), sections: row.content.sections, document: row.content, steps };
}
export type NoticeJson = ReturnType<typeof noticeJson>;

export interface StepJson { step: string; fromState: string | null; toState: string; by: string; role: string | null; comment: string | null; at: string }

/**
 * Where a principal may read: admins and city-level users everything; a county
 * (or township) user the notices of their own county in any state, and the
 * issued notices of their city (addressed to 各区县).
 */
function visibility(principal: Actor, first: number): { sql: string; params: string[] } {
  if (principal.role === 'admin' || regionScope(principal.region).level === 'city') return { sql: 'true', params: [] };
  const city = principal.region.slice(0, 4).padEnd(12, '0');
  const county = principal.region.slice(0, 6).padEnd(12, '0');
  return { sql: `(n.region_code = $${first} or (n.region_code = $${first + 1} and n.state = '已签发'))`, params: [county, city] };
}

/** Drafting rights over a region: staff and admins, within their own region. */
function canDraftFor(principal: Actor, regionCode: string): boolean {
  if (!DRAFTERS.includes(principal.role)) return false;
  if (principal.role === 'admin') return true;
  return regionCode.startsWith(regionScope(principal.region).prefix);
}

const forbidden = (text: string) => new NoticeError(text, 403);
const notFound = (id: number) => new NoticeError(`通报 ${id} 不存在或不在你的查看范围内`, 404);
const conflict = (text: string) => new NoticeError(text, 409);

export interface ListFilter {
  period?: string;
  region?: string;
  kind?: NoticeKind;
  state?: NoticeState;
  q?: string;
  limit?: number;
  offset?: number;
}

export class NoticeStore {
  constructor(private readonly pool: pg.Pool, private readonly deps: GenerateDeps) {}

  private auditActor(principal: Actor): AuditActor {
    return { name: principal.name, role: principal.role, region: principal.region, client: principal.client ?? null };
  }

  private async step(client: pg.PoolClient, id: number, principal: Actor, step: string, from: NoticeState | null, to: NoticeState, comment: string | null, detail: Record<string, unknown> = {}) {
    await client.query(
      `insert into app.notice_steps (notice_id, step, from_state, to_state, by_name, by_role, comment) values ($1, $2, $3, $4, $5, $6, $7)`,
      [id, step, from, to, principal.name, principal.role, comment],
    );
    await appendAudit(client, { actor: this.auditActor(principal), action: 'change', target: `notice:${id}`, detail: { step, from, to, comment, ...detail } });
  }

  private tx<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  /** The row if the principal may read it (locked for update when asked), else 404. */
  private async row(db: pg.ClientBase | pg.Pool, principal: Actor, id: number, lock = false): Promise<NoticeRow> {
    const v = visibility(principal, 2);
    const r = await db.query<NoticeRow>(`select ${COLUMNS}, n.content from app.notices n where n.id = $1 and ${v.sql}${lock ? ' for update of n' : ''}`, [id, ...v.params]);
    const row = r.rows[0];
    if (!row) throw notFound(id);
    return row;
  }

  async steps(id: number): Promise<StepJson[]> {
    const r = await this.pool.query<{ step: string; from_state: string | null; to_state: string; by_name: string; by_role: string | null; comment: string | null; at: Date }>(
      `select step, from_state, to_state, by_name, by_role, comment, at from app.notice_steps where notice_id = $1 order by id`, [id]);
    return r.rows.map((s) => ({ step: s.step, fromState: s.from_state, toState: s.to_state, by: s.by_name, role: s.by_role, comment: s.comment, at: s.at.toISOString() }));
  }

  async get(principal: Actor, id: number): Promise<NoticeJson> {
    return noticeJson(await this.row(this.pool, principal, id), await this.steps(id));
  }

  async list(principal: Actor, f: ListFilter): Promise<{ notices: NoticeSummary[]; total: number }> {
    const params: unknown[] = [];
    const where: string[] = [];
    const v = visibility(principal, 1);
    where.push(v.sql);
    params.push(...v.params);
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (f.period) add((n) => `n.period = $${n}`, f.period);
    if (f.region) add((n) => `n.region_code = $${n}`, f.region);
    if (f.kind) add((n) => `n.kind = $${n}`, f.kind);
    if (f.state) add((n) => `n.state = $${n}`, f.state);
    if (f.q) add((n) => `(n.title ilike $${n} or n.number ilike $${n} or n.region_name ilike $${n} or n.content::text ilike $${n})`, `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const whereSql = where.join(' and ');
    const [rows, total] = await Promise.all([
      this.pool.query<NoticeRow>(`select ${COLUMNS} from app.notices n where ${whereSql} order by n.period desc, n.id desc limit ${f.limit ?? 50} offset ${f.offset ?? 0}`, params),
      this.pool.query<{ n: string }>(`select count(*) as n from app.notices n where ${whereSql}`, params),
    ]);
    return { notices: rows.rows.map(summaryJson), total: Number(total.rows[0]!.n) };
  }

  /** A new draft (拟稿), generated now; `corrects` makes it a 更正通报 of an issued notice. */
  async create(principal: Actor, input: { period: string; region?: string; kind?: NoticeKind; corrects?: number }): Promise<NoticeJson> {
    if (!DRAFTERS.includes(principal.role)) throw forbidden(`当前角色（${ROLE_TITLES[principal.role]}）不能拟写通报，仅限${DRAFTERS.map((r) => ROLE_TITLES[r]).join('、')}`);
    let corrects: NoticeDocument['corrects'] = null;
    let period = input.period;
    let region = input.region ?? (principal.role === 'admin' || regionScope(principal.region).level === 'city' ? undefined : principal.region.slice(0, 6).padEnd(12, '0'));
    let kind = input.kind;
    if (input.corrects !== undefined) {
      const old = await this.row(this.pool, principal, input.corrects);
      if (old.state !== '已签发') throw conflict(`通报 ${input.corrects} 尚未签发，不需要更正：请直接修改或退回修改`);
      corrects = { id: Number(old.id), number: old.number, title: old.title };
      period = old.period;
      region = old.region_code;
      kind = old.kind;
    }
    const p = parseNoticePeriod(period);
    kindOf(p, kind);
    if (region !== undefined && !canDraftFor(principal, region)) throw forbidden(`不能为区划 ${region} 拟写通报：超出你的区划范围`);
    const doc = await generateNotice(this.deps, { period: periodCode(p), region, kind, corrects });
    if (!canDraftFor(principal, doc.region.code)) throw forbidden(`不能为${doc.region.name}拟写通报：超出你的区划范围`);
    const id = await this.tx(async (client) => {
      const r = await client.query<{ id: string }>(
        `insert into app.notices (kind, period, region_code, region_name, title, content, corrects_notice_id, data_batch_id, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
        [doc.kind, doc.period.code, doc.region.code, doc.region.name, doc.title, doc, corrects?.id ?? null, doc.dataBatchId, principal.name],
      );
      const newId = Number(r.rows[0]!.id);
      await this.step(client, newId, principal, 'create', null, '拟稿', corrects ? `更正通报 ${corrects.number ?? corrects.id}` : null, { period: doc.period.code, region: doc.region.code, kind: doc.kind });
      return newId;
    });
    return this.get(principal, id);
  }

  private async draftFor(client: pg.PoolClient, principal: Actor, id: number, what: string): Promise<NoticeRow> {
    const row = await this.row(client, principal, id, true);
    if (!canDraftFor(principal, row.region_code)) throw forbidden(`当前角色（${ROLE_TITLES[principal.role]}）不能${what}：仅限本区划的${DRAFTERS.map((r) => ROLE_TITLES[r]).join('、')}`);
    if (row.state !== '拟稿') throw conflict(`通报 ${id} 当前状态为"${row.state}"，只有拟稿状态的通报可以${what}`);
    return row;
  }

  /** Staff edit the text of a draft: title, introduction, problems and requirements. */
  async edit(principal: Actor, id: number, edit: NoticeEdit): Promise<NoticeJson> {
    await this.tx(async (client) => {
      const row = await this.draftFor(client, principal, id, '修改');
      const doc = row.content;
      if (edit.title !== undefined) doc.title = edit.title;
      if (edit.intro !== undefined) doc.intro = edit.intro;
      const problems = doc.sections.find((s) => s.type === 'problems');
      if (problems?.type === 'problems' && (edit.problems || edit.requirements)) {
        if (edit.problems) {
          const before = new Map(problems.problems.map((p) => [p.id, p]));
          problems.problems = edit.problems.map((p, i) => {
            const old = p.id ? before.get(p.id) : undefined;
            return old ? { ...old, text: p.text } : { id: p.id ?? `manual:${Date.now()}:${i}`, rule: 'manual' as const, region: null, member: null, text: p.text };
          });
        }
        if (edit.requirements) problems.requirements = edit.requirements.map((r, i) => ({ id: r.id ?? `manual:${Date.now()}:${i}`, text: r.text }));
        problems.edited = true;
      }
      noticeDocumentSchema.parse(doc);
      await client.query(`update app.notices set title = $2, content = $3, updated_by = $4, updated_at = now() where id = $1`, [id, doc.title, doc, principal.name]);
      await this.step(client, id, principal, 'edit', '拟稿', '拟稿', null, { fields: Object.keys(edit) });
    });
    return this.get(principal, id);
  }

  /**
   * Recomputes the figures of a draft from the current data. The title and
   * introduction stay; edited problems and requirements stay (drafted ones
   * are drafted again from the new figures).
   */
  async refresh(principal: Actor, id: number): Promise<NoticeJson> {
    const current = await this.row(this.pool, principal, id);
    if (current.state !== '拟稿') throw conflict(`通报 ${id} 当前状态为"${current.state}"，只有拟稿状态的通报可以刷新数据`);
    const fresh = await generateNotice(this.deps, { period: current.period, region: current.region_code, kind: current.kind, corrects: current.content.corrects });
    await this.tx(async (client) => {
      const row = await this.draftFor(client, principal, id, '刷新数据');
      const old = row.content;
      const oldProblems = old.sections.find((s) => s.type === 'problems');
      const doc: NoticeDocument = {
        ...fresh, title: old.title, intro: old.intro,
        sections: fresh.sections.map((s) => (s.type === 'problems' && oldProblems?.type === 'problems' && oldProblems.edited ? oldProblems : s)),
      };
      await client.query(`update app.notices set content = $2, data_batch_id = $3, updated_by = $4, updated_at = now() where id = $1`, [id, doc, doc.dataBatchId, principal.name]);
      await this.step(client, id, principal, 'refresh', '拟稿', '拟稿', null, { dataBatchId: doc.dataBatchId, previousBatchId: old.dataBatchId });
    });
    return this.get(principal, id);
  }

  async submit(principal: Actor, id: number, comment: string | null): Promise<NoticeJson> {
    await this.tx(async (client) => {
      await this.draftFor(client, principal, id, '提交审核');
      await client.query(`update app.notices set state = '待审核', submitted_by = $2, submitted_at = now() where id = $1`, [id, principal.name]);
      await this.step(client, id, principal, 'submit', '拟稿', '待审核', comment);
    });
    return this.get(principal, id);
  }

  private async underReview(client: pg.PoolClient, principal: Actor, id: number, what: string): Promise<NoticeRow> {
    const row = await this.row(client, principal, id, true);
    if (!ISSUERS.includes(principal.role) || !row.region_code.startsWith(principal.role === 'admin' ? '' : regionScope(principal.region).prefix)) {
      throw forbidden(`当前角色（${ROLE_TITLES[principal.role]}）不能${what}：仅限本区划的${ISSUERS.map((r) => ROLE_TITLES[r]).join('、')}`);
    }
    if (row.state !== '待审核') throw conflict(`通报 ${id} 当前状态为"${row.state}"，只有待审核的通报可以${what}`);
    return row;
  }

  async return(principal: Actor, id: number, comment: string): Promise<NoticeJson> {
    await this.tx(async (client) => {
      await this.underReview(client, principal, id, '退回');
      await client.query(`update app.notices set state = '拟稿', submitted_by = null, submitted_at = null where id = $1`, [id]);
      await this.step(client, id, principal, 'return', '待审核', '拟稿', comment);
    });
    return this.get(principal, id);
  }

  /**
   * Issues a notice: the 文号 (next of the kind's sequence for the year, the
   * sequence row locked so that concurrent issues never share one), the date,
   * and the .docx rendered once and stored with its SHA-256.
   */
  async issue(principal: Actor, id: number, comment: string | null): Promise<NoticeJson> {
    await this.tx(async (client) => {
      const row = await this.underReview(client, principal, id, '签发');
      if (row.created_by === principal.name) throw forbidden(`拟稿人（${principal.name}）不能签发自己拟写的通报：请由其他领导或管理员签发`);
      const today = (await client.query<{ d: string }>(`select ((now() at time zone 'Asia/Shanghai')::date)::text as d`)).rows[0]!.d;
      const year = Number(today.slice(0, 4));
      const seq = (await client.query<{ last_seq: number }>(
        `insert into app.notice_numbers (kind, year, last_seq) values ($1, $2, 1)
         on conflict (kind, year) do update set last_seq = app.notice_numbers.last_seq + 1 returning last_seq`, [row.kind, year])).rows[0]!.last_seq;
      const number = fill(this.deps.config.template.document.number_pattern[row.kind], { year, n: seq });
      const doc: NoticeDocument = { ...row.content, number, issuedOn: today };
      const docx = await renderDocx(doc);
      const sha256 = createHash('sha256').update(docx).digest('hex');
      await client.query(
        `update app.notices set state = '已签发', number = $2, number_year = $3, number_seq = $4, content = $5, issued_by = $6, issued_at = now(), docx = $7, docx_sha256 = $8 where id = $1`,
        [id, number, year, seq, doc, principal.name, docx, sha256],
      );
      await this.step(client, id, principal, 'issue', '待审核', '已签发', comment, { number, sha256, dataBatchId: row.content.dataBatchId });
    });
    return this.get(principal, id);
  }

  /** The .docx: the stored bytes of an issued notice, a fresh rendering of a draft. */
  async docx(principal: Actor, id: number): Promise<{ bytes: Buffer; fileName: string; issued: boolean }> {
    const row = await this.row(this.pool, principal, id);
    const fileName = `${row.number ?? `通报${id}（${row.state}）`}${row.title}.docx`;
    if (row.state === '已签发') {
      const r = await this.pool.query<{ docx: Buffer }>(`select docx from app.notices where id = $1`, [id]);
      return { bytes: r.rows[0]!.docx, fileName, issued: true };
    }
    return { bytes: await renderDocx(row.content, { draftMark: `（${row.state}，未签发）` }), fileName, issued: false };
  }

  async document(principal: Actor, id: number): Promise<NoticeDocument> {
    return (await this.row(this.pool, principal, id)).content;
  }
}

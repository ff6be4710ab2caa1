// The notices API as the pages use it: the typed document (notices/document.ts,
// the one structure the API, the .docx and these pages read), URLs, and who
// may do what (downloads: api/download.ts).

import type { ApiClient } from '../../api/http';
import type { Role } from '../../api/session';
import type { Figure, NoticeChart, NoticeDocument, NoticeSection, NoticeTable, Problem, Requirement } from '../../../../notices/document';

export type { Figure, NoticeChart, NoticeDocument, NoticeSection, NoticeTable, Problem, Requirement };

export type NoticeState = '拟稿' | '待审核' | '已签发';

export interface NoticeSummary {
  id: number;
  kind: 'monthly' | 'quarterly';
  period: string;
  region: string;
  regionName: string;
  state: NoticeState;
  number: string | null;
  title: string;
  correctsNoticeId: number | null;
  correctedBy: number[];
  createdBy: string;
  createdAt: string;
  submittedBy: string | null;
  issuedBy: string | null;
  issuedAt: string | null;
  docxSha256: string | null;
}

export interface NoticeStep { step: string; fromState: string | null; toState: string; by: string; role: string | null; comment: string | null; at: string }

export interface Notice extends NoticeSummary {
  document: NoticeDocument;
  steps: NoticeStep[];
}

export const KIND_TITLES = { monthly: '月度通报', quarterly: '季度通报' } as const;
export const STEP_TITLES: Record<string, string> = { create: '拟稿', edit: '修改', refresh: '刷新数据', submit: '提交审核', return: '退回修改', issue: '签发' };
export const STATE_COLORS: Record<NoticeState, string> = { 拟稿: 'default', 待审核: 'processing', 已签发: 'success' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function parseNoticeList(body: unknown): { notices: NoticeSummary[]; total: number } | string {
  if (!isObject(body) || !Array.isArray(body.notices)) return '通报列表的格式不对';
  return { notices: body.notices as NoticeSummary[], total: Number(body.total ?? 0) };
}

export function parseNotice(body: unknown): Notice | string {
  if (!isObject(body) || typeof body.id !== 'number' || !isObject(body.document) || !Array.isArray((body.document as Record<string, unknown>).sections)) return '通报的格式不对';
  return body as unknown as Notice;
}

export function listUrl(filters: { period?: string; kind?: string; state?: string; q?: string }): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) params.set(k, v);
  const qs = params.toString();
  return `/api/notices${qs ? `?${qs}` : ''}`;
}

export const canDraft = (role: Role) => role === 'staff' || role === 'admin';
export const canIssue = (role: Role) => role === 'leader' || role === 'admin';

/** The actions a user has on a notice in its state (the server checks them again). */
export function actionsFor(notice: Pick<NoticeSummary, 'state' | 'createdBy'>, user: { role: Role; name: string }) {
  return {
    edit: notice.state === '拟稿' && canDraft(user.role),
    submit: notice.state === '拟稿' && canDraft(user.role),
    review: notice.state === '待审核' && canIssue(user.role),
    issue: notice.state === '待审核' && canIssue(user.role) && notice.createdBy !== user.name,
    correct: notice.state === '已签发' && canDraft(user.role),
  };
}

export type Act = (api: ApiClient) => Promise<unknown>;

// The pure parts of 审计日志: Chinese names of the actions and outcomes, the
// request for a set of filters, and the records the server answers.

import { AUDIT_ACTIONS, type AuditAction, type AuditOutcome } from '../../audit/trail.ts';

export { AUDIT_ACTIONS, type AuditAction };

/** Every action the trail records (a new one fails to compile until it has a name here). */
export const ACTION_LABELS: Record<AuditAction, string> = {
  login: '登录',
  login_failed: '登录失败',
  logout: '退出登录',
  query_person_level: '查询个人明细',
  reveal: '查看完整个人信息',
  export: '导出',
  download: '下载',
  change: '修改数据',
  user_admin: '用户管理',
  etl: '数据导入',
  audit_prune: '清理审计日志',
};

export const OUTCOME_LABELS: Record<AuditOutcome, string> = { ok: '成功', denied: '拒绝', failed: '失败' };

export function actionLabel(action: string): string {
  return ACTION_LABELS[action as AuditAction] ?? action;
}

export function outcomeLabel(outcome: string): string {
  return OUTCOME_LABELS[outcome as AuditOutcome] ?? outcome;
}

export const AUDIT_LIMIT = 500;

export interface AuditFilters {
  user?: string | null;
  action?: AuditAction | null;
  /** Whole days `YYYY-MM-DD` (China's calendar), both included. */
  from?: string | null;
  to?: string | null;
}

/** `/api/audit?user=…&action=…&from=…&to=…&limit=500`, empty filters left out. */
export function auditUrl(filters: AuditFilters, limit = AUDIT_LIMIT): string {
  const params = new URLSearchParams();
  const user = filters.user?.trim();
  if (user) params.set('user', user);
  if (filters.action) params.set('action', filters.action);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  params.set('limit', String(limit));
  return `/api/audit?${params.toString()}`;
}

export interface AuditRecord {
  id: string;
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

const optional = (v: unknown) => (v == null || v === '' ? null : String(v));

/** The body of /api/audit; a Chinese reason when it is not `{records: [...]}`. */
export function parseAuditRecords(body: unknown): AuditRecord[] | string {
  const records = typeof body === 'object' && body !== null ? (body as { records?: unknown }).records : undefined;
  if (!Array.isArray(records)) return '服务器返回的审计记录格式不正确（缺少 records）';
  const parsed: AuditRecord[] = [];
  for (const [i, r] of records.entries()) {
    if (typeof r !== 'object' || r === null) return `服务器返回的第 ${i + 1} 条审计记录不是对象`;
    const x = r as Record<string, unknown>;
    if (x.id == null || typeof x.at !== 'string' || typeof x.action !== 'string') return `服务器返回的第 ${i + 1} 条审计记录缺少 id、at 或 action`;
    parsed.push({
      id: String(x.id),
      at: x.at,
      user: String(x.user ?? ''),
      role: optional(x.role),
      region: optional(x.region),
      client: optional(x.client),
      action: x.action,
      target: optional(x.target),
      detail: x.detail ?? null,
      outcome: String(x.outcome ?? ''),
    });
  }
  return parsed;
}

/** Whether a record has details worth expanding (not `{}`). */
export function hasDetail(detail: unknown): boolean {
  if (detail == null) return false;
  if (typeof detail === 'object') return Object.keys(detail).length > 0;
  return String(detail) !== '';
}

// The rectification API as the pages use it: types of its JSON, parsers that
// say in Chinese what is wrong with an answer, URLs, who may do what, evidence
// uploads with the session's token, and the board's Cube queries and chart
// option (downloads: api/download.ts). Pure functions where possible (unit-tested).

import type { Query } from '@cubejs-client/core';
import type { Role } from '../../api/session';
import type { ChartOption } from '../../charts/types';

export const STATES = ['待整改', '整改中', '已整改', '回头看', '已销号'] as const;
export type State = (typeof STATES)[number];
export const CATEGORIES = ['不符合条件享受', '应保未保', '资金发放不及时', '审核超时', '档案不规范', '近亲属未备案', '死亡未及时停发', '其他'] as const;
export const SOURCES = ['专项检查', '审计', '督查', '群众举报', '数据比对', '舆情'] as const;

export const STATE_COLORS: Record<State, string> = { 待整改: 'default', 整改中: 'processing', 已整改: 'cyan', 回头看: 'purple', 已销号: 'success' };

export interface Person { id_number: string; name: string }

export interface Evidence { id: number; file_name: string; media_type: string; size: number; sha256: string; uploaded_at: string; uploaded_by: string }

export interface Item {
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
  origin: 'application' | 'import' | 'proposal';
  created_at: string;
  created_by: string;
}

export interface Step { id: number; at: string; on: string; by: string; from: State | null; to: State; note: string | null; deadline: string | null; review_result: '通过' | '未通过' | null; batch_id: number | null; evidence: Evidence[] }

export interface Action { to: State; title: string; needs_evidence: boolean; needs_note: boolean; needs_deadline: boolean; allows_deadline: boolean }

export interface ItemDetail extends Item {
  history: Step[];
  pending_evidence: Evidence[];
  findings: { finding_id: string; facts_hash: string }[];
  actions: Action[];
}

export interface ItemPage { items: Item[]; total: number; page: number; page_size: number }

export interface Proposal {
  id: string;
  check_code: string;
  check_title: string | null;
  month: string;
  region_code: string;
  region_name: string | null;
  persons: Person[];
  amount: number | null;
  evidence: unknown;
  category: string;
  facts_hash: string;
  dismissed_before: boolean;
}

export interface ProposalPage { proposals: Proposal[]; total: number; page: number; page_size: number }

export interface RegionOption { code: string; name: string; level: 'county' | 'township' }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function parseItemPage(body: unknown): ItemPage | string {
  if (!isObject(body) || !Array.isArray(body.items) || typeof body.total !== 'number') return '整改台账的格式不对';
  return body as unknown as ItemPage;
}

export function parseItem(body: unknown): ItemDetail | string {
  if (!isObject(body) || typeof body.id !== 'number' || !Array.isArray(body.history) || !Array.isArray(body.actions)) return '整改问题的格式不对';
  return body as unknown as ItemDetail;
}

export function parseProposalPage(body: unknown): ProposalPage | string {
  if (!isObject(body) || !Array.isArray(body.proposals) || typeof body.total !== 'number') return '问题线索的格式不对';
  return body as unknown as ProposalPage;
}

export function parseRegions(body: unknown): RegionOption[] | string {
  if (!isObject(body) || !Array.isArray(body.regions)) return '区划列表的格式不对';
  return body.regions as RegionOption[];
}

export interface ListFilters { region?: string; state?: string; category?: string; source?: string; overdue?: string; q?: string }

/** The list's URL (page from 1); the export takes the same filters. */
export function listUrl(filters: ListFilters, page: number, pageSize: number): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) params.set(k, v);
  params.set('page', String(page));
  params.set('page_size', String(pageSize));
  return `/api/rectification?${params}`;
}

export function exportUrl(filters: ListFilters): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) params.set(k, v);
  const qs = params.toString();
  return `/api/rectification/export.xlsx${qs ? `?${qs}` : ''}`;
}

export function proposalsUrl(page: number, pageSize: number, check?: string): string {
  const params = new URLSearchParams({ page: String(page), page_size: String(pageSize) });
  if (check) params.set('check', check);
  return `/api/rectification/proposals?${params}`;
}

/** City-level staff, inspectors and admins manage items; county users report; leaders read (as the server decides). */
export function canManage(role: Role, region: string): boolean {
  return role === 'admin' || ((role === 'staff' || role === 'inspector') && /^\d{4}0{8}$/.test(region));
}

export const canSeeProposals = (role: Role) => role !== 'leader';

export function formatYuan(amount: number | null): string {
  return amount === null ? '—' : `${amount.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 元`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Uploads one evidence file (multipart); the server answers with its id. */
export async function uploadEvidence(token: string, itemId: number, file: File): Promise<Evidence> {
  const form = new FormData();
  form.append('file', file, file.name);
  const response = await fetch(`/api/rectification/${itemId}/evidence`, { method: 'POST', headers: { Authorization: token }, body: form });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((body as { error?: string }).error ?? `上传失败（${response.status}）`);
  return body as Evidence;
}

// ---------------------------------------------------------------- 整改看板 (Cube view `rectification`)

export const BOARD_MEASURES = ['open_items', 'overdue_items', 'closed_items', 'closed_in_time_items', 'closed_in_time_rate', 'average_days_to_close', 'follow_ups', 'follow_up_pass_rate'] as const;
export type BoardMeasure = (typeof BOARD_MEASURES)[number];

export type BoardPeriod = 'month' | 'quarter' | 'year';

/** The current month, quarter or year (from `today`, YYYY-MM-DD) as a Cube dateRange. */
export function periodRange(period: BoardPeriod, today: string): [string, string] {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const first = period === 'month' ? month : period === 'quarter' ? month - ((month - 1) % 3) : 1;
  const last = period === 'month' ? month : period === 'quarter' ? first + 2 : 12;
  const end = new Date(Date.UTC(year, last, 0)).toISOString().slice(0, 10);
  return [`${year}-${String(first).padStart(2, '0')}-01`, end];
}

/** The sub-regions a board compares: counties for a city, townships for a county. */
export function boardLevel(region: string): { code: string; name: string; label: string } {
  return /^\d{4}0{8}$/.test(region) || /^\d{2}0{10}$/.test(region)
    ? { code: 'rectification.county_code', name: 'rectification.county_name', label: '区县' }
    : { code: 'rectification.township_code', name: 'rectification.township_name', label: '乡镇（街道）' };
}

export function byRegionQuery(region: string, range: [string, string]): Query {
  const level = boardLevel(region);
  return {
    measures: BOARD_MEASURES.map((m) => `rectification.${m}`),
    dimensions: [level.code, level.name],
    timeDimensions: [{ dimension: 'rectification.month', dateRange: range }],
    order: [[level.code, 'asc']],
  };
}

/** The last twelve months up to `today`'s, by month. */
export function trendQuery(today: string): Query {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const start = new Date(Date.UTC(year, month - 12, 1)).toISOString().slice(0, 10);
  const end = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
  return {
    measures: ['rectification.open_items', 'rectification.overdue_items', 'rectification.closed_items', 'rectification.follow_up_pass_rate'],
    timeDimensions: [{ dimension: 'rectification.month', granularity: 'month', dateRange: [start, end] }],
  };
}

export interface BoardRow { code: string; name: string; values: Record<BoardMeasure, number | null> }

const num = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));

export function boardRows(rows: Record<string, unknown>[], region: string): BoardRow[] {
  const level = boardLevel(region);
  return rows.map((r) => ({
    code: String(r[level.code] ?? ''),
    name: String(r[level.name] ?? '不详'),
    values: Object.fromEntries(BOARD_MEASURES.map((m) => [m, num(r[`rectification.${m}`])])) as Record<BoardMeasure, number | null>,
  }));
}

/** The twelve months (YYYY-MM) up to `today`'s. */
export function lastTwelveMonths(today: string): string[] {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  return Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(year, month - 12 + i, 1)).toISOString().slice(0, 7));
}

/** The monthly trend over the last twelve months (months without items stay empty): open and overdue (bars) and the follow-up pass rate (line, right axis). */
export function trendOption(rows: Record<string, unknown>[], today: string): ChartOption {
  const months = lastTwelveMonths(today);
  const byMonth = new Map(rows.map((r) => [String(r['rectification.month.month'] ?? r['rectification.month'] ?? '').slice(0, 7), r]));
  const series = (m: string) => months.map((month) => num(byMonth.get(month)?.[`rectification.${m}`]));
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 48, right: 56, top: 36, bottom: 32 },
    xAxis: { type: 'category', data: months },
    yAxis: [{ type: 'value', name: '个', minInterval: 1 }, { type: 'value', name: '%', max: 100, min: 0 }],
    series: [
      { name: '未完成整改', type: 'bar', data: series('open_items') },
      { name: '逾期未整改', type: 'bar', data: series('overdue_items'), itemStyle: { color: '#cf1322' } },
      { name: '本月已整改', type: 'bar', data: series('closed_items') },
      { name: '回头看通过率', type: 'line', yAxisIndex: 1, data: series('follow_up_pass_rate'), connectNulls: true, showSymbol: true, symbolSize: 8 },
    ],
  } as ChartOption;
}

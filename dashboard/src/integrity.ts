// 数据比对: the members of the `integrity` view (cube/model/views/integrity.yml),
// the queries of the page (counts by check and by region for everyone, the
// person-level rows for roles allowed to see them) and the parsing of their
// results. Pure, so it is tested without a browser.
//
// `integrity` is a plain flow view (one row per finding), not a periodic
// snapshot: a period is a dateRange on `integrity.month` with the period's
// granularity, and the counts of a period add up its months.

import type { Filter, Query } from '@cubejs-client/core';
import { type Granularity, type Period, periodFromDate, periodLabel, searchDateRange } from './period';
import { periodRange } from './queries';
import type { RankingLevel } from './regions';
import { type Row, toNumber } from './results';

export const INTEGRITY_VIEW = 'integrity';
const m = (name: string) => `${INTEGRITY_VIEW}.${name}`;

export const INTEGRITY = {
  month: m('month'),
  checkCode: m('check_code'),
  checkTitle: m('check_title'),
  findingId: m('finding_id'),
  idNumber: m('id_number'),
  personName: m('person_name'),
  countyName: m('county_name'),
  townshipName: m('township_name'),
  evidence: m('evidence'),
  findings: m('findings'),
  persons: m('persons'),
  amount: m('amount_yuan'),
} as const;

/** The counts everyone may see. */
export const INTEGRITY_MEASURES: readonly string[] = [INTEGRITY.findings, INTEGRITY.persons, INTEGRITY.amount];

/** Rows of the drill table per page. */
export const DRILL_PAGE_SIZE = 20;

/** The region level members of `integrity` for a ranking level (counties for a city). */
export function integrityLevelMembers(level: RankingLevel): { code: string; name: string } {
  return { code: m(`${level.level}_code`), name: m(`${level.level}_name`) };
}

export interface CheckChoice {
  code: string;
  title: string;
}

export interface RegionChoice {
  /** Null for findings that could not be placed (区县不详). */
  code: string | null;
  name: string;
}

/** What the user clicked: a check, a region, or both. */
export interface IntegritySelection {
  check: CheckChoice | null;
  region: RegionChoice | null;
}

export const NO_SELECTION: IntegritySelection = { check: null, region: null };

export function hasSelection(s: IntegritySelection): boolean {
  return s.check != null || s.region != null;
}

function checkFilter(check: CheckChoice | null): Filter[] {
  return check ? [{ member: INTEGRITY.checkCode, operator: 'equals', values: [check.code] }] : [];
}

function regionFilter(region: RegionChoice | null, level: RankingLevel | null): Filter[] {
  if (!region || !level) return [];
  const { code } = integrityLevelMembers(level);
  return region.code == null ? [{ member: code, operator: 'notSet' }] : [{ member: code, operator: 'equals', values: [region.code] }];
}

function periodDimension(period: Period) {
  return { dimension: INTEGRITY.month, granularity: period.granularity, dateRange: periodRange(period) };
}

/** Counts per period of granularity `g` over the search range (cards and trend). */
export function buildIntegrityTrendQuery(granularity: Granularity, today: Date): Query {
  return {
    measures: [...INTEGRITY_MEASURES],
    timeDimensions: [{ dimension: INTEGRITY.month, granularity, dateRange: searchDateRange(today) }],
  };
}

/**
 * Counts per check in the period, within the selected region if any (a
 * township's token has no sub-regions to pick: `level` null).
 */
export function buildChecksQuery(period: Period, selection: IntegritySelection, level: RankingLevel | null): Query {
  const filters = regionFilter(selection.region, level);
  return {
    measures: [...INTEGRITY_MEASURES],
    dimensions: [INTEGRITY.checkCode, INTEGRITY.checkTitle],
    timeDimensions: [periodDimension(period)],
    ...(filters.length > 0 ? { filters } : {}),
  };
}

/** Counts per sub-region (counties for a city) in the period, of the selected check if any. */
export function buildRegionsQuery(period: Period, selection: IntegritySelection, level: RankingLevel): Query {
  const { code, name } = integrityLevelMembers(level);
  const filters = checkFilter(selection.check);
  return {
    measures: [...INTEGRITY_MEASURES],
    dimensions: [code, name],
    timeDimensions: [periodDimension(period)],
    ...(filters.length > 0 ? { filters } : {}),
  };
}

/**
 * The findings behind the selection, one row each, a page at a time. It names
 * person-level members: the gateway refuses it (403) for roles not allowed.
 */
export function buildDrillQuery(period: Period, selection: IntegritySelection, level: RankingLevel | null, page: number): Query {
  const code = level ? integrityLevelMembers(level).code : m('region_code');
  return {
    dimensions: [
      INTEGRITY.findingId,
      INTEGRITY.checkTitle,
      INTEGRITY.idNumber,
      INTEGRITY.personName,
      INTEGRITY.countyName,
      INTEGRITY.townshipName,
      INTEGRITY.evidence,
      // ordered by, so selected: the gateway orders only by members the query returns
      code,
    ],
    measures: [INTEGRITY.amount],
    timeDimensions: [{ dimension: INTEGRITY.month, granularity: 'month', dateRange: periodRange(period) }],
    filters: [...checkFilter(selection.check), ...regionFilter(selection.region, level)],
    ungrouped: true,
    order: [
      [INTEGRITY.month, 'asc'],
      [code, 'asc'],
      [INTEGRITY.findingId, 'asc'],
    ],
    limit: DRILL_PAGE_SIZE,
    offset: page * DRILL_PAGE_SIZE,
  };
}

export interface Counts {
  findings: number | null;
  persons: number | null;
  amount: number | null;
}

function readCounts(row: Row): Counts {
  return { findings: toNumber(row[INTEGRITY.findings]), persons: toNumber(row[INTEGRITY.persons]), amount: toNumber(row[INTEGRITY.amount]) };
}

export interface CheckRow extends CheckChoice, Counts {}

const collator = new Intl.Collator('zh-CN');

/** Checks with findings, most findings first. */
export function checkRows(rows: readonly Row[]): CheckRow[] {
  return rows
    .filter((r) => r[INTEGRITY.checkCode] != null)
    .map((r) => {
      const code = String(r[INTEGRITY.checkCode]);
      const title = r[INTEGRITY.checkTitle] == null ? code : String(r[INTEGRITY.checkTitle]);
      return { code, title, ...readCounts(r) };
    })
    .sort((a, b) => (b.findings ?? 0) - (a.findings ?? 0) || collator.compare(a.title, b.title));
}

export interface RegionCountRow extends RegionChoice, Counts {}

/** Regions with findings, as received (the chart sorts them). */
export function regionCountRows(rows: readonly Row[], level: RankingLevel): RegionCountRow[] {
  const { code, name } = integrityLevelMembers(level);
  return rows.map((r) => {
    const c = r[code] == null || r[code] === '' ? null : String(r[code]);
    const n = r[name] == null ? (c ?? '不详') : String(r[name]);
    return { code: c, name: n, ...readCounts(r) };
  });
}

/**
 * How many findings the selection holds (the drill table's total), from the
 * counts already on screen: the regions are counted within the selected
 * check, so a selected region's row is exact; a check alone is its own row.
 */
export function selectionTotal(checks: readonly CheckRow[], regions: readonly RegionCountRow[], selection: IntegritySelection): number | null {
  if (selection.region) {
    const r = regions.find((x) => x.code === selection.region!.code);
    return r ? (r.findings ?? 0) : 0;
  }
  if (selection.check) {
    const c = checks.find((x) => x.code === selection.check!.code);
    return c ? (c.findings ?? 0) : 0;
  }
  return null;
}

export interface DrillRow {
  findingId: string;
  checkTitle: string;
  idNumber: string;
  personName: string;
  county: string;
  township: string;
  /** `2025年3月`. */
  month: string;
  evidence: string;
  amount: number | null;
}

const text = (v: unknown) => (v == null ? '' : String(v));

export function drillRows(rows: readonly Row[]): DrillRow[] {
  return rows.map((r) => {
    const raw = r[`${INTEGRITY.month}.month`] ?? r[INTEGRITY.month];
    const period = typeof raw === 'string' ? periodFromDate(raw, 'month') : null;
    return {
      findingId: text(r[INTEGRITY.findingId]),
      checkTitle: text(r[INTEGRITY.checkTitle]),
      idNumber: text(r[INTEGRITY.idNumber]),
      personName: text(r[INTEGRITY.personName]),
      county: text(r[INTEGRITY.countyName]),
      township: text(r[INTEGRITY.townshipName]),
      month: period ? periodLabel(period) : '',
      evidence: text(r[INTEGRITY.evidence]),
      amount: toNumber(r[INTEGRITY.amount]),
    };
  });
}

/** Number of pages for `total` rows (at least one). */
export function pageCount(total: number | null, size = DRILL_PAGE_SIZE): number {
  return total == null || total <= 0 ? 1 : Math.ceil(total / size);
}

/** `第 21–40 条，共 57 条`. */
export function pageRangeText(page: number, shown: number, total: number | null, size = DRILL_PAGE_SIZE): string {
  if (shown === 0) return total == null ? '无记录' : `共 ${total} 条`;
  const from = page * size + 1;
  const to = page * size + shown;
  return total == null ? `第 ${from}–${to} 条` : `第 ${from}–${to} 条，共 ${total} 条`;
}

/** Whether an API error is the gateway's refusal of person-level members (403). */
export function isRefusal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { status?: unknown }).status === 403;
}

/** Roles that may see a row's full person-level values (the server checks again and audits each reveal). */
export const REVEAL_ROLES: readonly string[] = ['admin', 'inspector', 'staff'];

export function canReveal(role: string): boolean {
  return REVEAL_ROLES.includes(role);
}

export const REVEAL_URL = '/api/persons/reveal';

/** The request that reveals one finding's person. */
export function revealRequest(findingId: string): { view: 'integrity'; key: string } {
  return { view: 'integrity', key: findingId };
}

export interface RevealedPerson {
  idNumber: string;
  personName: string;
  evidence: string;
}

/** The body of /api/persons/reveal: `{values: {id_number, person_name, evidence}}`. */
export function parseReveal(body: unknown): RevealedPerson | string {
  const values = typeof body === 'object' && body !== null ? (body as { values?: unknown }).values : undefined;
  if (typeof values !== 'object' || values === null) return '服务器返回的内容缺少 values';
  const v = values as Record<string, unknown>;
  if (typeof v.id_number !== 'string' || typeof v.person_name !== 'string') return '服务器返回的内容缺少身份证号或姓名';
  return { idNumber: v.id_number, personName: v.person_name, evidence: text(v.evidence) };
}

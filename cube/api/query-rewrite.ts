// Cube's `queryRewrite` hook, done here: restrict every query to the caller's
// region, and for periodic-snapshot views choose the rows of the right grain
// (from the query's granularity) and region level (from the finest region
// member the query uses), so snapshot measures take the period's last month
// and flow measures its sum. See README, "Snapshot and flow indicators".
// Views may also restrict members (person-level detail) to some roles:
// `meta.restricted_members` (see cube/model/views/integrity.yml).
import { z } from 'zod';
import { membersOf, QueryError, type Filter, type MemberQuery } from './query.ts';
import { ROLE_TITLES } from '../../auth/principal.ts';
import { maskedMembersSchema, type MaskedMembers } from './masking.ts';
import { LEVEL_ORDER, ROLES, regionScope, type RegionLevel, type SecurityContext } from './security.ts';

const snapshotMetaSchema = z.object({
  time_dimension: z.string(),
  grain_dimension: z.string(),
  granularities: z.array(z.enum(['month', 'quarter', 'year'])),
  level_dimension: z.string(),
  region_code_dimension: z.string(),
  levels: z.record(z.enum(['city', 'county', 'township']), z.array(z.string())),
});

export type SnapshotMeta = z.infer<typeof snapshotMetaSchema>;

const restrictedMembersSchema = z.object({
  /** Short member names only the listed roles may name in a query. */
  members: z.array(z.string().min(1)).min(1),
  roles: z.array(z.enum(ROLES)),
  /** Person-level members and how the server masks them in every answer. */
  masked: maskedMembersSchema.default({}),
  /** The member that names one record, for revealing its masked values. */
  reveal_key: z.string().min(1).optional(),
}).strict();

export type RestrictedMembers = z.infer<typeof restrictedMembersSchema>;

/** What the gateway knows of each public cube or view. */
export interface DatasetPolicy {
  name: string;
  /** Member (short name) holding the 12-digit region code, for row-level security. */
  regionCodeMember: string | null;
  snapshot: SnapshotMeta | null;
  /** Members (e.g. person-level detail) that only some roles may use. */
  restricted: RestrictedMembers | null;
}

/** The person-level members a query names, if any (each such query is audited). */
export function personLevelMembers(members: string[], policy: DatasetPolicy): string[] {
  const restricted = policy.restricted;
  if (!restricted) return [];
  const personal = new Set([...restricted.members, ...Object.keys(restricted.masked)]);
  return members.filter((m) => m.startsWith(`${policy.name}.`) && personal.has(m.slice(policy.name.length + 1)));
}

export type { MaskedMembers };

export class ForbiddenError extends Error {}


export function policyFromMeta(name: string, meta: unknown): DatasetPolicy {
  const raw = (meta as { periodic_snapshot?: unknown; region_code_dimension?: string; restricted_members?: unknown } | undefined) ?? {};
  const snapshot = raw.periodic_snapshot === undefined ? null : snapshotMetaSchema.parse(raw.periodic_snapshot);
  const restricted = raw.restricted_members === undefined ? null : restrictedMembersSchema.parse(raw.restricted_members);
  return { name, regionCodeMember: snapshot?.region_code_dimension ?? raw.region_code_dimension ?? null, snapshot, restricted };
}

/** Refuses a query naming (anywhere) a member the caller's role may not use. */
function checkRestricted(members: string[], policy: DatasetPolicy, ctx: SecurityContext): void {
  const restricted = policy.restricted;
  if (!restricted || restricted.roles.includes(ctx.role)) return;
  const named = restricted.members.map((m) => `${policy.name}.${m}`).filter((m) => members.includes(m));
  if (named.length === 0) return;
  const allowed = restricted.roles.map((r) => ROLE_TITLES[r]).join('、') || '无';
  throw new ForbiddenError(`当前角色（${ROLE_TITLES[ctx.role]}）无权查询人员明细成员 ${named.join('、')}，仅限${allowed}；可查询汇总数`);
}

/**
 * Refuses (403) a query naming, anywhere, a member the caller's role may not
 * use: checked first, before any other check could answer with something else.
 */
export function checkAccess(members: string[], ctx: SecurityContext, policies: ReadonlyMap<string, DatasetPolicy>): void {
  for (const name of new Set(members.map((m) => m.split('.')[0]!))) {
    const policy = policies.get(name);
    if (policy) checkRestricted(members, policy, ctx);
  }
}

type Grain = 'month' | 'quarter' | 'year';

/** The grain whose single period is exactly [from, to], if any. */
export function grainOfRange(range: string | string[]): Grain | null {
  if (!Array.isArray(range)) return null;
  const [from, to] = range.map((d) => d.slice(0, 10)) as [string, string];
  const m = /^(\d{4})-(\d{2})-01$/.exec(from);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const lastDay = (y: number, mo: number) => new Date(Date.UTC(y, mo, 0)).toISOString().slice(0, 10);
  if (to === lastDay(year, month)) return 'month';
  if ((month - 1) % 3 === 0 && to === lastDay(year, month + 2)) return 'quarter';
  if (month === 1 && to === `${year}-12-31`) return 'year';
  return null;
}

function grainFor(query: MemberQuery, view: string, meta: SnapshotMeta): Grain {
  const timeMember = `${view}.${meta.time_dimension}`;
  const td = query.timeDimensions.find((t) => t.dimension === timeMember);
  const allowed = meta.granularities.map((g) => ({ month: '月', quarter: '季', year: '年' })[g]).join('、');
  if (td?.granularity) {
    if (!(meta.granularities as string[]).includes(td.granularity)) {
      throw new QueryError(`${view} 的指标只能按${allowed}统计，不支持粒度 ${td.granularity}`);
    }
    return td.granularity as Grain;
  }
  const grain = td?.dateRange ? grainOfRange(td.dateRange) : null;
  if (grain && meta.granularities.includes(grain)) return grain;
  throw new QueryError(`查询 ${view} 时须在 timeDimensions 中为 ${timeMember} 指定粒度（${meta.granularities.join(' / ')}），或给出恰好一个完整月、季度或年度的 dateRange`);
}

function levelFor(members: string[], view: string, meta: SnapshotMeta, floor: RegionLevel): RegionLevel {
  let level = LEVEL_ORDER.indexOf(floor);
  for (const [lvl, names] of Object.entries(meta.levels) as [RegionLevel, string[]][]) {
    if (names.some((n) => members.includes(`${view}.${n}`))) level = Math.max(level, LEVEL_ORDER.indexOf(lvl));
  }
  return LEVEL_ORDER[level]!;
}

/**
 * The filter that keeps a token inside its region. On periodic-snapshot views
 * it names the level's own code member (city_code = …), so that rollups
 * grouped by those codes can answer; elsewhere a prefix of the region code.
 */
function scopeFilter(view: string, policy: DatasetPolicy, region: string): Filter {
  const { prefix } = regionScope(region);
  const codeOf = (level: RegionLevel) => policy.snapshot?.levels[level]?.[0];
  const exact: Partial<Record<number, RegionLevel>> = { 4: 'city', 6: 'county', 9: 'township' };
  const level = exact[prefix.length];
  const member = level ? codeOf(level) : prefix.length === 2 ? codeOf('city') : undefined;
  if (member && level) return { member: `${view}.${member}`, operator: 'equals', values: [region] };
  if (member) return { member: `${view}.${member}`, operator: 'startsWith', values: [prefix] };
  return { member: `${view}.${policy.regionCodeMember}`, operator: 'startsWith', values: [prefix] };
}

/** What the gateway decides itself when it splits a query into parts (cube/api/partial-periods.ts). */
export interface RewriteOverrides {
  /** The rows' grain, instead of the one the query's granularity or range gives. */
  grain?: Grain;
  /** The query whose members decide the region level (the client's, not the part's). */
  levelFrom?: MemberQuery;
}

export function rewriteQuery<Q extends MemberQuery>(query: Q, ctx: SecurityContext, policies: ReadonlyMap<string, DatasetPolicy>, overrides: RewriteOverrides = {}): Q {
  const members = membersOf(query);
  const levelMembers = overrides.levelFrom ? membersOf(overrides.levelFrom) : members;
  const datasets = [...new Set(members.map((m) => m.split('.')[0]!))];
  const added: Filter[] = [];
  const scope = ctx.role === 'admin' ? null : regionScope(ctx.region);

  for (const name of datasets) {
    const policy = policies.get(name);
    if (!policy) throw new QueryError(`数据集"${name}"不存在或不对外开放`);
    checkRestricted(members, policy, ctx);
    if (scope) {
      if (!policy.regionCodeMember) throw new ForbiddenError(`当前角色无权查询数据集"${name}"`);
      added.push(scopeFilter(name, policy, ctx.region));
    }
    const meta = policy.snapshot;
    if (!meta) continue;
    for (const reserved of [meta.grain_dimension, meta.level_dimension]) {
      if (members.includes(`${name}.${reserved}`)) throw new QueryError(`${name}.${reserved} 由服务端按查询自动设置，不能在查询中使用`);
    }
    const grain = overrides.grain ?? grainFor(query, name, meta);
    const level = levelFor(levelMembers, name, meta, scope?.level ?? 'city');
    added.push({ member: `${name}.${meta.grain_dimension}`, operator: 'equals', values: [grain] });
    added.push({ member: `${name}.${meta.level_dimension}`, operator: 'equals', values: [level] });
  }
  return { ...query, filters: [...query.filters, ...added] };
}

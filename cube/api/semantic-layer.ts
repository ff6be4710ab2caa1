// Answers Cube REST API requests with Cube's own compiler and SQL planner,
// executing the SQL on the warehouse and shaping results as Cube does.
import type pg from 'pg';
import { PostgresQuery, UserError } from '@cubejs-backend/schema-compiler';
import type { CompiledCubeModel } from '../compiler.ts';
import { queryOptions, ROLLUP_SCHEMA } from '../rollups/describe.ts';
import { DEFAULT_ROW_LIMIT, MAX_ROW_LIMIT } from './limits.ts';
import { normalizeQuery, plannerOrder, type NormalizedQuery, type NormalizedTimeDimension, type OrderItem, type QueryLimits } from './normalize.ts';
import { bucketsOf, grainTitle, monthEnd, monthSpan, rangeOf, singlePeriod, wholePeriods, type Bucket, type Grain, type Span } from './partial-periods.ts';
import { QueryError, type CubeQuery, type Filter } from './query.ts';
import { DEFAULT_RESULT_CACHE_MB, ResultCache, type CachedAnswer } from './result-cache.ts';
import { policyFromMeta, rewriteQuery, type DatasetPolicy, type RewriteOverrides } from './query-rewrite.ts';
import type { SecurityContext } from './security.ts';

/**
 * The zone the planner works in. The marts' periods are calendar dates; read
 * as UTC midnight they are the same calendar dates a client in China's zone
 * means, so every accepted zone (normalize.ts) plans alike, on marts and
 * rollups (built in UTC) alike.
 */
const PLANNER_TIMEZONE = 'UTC';

interface MemberMeta {
  name: string;
  title: string;
  shortTitle: string;
  type: string;
  description?: string;
  meta?: unknown;
  format?: unknown;
  public?: boolean;
  isVisible?: boolean;
  aliasMember?: string;
}

interface DatasetMeta {
  name: string;
  type: string;
  public: boolean;
  measures: MemberMeta[];
  dimensions: MemberMeta[];
  segments: MemberMeta[];
  meta?: unknown;
  [key: string]: unknown;
}

export interface LoadResult {
  query: NormalizedQuery & { queryType: 'regularQuery' };
  data: Record<string, unknown>[];
  annotation: {
    measures: Record<string, unknown>;
    dimensions: Record<string, unknown>;
    segments: Record<string, unknown>;
    timeDimensions: Record<string, unknown>;
  };
  lastRefreshTime: string;
  total?: number;
}

export interface SemanticLayerOptions {
  /** The clock relative date ranges are resolved at ("last 6 months"); tests fix it. */
  now?: () => Date;
  /** Default and maximum rows (config.ts: CUBEJS_DB_QUERY_DEFAULT_LIMIT, CUBEJS_DB_QUERY_LIMIT). */
  limits?: QueryLimits;
  /** Bound of the result cache in bytes (config.ts: RESULT_CACHE_MB); 0 turns it off. */
  resultCacheBytes?: number;
}

export interface LoadOptions {
  /** false: read the warehouse and keep nothing (queries naming persons). */
  cache?: boolean;
}

/** The data's version for one view: its cubes' refresh key values, and when the last load finished. */
interface DataVersion {
  keys: string[];
  lastRefreshTime: string;
}

interface Compiled {
  sql: string;
  params: unknown[];
  rollups: { preAggregationId: string; tableName: string }[];
  aliasNameToMember: Record<string, string>;
  /**
   * Cube's rollup-matching form of the query that runs (what Cube's /dry-run
   * lists as `transformedQueries`); null for a query answered by several parts.
   */
  transformedQuery: Record<string, unknown> | null;
}

/** What runs for one query: one SQL statement, maybe the union of several parts (partial periods). */
interface Plan extends Compiled {
  order: OrderItem[];
}

/** One part of a query split at partial periods, with the grain its rows are read at. */
interface Part {
  query: NormalizedQuery;
  grain: Grain;
}

const COMPILED_CACHE_SIZE = 1_000;

const GRANULARITY_TITLES: Record<string, string> = { day: '日', week: '周', month: '月', quarter: '季度', year: '年' };

/** PostgreSQL timestamp text "2025-04-01 00:00:00" → Cube's "2025-04-01T00:00:00.000". */
function cubeTime(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(value);
  if (!m) return value;
  return `${m[1]}T${m[2]}${(m[3] ?? '.000').padEnd(4, '0').slice(0, 4)}`;
}

const quote = (alias: string) => `"${alias.replace(/"/g, '""')}"`;

/** Cube's member SQL function as its YAML text: `${CUBE}.x` → `{CUBE}.x`. */
function sqlText(fn: unknown): string | undefined {
  if (typeof fn !== 'function') return typeof fn === 'string' ? fn : undefined;
  const m = /`([\s\S]*)`/.exec(String(fn));
  return m ? m[1]!.replace(/\$\{/g, '{') : undefined;
}

/** A member's SQL type, for the NULLs of a union's parts that lack it. */
const SQL_TYPES: Record<string, string> = { number: 'numeric', string: 'text', time: 'timestamp', boolean: 'boolean' };

export class SemanticLayer {
  private readonly publicDatasets: DatasetMeta[];
  private readonly members = new Map<string, MemberMeta>();
  /** Members the gateway sets itself (grain and level of periodic-snapshot views). */
  private readonly reserved = new Set<string>();
  readonly policies: ReadonlyMap<string, DatasetPolicy>;
  readonly limits: QueryLimits;
  private readonly now: () => Date;
  /** Per view: the refresh key SQL of the cubes its members stand for (Cube's cacheKeyQueries). */
  private readonly refreshKeys = new Map<string, string[]>();
  private readonly results: ResultCache;

  constructor(private readonly model: CompiledCubeModel, private readonly pool: pg.Pool, options: SemanticLayerOptions = {}) {
    const all = (model.metaTransformer.cubes as unknown as { config: DatasetMeta }[]).map((c) => c.config);
    // As Cube's /meta: public cubes and views, and of them only the public
    // members. A view's member is as public as the cube member it stands for
    // (Cube's views do not carry `public: false` over), so that the members the
    // gateway sets itself (period_grain, region_level, …) stay internal.
    const evaluator = model.cubeEvaluator as unknown as { cubeFromPath(path: string): Record<string, Record<string, { public?: boolean }> | undefined> };
    const visible = (kind: 'measures' | 'dimensions' | 'segments') => (m: MemberMeta) => {
      if (m.isVisible === false || m.public === false) return false;
      if (!m.aliasMember) return true;
      const [cube, member] = m.aliasMember.split('.') as [string, string];
      return evaluator.cubeFromPath(cube)[kind]?.[member]?.public !== false;
    };
    this.publicDatasets = all.filter((c) => c.public).map((c) => ({
      ...c,
      measures: c.measures.filter(visible('measures')),
      dimensions: c.dimensions.filter(visible('dimensions')),
      segments: c.segments.filter(visible('segments')),
    }));
    for (const c of this.publicDatasets) {
      for (const m of [...c.measures, ...c.dimensions, ...c.segments]) this.members.set(m.name, m);
    }
    this.policies = new Map(this.publicDatasets.map((c) => [c.name, policyFromMeta(c.name, c.meta)]));
    for (const p of this.policies.values()) {
      if (p.snapshot) for (const r of [p.snapshot.grain_dimension, p.snapshot.level_dimension]) this.reserved.add(`${p.name}.${r}`);
    }
    this.limits = options.limits ?? { defaultLimit: DEFAULT_ROW_LIMIT, maxLimit: MAX_ROW_LIMIT };
    this.now = options.now ?? (() => new Date());
    this.results = new ResultCache(options.resultCacheBytes ?? DEFAULT_RESULT_CACHE_MB * 1024 * 1024);
    const keysOf = new PostgresQuery(model as never, queryOptions({ measures: [], dimensions: [], timeDimensions: [] }) as never) as unknown as {
      refreshKeysByCubes(cubes: string[]): [string, unknown[], unknown][];
    };
    for (const c of all.filter((d) => d.public)) {
      const cubes = [...new Set([...c.measures, ...c.dimensions, ...c.segments].map((m) => (m.aliasMember ?? m.name).split('.')[0]!))];
      const keys = keysOf.refreshKeysByCubes(cubes).map(([sql, params]) => {
        // one statement reads every key of a view (dataVersion): keys take no parameters
        if (params.length > 0) throw new Error(`${c.name}: refresh_key 不支持参数`);
        return sql;
      });
      this.refreshKeys.set(c.name, [...new Set(keys)]);
    }
  }

  meta(): { cubes: DatasetMeta[] } {
    return { cubes: this.publicDatasets };
  }

  /**
   * `/meta?extended`, as Cube's: each member also with its SQL (the cube
   * member a view's member stands for, in YAML reference syntax), each view
   * with the file it is defined in, its joins and rollups (views have none).
   */
  metaExtended(): { cubes: DatasetMeta[] } {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Cube's evaluator has no types for a cube's definition
    const evaluator = this.model.cubeEvaluator as unknown as { cubeFromPath(path: string): Record<string, any> };
    const memberSql = (name: string, kind: 'measures' | 'dimensions' | 'segments', alias?: string) => {
      const [cube, member] = (alias ?? name).split('.') as [string, string];
      return sqlText(evaluator.cubeFromPath(cube)[kind]?.[member]?.sql);
    };
    return {
      cubes: this.publicDatasets.map((c) => {
        const def = evaluator.cubeFromPath(c.name);
        const extend = (kind: 'measures' | 'dimensions' | 'segments') => (c[kind] as MemberMeta[]).map((m) => ({ ...m, sql: memberSql(m.name, kind, m.aliasMember) }));
        return {
          ...c,
          fileName: def.fileName,
          ...(def.isView ? { cubes: def.cubes } : { sql: sqlText(def.sql), sqlTable: sqlText(def.sqlTable) }),
          measures: extend('measures'),
          dimensions: extend('dimensions'),
          segments: extend('segments'),
          joins: [],
          preAggregations: [],
        };
      }),
    };
  }

  /** The query as Cube's gateway normalises it (also what /dry-run shows and /load echoes). */
  normalize(query: CubeQuery): NormalizedQuery {
    return normalizeQuery(query, { now: this.now(), limits: this.limits, isMember: (n) => this.members.has(n) });
  }

  /** Compiled SQL by query: compiling blocks the event loop, and dashboards repeat their queries. */
  private readonly compiled = new Map<string, Compiled>();

  private compile(options: Record<string, unknown>): Compiled {
    const key = JSON.stringify(options);
    const hit = this.compiled.get(key);
    if (hit) {
      // most recently used last
      this.compiled.delete(key);
      this.compiled.set(key, hit);
      return hit;
    }
    const result = this.compileUncached(options);
    this.compiled.set(key, result);
    if (this.compiled.size > COMPILED_CACHE_SIZE) this.compiled.delete(this.compiled.keys().next().value!);
    return result;
  }

  private compileUncached(options: Record<string, unknown>): Compiled {
    try {
      const sqlQuery = new PostgresQuery(this.model as never, queryOptions(options) as never);
      const [sql, params] = sqlQuery.buildSqlAndParams() as [string, unknown[]];
      const rollups = (sqlQuery as unknown as { preAggregations: { preAggregationsDescription(): { preAggregationId: string; tableName: string }[] } })
        .preAggregations.preAggregationsDescription()
        .map((d) => ({ preAggregationId: d.preAggregationId, tableName: d.tableName }));
      const matching = (sqlQuery as unknown as { preAggregations: { canUseTransformedQuery(): Record<string, unknown> } }).preAggregations;
      // a plain copy: the compiler's object may hold references into the model
      const transformedQuery = JSON.parse(JSON.stringify(matching.canUseTransformedQuery())) as Record<string, unknown>;
      return { sql, params, rollups, aliasNameToMember: sqlQuery.aliasNameToMember as Record<string, string>, transformedQuery };
    } catch (e) {
      // the compiler's own words go to the log (the error's cause), not to the client
      if (e instanceof UserError) throw new QueryError('语义层无法为此查询生成 SQL：请检查度量、维度、过滤条件与排序的组合', { cause: e });
      throw e;
    }
  }

  /** A rollup answers a query only once it has been built (cube/rollups). */
  private async rollupsBuilt(tables: string[]): Promise<boolean> {
    if (tables.length === 0) return true;
    const r = await this.pool.query<{ ok: boolean }>(`select bool_and(to_regclass(t) is not null) as ok from unnest($1::text[]) as t`, [tables]);
    return r.rows[0]?.ok === true;
  }

  /** Rewrites (scope, grain, level) and compiles one query; a rollup only if built. */
  private async compileQuery(query: NormalizedQuery, ctx: SecurityContext, order: OrderItem[], paged: boolean, overrides: RewriteOverrides = {}): Promise<Compiled> {
    const rewritten = rewriteQuery(query, ctx, this.policies, overrides);
    const options: Record<string, unknown> = {
      measures: rewritten.measures,
      dimensions: rewritten.dimensions,
      segments: rewritten.segments,
      timeDimensions: rewritten.timeDimensions,
      filters: rewritten.filters,
      order,
      ...(paged ? { rowLimit: rewritten.limit, offset: rewritten.offset } : {}),
      ...(rewritten.ungrouped ? { ungrouped: true } : {}),
      allowUngroupedWithoutPrimaryKey: true,
      timezone: PLANNER_TIMEZONE,
    };
    const planned = this.compile(options);
    if (await this.rollupsBuilt(planned.rollups.map((r) => r.tableName))) return planned;
    // Not built yet: name a rollup that matches nothing, so the query reads the
    // marts. The compiler caches SQL per query without preAggregationId, so the
    // schema option (part of its cache key) must differ too.
    return this.compile({ ...options, preAggregationId: 'none', preAggregationsSchema: `${ROLLUP_SCHEMA}_unbuilt` });
  }

  /** Refuses unknown members and members of several views; returns the query's one view. */
  private checkMembers(query: NormalizedQuery): string {
    const named = [...query.measures, ...query.dimensions, ...query.segments, ...query.timeDimensions.map((t) => t.dimension)];
    // the gateway's own members get their own message from the rewrite
    const unknown = named.filter((m) => !this.members.has(m) && !this.reserved.has(m));
    if (unknown.length > 0) throw new QueryError(`未知的成员：${unknown.join('、')}`);
    // views do not join each other (Cube's compiler would say "Can't find join path")
    const fromFilters = (filters: Filter[]): string[] => filters.flatMap((f) => ('or' in f ? fromFilters(f.or) : 'and' in f ? fromFilters(f.and) : [f.member]));
    const views = [...new Set([...named, ...fromFilters(query.filters)].map((m) => m.split('.')[0]!))];
    if (views.length > 1) {
      throw new QueryError(`一个查询只能使用同一视图的成员，此查询用到了 ${views.join('、')}；不同视图的指标请作为多个查询一起发送（blending：查询数组）`);
    }
    return views[0] ?? '';
  }

  /** The SQL that answers a normalised query (one statement; a union of parts for partial periods). */
  private async plan(query: NormalizedQuery, ctx: SecurityContext, paged = true): Promise<Plan> {
    this.checkMembers(query);
    const order = plannerOrder(query);
    const parts = await this.partsOf(query, ctx);
    if (!parts) return { ...(await this.compileQuery(query, ctx, order, paged)), order };
    const [only] = parts;
    if (parts.length === 1 && only!.query.measures.length === query.measures.length) {
      return { ...(await this.compileQuery(only!.query, ctx, order, paged, { grain: only!.grain, levelFrom: query })), order };
    }
    return this.union(query, ctx, parts, order, paged);
  }

  /**
   * A query on a periodic-snapshot view whose date range cuts a period at its
   * granularity, as parts that read whole periods and months: null when the
   * query needs no split.
   */
  private async partsOf(query: NormalizedQuery, ctx: SecurityContext): Promise<Part[] | null> {
    const views = [...new Set([...query.measures, ...query.dimensions, ...query.timeDimensions.map((t) => t.dimension)].map((m) => m.split('.')[0]!))];
    const policy = views.length === 1 ? this.policies.get(views[0]!) : undefined;
    const meta = policy?.snapshot;
    if (!policy || !meta) return null;
    const time = `${policy.name}.${meta.time_dimension}`;

    // a date filter on the period is a range too; any other would cut periods unseen
    const isRange = (f: Filter) => !('or' in f) && !('and' in f) && f.member === time && f.operator === 'inDateRange';
    const onTime = (filters: Filter[]): boolean => filters.some((f) => ('or' in f ? onTime(f.or) : 'and' in f ? onTime(f.and) : f.member === time));
    const ranged = query.filters.filter(isRange);
    const rest = query.filters.filter((f) => !isRange(f));
    if (onTime(rest)) throw new QueryError(`${time} 只能用 timeDimensions 的 dateRange 或顶层的 inDateRange 过滤限定统计期`);
    const tds = query.timeDimensions.filter((t) => t.dimension === time);
    if (tds.length > 1) throw new QueryError(`${time} 在 timeDimensions 中只能出现一次`);
    const td = tds[0];
    const ranges = [td?.dateRange, ...ranged.map((f) => (f as { values: string[] }).values as [string, string])].filter((r): r is [string, string] => !!r);
    if (ranges.length === 0) return null;
    const range: [string, string] = [ranges.map((r) => r[0]).sort().at(-1)!, ranges.map((r) => r[1]).sort()[0]!];
    if (range[0] > range[1]) throw new QueryError(`${time} 的日期范围没有交集：${ranges.map((r) => r.join(' 至 ')).join('；')}`);
    const span = monthSpan(range, time);
    const granularity = td?.granularity;
    if (granularity && !(meta.granularities as string[]).includes(granularity)) return null; // the rewrite says which grains

    const others = query.timeDimensions.filter((t) => t !== td);
    const withTime = (g: NormalizedTimeDimension['granularity'], s: Span, measures = query.measures): NormalizedQuery => ({
      ...query,
      measures,
      filters: rest,
      timeDimensions: [...others, { dimension: time, ...(g ? { granularity: g } : {}), dateRange: rangeOf(s) }],
    });

    const grain = granularity as Grain | undefined;
    const single = singlePeriod(span);
    let buckets: Bucket[];
    if (!grain) {
      if (single && meta.granularities.includes(single)) return [{ query: withTime(undefined, span), grain: single }];
      buckets = [{ ...span, whole: false }];
    } else {
      buckets = bucketsOf(span, grain);
      if (buckets.every((b) => b.whole)) return [{ query: withTime(grain, span), grain }];
    }

    // a partial period: computed from month rows, where the measures allow it
    const nearest = grain ? `最接近的完整${grainTitle(grain)}范围为 ${wholePeriods(span, grain)}` : '请指定粒度，或给出恰好一个完整的月、季度或年度';
    const refuse = (why: string) => new QueryError(`${time} 的日期范围 ${span.start} 至 ${span.end} 含不完整的${grain ? grainTitle(grain) : '统计期'}，${why}；${nearest}`);
    if (query.ungrouped) throw refuse('ungrouped 查询读取的是整期的行，无法按部分期间计算');
    if (!meta.granularities.includes('month')) throw refuse('该数据集没有按月的行');
    const kindOf = (m: string) => (this.members.get(m)?.meta as { kind?: string } | undefined)?.kind;
    const unknownKind = query.measures.filter((m) => kindOf(m) !== 'flow' && kindOf(m) !== 'snapshot');
    if (unknownKind.length > 0) throw refuse(`${unknownKind.join('、')} 未标明时点（snapshot）或时期（flow），无法按部分期间计算`);
    const flows = query.measures.filter((m) => kindOf(m) === 'flow');
    const snapshots = query.measures.filter((m) => kindOf(m) === 'snapshot');

    const parts: Part[] = [];
    const whole = buckets.filter((b) => b.whole);
    if (grain && whole.length > 0) parts.push({ query: withTime(grain, { start: whole[0]!.start, end: whole.at(-1)!.end }), grain });
    const held = await this.heldMonths(query, ctx, time, span);
    for (const bucket of buckets.filter((b) => !b.whole)) {
      const months = held.filter((m) => m >= bucket.start && m <= bucket.end);
      if (months.length === 0) continue; // the warehouse holds no month of it: no row, as for a whole period
      if (flows.length > 0 || snapshots.length === 0) parts.push({ query: withTime(grain, bucket, flows), grain: 'month' });
      if (snapshots.length > 0) {
        const last = months.at(-1)!;
        parts.push({ query: withTime(grain, { start: last, end: monthEnd(last) }, snapshots), grain: 'month' });
      }
    }
    // no month of the range held: the rows (none, or one of nulls) the whole range gives
    if (parts.length === 0) parts.push({ query: withTime(grain, span), grain: 'month' });
    return parts;
  }

  /** The months (YYYY-MM-DD) inside `span` that the view holds rows for, in the caller's scope and the query's level. */
  private async heldMonths(query: NormalizedQuery, ctx: SecurityContext, time: string, span: Span): Promise<string[]> {
    const probe: NormalizedQuery = {
      measures: [], dimensions: [], segments: [], filters: [], order: [], limit: this.limits.maxLimit, timezone: query.timezone,
      timeDimensions: [{ dimension: time, granularity: 'month', dateRange: rangeOf(span) }],
    };
    const { sql, params } = await this.compileQuery(probe, ctx, [{ id: time, desc: false }], false, { grain: 'month', levelFrom: query });
    const rows = (await this.pool.query({ text: sql, values: params })).rows as Record<string, unknown>[];
    return rows.map((r) => String(Object.values(r)[0]).slice(0, 10)).sort();
  }

  /** One statement uniting the parts: each row's measures come from the part that computes them. */
  private async union(query: NormalizedQuery, ctx: SecurityContext, parts: Part[], order: OrderItem[], paged: boolean): Promise<Plan> {
    const compiled = await Promise.all(parts.map((p) => this.compileQuery(p.query, ctx, [], false, { grain: p.grain, levelFrom: query })));
    const aliasOf = new Map<string, string>();
    for (const c of compiled) for (const [alias, member] of Object.entries(c.aliasNameToMember)) aliasOf.set(member, alias);
    const memberOf: Record<string, string> = Object.fromEntries([...aliasOf].map(([m, a]) => [a, m]));
    const keys = [
      ...query.timeDimensions.filter((t) => t.granularity).map((t) => `${t.dimension}.${t.granularity}`),
      ...query.dimensions,
    ].map((m) => aliasOf.get(m)!);
    const measures = query.measures.map((m) => aliasOf.get(m)!);
    const params: unknown[] = [];
    const selects = compiled.map((c, i) => {
      // each part numbers its parameters from $1
      const shift = params.length;
      params.push(...c.params);
      const sql = c.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`);
      const own = new Set(Object.keys(c.aliasNameToMember));
      const columns = [
        ...keys.map(quote),
        ...query.measures.map((m, j) => (own.has(measures[j]!) ? quote(measures[j]!) : `NULL::${SQL_TYPES[this.members.get(m)!.type] ?? 'numeric'} AS ${quote(measures[j]!)}`)),
      ];
      return `SELECT ${columns.join(', ')} FROM (${sql}) AS part_${i}`;
    });
    const orderBy = order.map((o) => {
      const td = query.timeDimensions.find((t) => t.granularity && t.dimension === o.id);
      const alias = aliasOf.get(td ? `${td.dimension}.${td.granularity}` : o.id);
      return alias ? `${quote(alias)} ${o.desc ? 'DESC' : 'ASC'}` : null;
    }).filter(Boolean);
    const columns = [...keys.map(quote), ...measures.map((a) => `max(${quote(a)}) AS ${quote(a)}`)];
    let sql = `SELECT ${columns.join(', ')} FROM (\n${selects.join('\nUNION ALL\n')}\n) AS parts`;
    if (keys.length > 0) sql += ` GROUP BY ${keys.map(quote).join(', ')}`;
    if (orderBy.length > 0) sql += ` ORDER BY ${orderBy.join(', ')}`;
    if (paged) sql += ` LIMIT ${Number(query.limit)}${query.offset ? ` OFFSET ${Number(query.offset)}` : ''}`;
    const rollups = compiled.flatMap((c) => c.rollups).filter((r, i, all) => all.findIndex((o) => o.tableName === r.tableName) === i);
    return { sql, params, rollups, aliasNameToMember: memberOf, order, transformedQuery: null };
  }

  async sql(input: CubeQuery, ctx: SecurityContext) {
    const query = this.normalize(input);
    const { sql, params, aliasNameToMember, order, rollups } = await this.plan(query, ctx);
    return {
      sql: {
        sql: [sql, params],
        aliasNameToMember,
        order,
        dataSource: 'default',
        external: false,
        preAggregations: rollups,
      },
    };
  }

  /** Normalises and plans a query without running it (/dry-run): the same errors as /load. */
  async dryRun(input: CubeQuery, ctx: SecurityContext): Promise<{ query: NormalizedQuery; transformedQuery: Record<string, unknown> | null }> {
    const query = this.normalize(input);
    const { transformedQuery } = await this.plan(query, ctx);
    return { query, transformedQuery };
  }

  private annotate(query: NormalizedQuery): LoadResult['annotation'] {
    const describe = (name: string) => {
      const m = this.members.get(name)!;
      return { title: m.title, shortTitle: m.shortTitle, type: m.type, description: m.description, meta: m.meta, format: m.format };
    };
    const timeDimensions: Record<string, unknown> = {};
    for (const td of query.timeDimensions) {
      if (!td.granularity) continue;
      const base = describe(td.dimension);
      const g = GRANULARITY_TITLES[td.granularity] ?? td.granularity;
      timeDimensions[`${td.dimension}.${td.granularity}`] = { ...base, title: `${base.title}（${g}）`, granularity: { name: td.granularity, title: g } };
      timeDimensions[td.dimension] = base;
    }
    return {
      measures: Object.fromEntries(query.measures.map((m) => [m, describe(m)])),
      dimensions: Object.fromEntries(query.dimensions.map((d) => [d, describe(d)])),
      segments: Object.fromEntries(query.segments.map((s) => [s, describe(s)])),
      timeDimensions,
    };
  }

  /**
   * The version of the data a query on `view` reads, in one statement: its
   * cubes' refresh keys and the end of the last load (Cube's lastRefreshTime).
   */
  private async dataVersion(view: string): Promise<DataVersion> {
    const keys = this.refreshKeys.get(view) ?? [];
    const columns = keys.map((sql, i) => `(${sql})::text as k${i}`);
    const r = await this.pool.query<Record<string, string | Date | null>>(
      `select (select max(finished_at) from etl.batches where status = 'succeeded') as at${columns.map((c) => `, ${c}`).join('')}`,
    );
    const row = r.rows[0]!;
    return { keys: keys.map((_, i) => String(row[`k${i}`] ?? '')), lastRefreshTime: ((row.at as Date | null) ?? new Date()).toISOString() };
  }

  /** Plans and runs a query: its rows by member, as Cube returns them, and the total if asked. */
  private async run(query: NormalizedQuery, ctx: SecurityContext): Promise<CachedAnswer> {
    const { sql, params, aliasNameToMember: aliases } = await this.plan(query, ctx);
    // the total counts every row of the query, not the page that limit/offset select
    const totalOf = async () => {
      const whole = await this.plan(query, ctx, false);
      return this.pool.query<{ n: string }>({ text: `select count(*) as n from (${whole.sql}) as q`, values: whole.params });
    };
    const [result, total] = await Promise.all([
      this.pool.query({ text: sql, values: params }),
      query.total ? totalOf() : null,
    ]);
    const rows = result.rows.map((row: Record<string, unknown>) => {
      const out: Record<string, unknown> = {};
      for (const [alias, value] of Object.entries(row)) {
        const member = aliases[alias] ?? alias;
        const td = query.timeDimensions.find((t) => t.granularity && member === `${t.dimension}.${t.granularity}`);
        if (td) {
          out[member] = cubeTime(value);
          out[td.dimension] = cubeTime(value);
        } else {
          out[member] = value;
        }
      }
      return out;
    });
    return { rows, total: total ? Number(total.rows[0]!.n) : null };
  }

  /**
   * Answers a query, from the result cache when the data it reads has not
   * changed since the same query (same scope) was answered. An answer is kept
   * only if the refresh keys were the same before and after it ran: a load
   * committing meanwhile leaves nothing behind under the old version.
   */
  async load(input: CubeQuery, ctx: SecurityContext, options: LoadOptions = {}): Promise<LoadResult> {
    const query = this.normalize(input);
    const view = this.checkMembers(query);
    const version = await this.dataVersion(view);
    const fresh = async () => {
      const answer = await this.run(query, ctx);
      if (options.cache === false) return { answer, keep: false };
      const after = await this.dataVersion(view);
      return { answer, keep: JSON.stringify(after.keys) === JSON.stringify(version.keys) };
    };
    const answer = options.cache === false
      ? (await fresh()).answer
      : await this.results.get(JSON.stringify([version.keys, ctx.role, ctx.region, query]), fresh);
    return {
      query: { ...query, queryType: 'regularQuery' },
      // copies: callers add fields to rows (compareDateRange, blending's time)
      data: answer.rows.map((row) => ({ ...row })),
      annotation: this.annotate(query),
      lastRefreshTime: version.lastRefreshTime,
      ...(answer.total !== null ? { total: answer.total } : {}),
    };
  }

  /** Kept answers and their estimated size. */
  resultCacheStats(): { entries: number; bytes: number } {
    return this.results.stats();
  }
}

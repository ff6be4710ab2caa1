// Answers Cube REST API requests with Cube's own compiler and SQL planner,
// executing the SQL on the warehouse and shaping results as Cube does.
import type pg from 'pg';
import { PostgresQuery, UserError } from '@cubejs-backend/schema-compiler';
import type { CompiledModel } from '../compiler.ts';
import { queryOptions, ROLLUP_SCHEMA } from '../rollups/describe.ts';
import { QueryError, type CubeQuery } from './query.ts';
import { policyFromMeta, rewriteQuery, type DatasetPolicy } from './query-rewrite.ts';
import type { SecurityContext } from './security.ts';

const TIMEZONE = 'UTC';

interface MemberMeta {
  name: string;
  title: string;
  shortTitle: string;
  type: string;
  description?: string;
  meta?: unknown;
  format?: unknown;
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
  query: CubeQuery & { timezone: string; queryType: 'regularQuery' };
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

interface Compiled {
  sql: string;
  params: unknown[];
  rollups: { preAggregationId: string; tableName: string }[];
  aliasNameToMember: Record<string, string>;
  order: unknown;
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

export class SemanticLayer {
  private readonly publicDatasets: DatasetMeta[];
  private readonly members = new Map<string, MemberMeta>();
  readonly policies: ReadonlyMap<string, DatasetPolicy>;

  constructor(private readonly model: CompiledModel, private readonly pool: pg.Pool) {
    const all = (model.metaTransformer.cubes as unknown as { config: DatasetMeta }[]).map((c) => c.config);
    this.publicDatasets = all.filter((c) => c.public);
    for (const c of this.publicDatasets) {
      for (const m of [...c.measures, ...c.dimensions, ...c.segments]) this.members.set(m.name, m);
    }
    this.policies = new Map(this.publicDatasets.map((c) => [c.name, policyFromMeta(c.name, c.meta)]));
  }

  meta(): { cubes: DatasetMeta[] } {
    return { cubes: this.publicDatasets };
  }

  /** Compiled SQL by query: compiling blocks the event loop, and dashboards repeat their queries. */
  private readonly compiled = new Map<string, Compiled>();

  private compile(query: CubeQuery, extra: Record<string, unknown>): Compiled {
    const key = JSON.stringify([query, extra]);
    const hit = this.compiled.get(key);
    if (hit) {
      // most recently used last
      this.compiled.delete(key);
      this.compiled.set(key, hit);
      return hit;
    }
    const result = this.compileUncached(query, extra);
    this.compiled.set(key, result);
    if (this.compiled.size > COMPILED_CACHE_SIZE) this.compiled.delete(this.compiled.keys().next().value!);
    return result;
  }

  private compileUncached(query: CubeQuery, extra: Record<string, unknown>): Compiled {
    try {
      const sqlQuery = new PostgresQuery(this.model as never, queryOptions({
        ...query,
        allowUngroupedWithoutPrimaryKey: true,
        rowLimit: query.limit,
        ...extra,
      }) as never);
      const [sql, params] = sqlQuery.buildSqlAndParams() as [string, unknown[]];
      const rollups = (sqlQuery as unknown as { preAggregations: { preAggregationsDescription(): { preAggregationId: string; tableName: string }[] } })
        .preAggregations.preAggregationsDescription()
        .map((d) => ({ preAggregationId: d.preAggregationId, tableName: d.tableName }));
      return { sql, params, rollups, aliasNameToMember: sqlQuery.aliasNameToMember as Record<string, string>, order: (sqlQuery as unknown as { order: unknown }).order };
    } catch (e) {
      if (e instanceof UserError) throw new QueryError(e.message);
      throw e;
    }
  }

  /** A rollup answers a query only once it has been built (cube/rollups). */
  private async rollupsBuilt(tables: string[]): Promise<boolean> {
    if (tables.length === 0) return true;
    const r = await this.pool.query<{ ok: boolean }>(`select bool_and(to_regclass(t) is not null) as ok from unnest($1::text[]) as t`, [tables]);
    return r.rows[0]?.ok === true;
  }

  private async plan(query: CubeQuery, ctx: SecurityContext) {
    const unknown = [...query.measures, ...query.dimensions, ...query.timeDimensions.map((t) => t.dimension)].filter((m) => !this.members.has(m));
    if (unknown.length > 0) throw new QueryError(`未知的成员：${unknown.join('、')}`);
    const rewritten = rewriteQuery(query, ctx, this.policies);
    const planned = this.compile(rewritten, {});
    if (await this.rollupsBuilt(planned.rollups.map((r) => r.tableName))) return planned;
    // Not built yet: name a rollup that matches nothing, so the query reads the
    // marts. The compiler caches SQL per query without preAggregationId, so the
    // schema option (part of its cache key) must differ too.
    return this.compile(rewritten, { preAggregationId: 'none', preAggregationsSchema: `${ROLLUP_SCHEMA}_unbuilt` });
  }

  async sql(query: CubeQuery, ctx: SecurityContext) {
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

  private annotate(query: CubeQuery): LoadResult['annotation'] {
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

  private async lastRefreshTime(): Promise<string> {
    const r = await this.pool.query<{ at: Date | null }>(`select max(finished_at) as at from etl.batches where status = 'succeeded'`);
    return (r.rows[0]?.at ?? new Date()).toISOString();
  }

  async load(query: CubeQuery, ctx: SecurityContext): Promise<LoadResult> {
    const { sql, params, aliasNameToMember } = await this.plan(query, ctx);
    // the total counts every row of the query, not the page that limit/offset select
    const totalOf = async () => {
      const whole = await this.plan({ ...query, limit: undefined, offset: undefined }, ctx);
      return this.pool.query<{ n: string }>({ text: `select count(*) as n from (${whole.sql}) as q`, values: whole.params });
    };
    const aliases = aliasNameToMember;
    const [result, lastRefreshTime, total] = await Promise.all([
      this.pool.query({ text: sql, values: params }),
      this.lastRefreshTime(),
      query.total ? totalOf() : null,
    ]);
    const data = result.rows.map((row: Record<string, unknown>) => {
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
    return {
      query: { ...query, timezone: TIMEZONE, queryType: 'regularQuery' },
      data,
      annotation: this.annotate(query),
      lastRefreshTime,
      ...(total ? { total: Number(total.rows[0]!.n) } : {}),
    };
  }
}

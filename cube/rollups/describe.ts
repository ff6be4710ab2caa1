// The rollups (Cube `pre_aggregations`) declared in the data model, with the
// SQL Cube's own compiler generates to build each one.
import { PostgresQuery } from '@cubejs-backend/schema-compiler';
import type { CompiledCubeModel } from '../compiler.ts';

export const ROLLUP_SCHEMA = 'rollups';

export interface RollupDefinition {
  /** `cube.pre_aggregation`, as Cube names it. */
  id: string;
  /** schema-qualified name the compiler reads, e.g. rollups.indicator_periods_by_county */
  tableName: string;
  /** `SELECT …` that computes the rollup's rows. */
  selectSql: string;
  params: unknown[];
  /** SQL whose value changes when the rollup must be rebuilt. */
  refreshKeySql: string | null;
  /** `CREATE INDEX` statements for the declared indexes, on the final table name. */
  indexesSql: string[];
}

interface PreAggregationInfo {
  id: string;
  cube: string;
  preAggregationName: string;
  preAggregation: { type: string; measureReferences?: () => string[] };
}

interface Description {
  tableName: string;
  loadSql: [string, unknown[]];
  invalidateKeyQueries: [string, unknown[]][];
  indexesSql: { sql: [string, unknown[]] }[];
}

export function queryOptions(extra: Record<string, unknown> = {}) {
  return { timezone: 'UTC', useNativeSqlPlanner: false, preAggregationsSchema: ROLLUP_SCHEMA, ...extra };
}

export function listRollups(model: CompiledCubeModel): RollupDefinition[] {
  const evaluator = model.cubeEvaluator as unknown as { preAggregations(filter?: object): PreAggregationInfo[] };
  return evaluator.preAggregations().filter((p) => p.preAggregation.type === 'rollup').map((p) => {
    // Any query on the cube gives access to Cube's description of its rollups.
    const query = new PostgresQuery(model as never, queryOptions({ measures: [], dimensions: [], timeDimensions: [] }) as never);
    const preAggregations = (query as unknown as { preAggregations: { preAggregationDescriptionFor(cube: string, info: PreAggregationInfo): Description } }).preAggregations;
    const d = preAggregations.preAggregationDescriptionFor(p.cube, p);
    const [loadSql, params] = d.loadSql;
    const prefix = `CREATE TABLE ${d.tableName} AS `;
    if (!loadSql.startsWith(prefix)) throw new Error(`unexpected rollup load SQL for ${p.id}: ${loadSql.slice(0, 80)}`);
    return {
      id: p.id,
      tableName: d.tableName,
      selectSql: loadSql.slice(prefix.length),
      params,
      refreshKeySql: d.invalidateKeyQueries[0]?.[0] ?? null,
      indexesSql: d.indexesSql.map((i) => i.sql[0]),
    };
  });
}

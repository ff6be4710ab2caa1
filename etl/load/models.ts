// The models phase of a load: the dbt-style runner told what the load changed
// (refresh.ts), building what it rebuilds aside and publishing it only when the
// load calls `publish()`, just before its commit, so readers keep the current
// marts until then.
import type pg from 'pg';
import { runModels, type RunOptions } from '../../models/runner/index.ts';
import { shadowRelation } from '../../models/runner/materialize.ts';
import { Relation } from '../../models/runner/relation.ts';
import type { ModelRefresh } from './refresh.ts';

export interface ModelTiming {
  name: string;
  seconds: number;
  /** How the runner built it (e.g. full, incremental, view). */
  mode: string;
  /** Its relation, `schema.identifier` unquoted (what the load wrote: the rollups ask). */
  relation: string;
  /** Rebuilt with the same rows as before: the old table was kept, so the load did not write it. */
  unchanged?: boolean;
}

export interface ModelsBuilt {
  models: ModelTiming[];
  /**
   * Where a rebuilt model's rows are until `publish()`: `schema.table` → its
   * shadow relation (models rebuilt in place are not listed: they are read where they are).
   */
  unpublished: ReadonlyMap<string, string>;
  /** Makes the rebuilt models visible (inside the load's transaction). */
  publish(): Promise<void>;
}

/**
 * `changedTables`: the raw tables the load changed. Short of a full rebuild, only
 * the models they feed run (dbt's `source:raw.<table>+`): the others' inputs are
 * as they were. Empty: every model.
 */
export async function buildModels(
  client: pg.ClientBase,
  projectDir: string,
  refresh: ModelRefresh,
  changedTables: readonly string[] = [],
  log: (message: string) => void = () => {},
): Promise<ModelsBuilt> {
  const options: RunOptions = {
    projectDir,
    select: refresh.full === null && changedTables.length > 0 ? changedTables.map((t) => `source:raw.${t}+`) : undefined,
    // null: every person (dbt_project.yml)
    vars: { changed_months: refresh.months, changed_persons: refresh.persons ?? null, changed_households: refresh.households ?? null },
    fullRefresh: refresh.full !== null,
    deferPublish: true,
    // a model the changed tables reach only through models whose content stayed is not rebuilt
    skipUnchanged: true,
  };
  const result = await runModels(client, options);
  for (const s of result.skipped) log(`跳过模型 ${s.name}：${s.reason}`);
  const unpublished = new Map<string, string>();
  for (const m of result.models) {
    if (m.mode === 'incremental' || m.unchanged) continue; // changed in place, or kept; 'full' builds a shadow like a table
    const relation = parseRelation(m.relation);
    unpublished.set(`${relation.schema}.${relation.identifier}`, shadowRelation(relation).toString());
  }
  return {
    models: result.models.map((m) => {
      const relation = parseRelation(m.relation);
      return { name: m.name, seconds: m.durationMs / 1000, mode: m.mode, relation: `${relation.schema}.${relation.identifier}`, ...(m.unchanged ? { unchanged: true } : {}) };
    }),
    unpublished,
    publish: () => result.publish(),
  };
}

/** `"schema"."identifier"` as the runner reports it. */
function parseRelation(quoted: string): Relation {
  const match = /^"((?:[^"]|"")+)"\."((?:[^"]|"")+)"$/.exec(quoted);
  if (!match) throw new Error(`unexpected relation ${quoted}`);
  const unquote = (s: string) => s.replace(/""/g, '"');
  return new Relation(unquote(match[1]!), unquote(match[2]!));
}

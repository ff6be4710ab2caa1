// What a load wrote, for the rollups (cube/rollups `LoadSources`): a rollup
// whose sources the load left as they were is not rebuilt. The load writes
// the raw tables of its files and the models the runner built; nothing else
// writes the raw layer or the models' schemas.
import type { ModelTiming } from './models.ts';

/** raw and the schemas dbt_project.yml builds the models into (test/rollup-sources.test.ts checks them). */
export const LOAD_SCHEMAS: ReadonlySet<string> = new Set(['raw', 'staging', 'intermediate', 'marts']);

/** `raw.<table>` of every loaded table and the relation of every model built. */
export function loadWrites(loadedTables: readonly string[], models: readonly Pick<ModelTiming, 'relation'>[]): Set<string> {
  return new Set([...loadedTables.map((t) => `raw.${t}`), ...models.map((m) => m.relation)]);
}

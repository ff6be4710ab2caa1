// Building every rollup of the data model: after each load, and at server start.
import type pg from 'pg';
import { compileModel, type CompiledCubeModel } from '../compiler.ts';
import { buildRollupsInTransaction, refreshRollups, type PendingRollups, type RollupBuild } from './build.ts';
import { listRollups } from './describe.ts';

export { availableRollupTables, type PendingRollups, type RollupBuild } from './build.ts';
export { listRollups, ROLLUP_SCHEMA, type RollupDefinition } from './describe.ts';

export async function refreshModelRollups(client: pg.ClientBase, options: { model?: CompiledCubeModel; force?: boolean } = {}): Promise<RollupBuild[]> {
  const model = options.model ?? (await compileModel());
  return refreshRollups(client, listRollups(model), options);
}

/** In a load's transaction: the stale rollups built aside, swapped in by `publish()` just before the commit. */
export async function buildModelRollups(
  client: pg.ClientBase,
  options: { model?: CompiledCubeModel; force?: boolean; readFrom?: ReadonlyMap<string, string> } = {},
): Promise<PendingRollups> {
  const model = options.model ?? (await compileModel());
  return buildRollupsInTransaction(client, listRollups(model), options);
}

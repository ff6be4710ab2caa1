// Building every rollup of the data model: after each load, and at server start.
import type pg from 'pg';
import { compileModel, type CompiledCubeModel } from '../compiler.ts';
import { refreshRollups, type RollupBuild } from './build.ts';
import { listRollups } from './describe.ts';

export { availableRollupTables, type RollupBuild } from './build.ts';
export { listRollups, ROLLUP_SCHEMA, type RollupDefinition } from './describe.ts';

export async function refreshModelRollups(
  client: pg.ClientBase,
  options: { model?: CompiledCubeModel; force?: boolean; inTransaction?: boolean } = {},
): Promise<RollupBuild[]> {
  const model = options.model ?? (await compileModel());
  return refreshRollups(client, listRollups(model), options);
}

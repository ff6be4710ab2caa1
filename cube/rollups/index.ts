// Building every rollup of the data model: after each load, and at server start.
import type pg from 'pg';
import { compileModel, type CompiledCubeModel } from '../compiler.ts';
import { ROLLUP_REFRESH_LOCK } from '../../warehouse/locks.ts';
import { buildRollupsInTransaction, freshRollups, refreshRollups, type LoadSources, type PendingRollups, type RollupBuild } from './build.ts';
import { rollupDefinitions } from './definitions.ts';
import { listRollups, type RollupDefinition } from './describe.ts';

export { availableRollupTables, rollupSources, type LoadSources, type PendingRollups, type RollupBuild } from './build.ts';
export { listRollups, ROLLUP_SCHEMA, type RollupDefinition } from './describe.ts';
export { modelHash, rollupDefinitions } from './definitions.ts';

export async function refreshModelRollups(client: pg.ClientBase, options: { model?: CompiledCubeModel; force?: boolean } = {}): Promise<RollupBuild[]> {
  const model = options.model ?? (await compileModel());
  return refreshRollups(client, listRollups(model), options);
}

/** A load's rollups as they stood before its batch was recorded as succeeded. */
export interface RollupsBeforeLoad {
  rollups: RollupDefinition[];
  /** Rollup id → its stored refresh key was current (build.ts `freshRollups`). */
  freshBefore: ReadonlyMap<string, boolean>;
}

/**
 * In a load's transaction, before it marks its batch succeeded (which changes
 * every rollup's refresh key): the rollup definitions, from the stored
 * compilation of the model's current files (definitions.ts), and which
 * rollups are fresh. Takes the rollups' refresh lock until the commit.
 */
export async function rollupsBeforeLoad(client: pg.ClientBase): Promise<RollupsBeforeLoad> {
  await client.query('select pg_advisory_xact_lock($1)', [ROLLUP_REFRESH_LOCK]);
  const { rollups } = await rollupDefinitions(client);
  return { rollups, freshBefore: await freshRollups(client, rollups) };
}

/**
 * In a load's transaction: the stale rollups built aside, swapped in by
 * `publish()` just before the commit. With `load` (rollupsBeforeLoad and the
 * relations the load wrote), a rollup whose sources the load did not change
 * keeps its table; else every stale rollup of `model` (compiled now unless
 * given) is built.
 */
export async function buildModelRollups(
  client: pg.ClientBase,
  options: { model?: CompiledCubeModel; force?: boolean; readFrom?: ReadonlyMap<string, string>; load?: { before: RollupsBeforeLoad; changed: ReadonlySet<string>; loadSchemas: ReadonlySet<string> } } = {},
): Promise<PendingRollups> {
  const { load, ...rest } = options;
  if (load) {
    const sources: LoadSources = { changed: load.changed, loadSchemas: load.loadSchemas, freshBefore: load.before.freshBefore };
    return buildRollupsInTransaction(client, load.before.rollups, { ...rest, load: sources });
  }
  const rollups = listRollups(options.model ?? (await compileModel()));
  return buildRollupsInTransaction(client, rollups, rest);
}

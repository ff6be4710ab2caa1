// Runs a dbt project against PostgreSQL: load, compile, order, build the models, run the tests,
// publish. Everything runs on the given client inside the caller's transaction (no begin/commit here).
// Views and tables are built under shadow names and published together at the end (readers are not
// blocked while models build); incremental models are updated in place.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { compileProject } from './compile.ts';
import type { CompileOptions, CompiledModel, CompiledProject } from './compile.ts';
import type { Materialization } from './config.ts';
import { ModelTestFailure } from './errors.ts';
import { buildGraph } from './graph.ts';
import { buildIncremental, buildShadow, publishShadows, queryColumnNames, relationColumns, relationKinds, relationsColumns, sameRows, shadowRelation } from './materialize.ts';
import type { KnownCatalogue, MaterializeResult, ShadowBuild } from './materialize.ts';
import { loadProject } from './project.ts';
import { quoteIdent, Relation } from './relation.ts';
import { ensureStateTable, projectChecksums, readState, writeState } from './state.ts';
import type { ModelState } from './state.ts';
import { selectModelsReached } from './select.ts';
import { compileParts, compileTest, inTransaction } from './tests.ts';
import { runTests } from './test-batch.ts';
import type { CompiledTest } from './test-batch.ts';
import type { TestResult } from './tests.ts';
import type { TestSpec } from './test-spec.ts';

export interface RunOptions extends CompileOptions {
  /** The dbt project root (the folder holding dbt_project.yml). */
  projectDir: string;
  /** dbt-style selectors (`name`, `+name`, `name+`, `tag:x`, `path:dir`, `stg_*`); default: all models. */
  select?: string[];
  /** When set, compiled SQL is written there (like dbt's target/compiled) and named in errors. */
  compiledDir?: string;
  /** Progress messages. */
  log?: (message: string) => void;
  /** Rebuild incremental models from scratch (dbt's `--full-refresh`; a model's `full_refresh` config wins). */
  fullRefresh?: boolean;
  /**
   * Leave the built views and tables under their shadow names: the caller calls `result.publish()`
   * right before its commit. Default: published at the end of runModels, before the tests run.
   */
  deferPublish?: boolean;
  /**
   * Skip what this run did not change (a load's run, selecting `source:raw.<table>+`): a model
   * selected only downstream of a matched one (`x+`) whose parents in the run all kept their
   * content is not rebuilt, when its code and its upstream code are as at its last build. A view
   * built is taken as changed; a table whose new rows equal the published ones (compared when it
   * holds at most COMPARE_ROWS rows) as unchanged, and the old one is kept (its shadow dropped); an
   * incremental model updated in place as changed when it (or its hooks) deleted or inserted rows.
   * dbt's choice of what to build, narrowed; models matched by a selector always run.
   */
  skipUnchanged?: boolean;
  /** Where parsed YAML and compiled templates are kept between runs; default `<project>/target/runner_cache`; false: none. */
  cacheDir?: string | false;
}

/** Tables up to this many rows are compared with the published ones when `skipUnchanged` is set. */
export const COMPARE_ROWS = 50_000;

/** A selected model the run did not build: its selected parents kept their content. */
export interface SkippedModel {
  name: string;
  file: string;
  /** `"schema"."identifier"` */
  relation: string;
  /** Why, in words (Chinese): the parents and how each stayed the same. */
  reason: string;
}

/** How a model was built: view/table (under a shadow name), an incremental model in full or in place. */
export type BuildMode = 'view' | 'table' | 'full' | 'incremental';

/** Why an incremental model was built in full. */
export type FullRefreshReason = 'new' | 'not_table' | 'full_refresh' | 'no_state' | 'changed' | 'upstream_changed' | 'columns_changed';

export interface ModelRunResult {
  name: string;
  file: string;
  /** `"schema"."identifier"` */
  relation: string;
  materialized: Materialization;
  durationMs: number;
  /** Rows in the built table; null for views and in-place incremental builds. */
  rowCount: number | null;
  mode: BuildMode;
  /** Incremental models built in full: why. */
  fullRefreshReason?: FullRefreshReason;
  /** The reason in words (Chinese), e.g. the upstream models that changed. */
  fullRefreshDetail?: string;
  /** In-place incremental builds: rows deleted and inserted. */
  rowsDeleted?: number;
  rowsInserted?: number;
  /**
   * With `skipUnchanged`: the table was rebuilt with the same rows as the published one, which was
   * kept (the new one dropped, not published, its tests not run).
   */
  unchanged?: boolean;
}

export interface RunResult {
  /** Built models, in build order. */
  models: ModelRunResult[];
  /** Selected models not built (`skipUnchanged`), in build order. */
  skipped: SkippedModel[];
  tests: TestResult[];
  warnings: string[];
  durationMs: number;
  /**
   * Swap the models built under shadow names in (drop old, rename, indexes). Idempotent; already
   * done when runModels returns unless `deferPublish` was set. Call it right before committing.
   */
  publish(): Promise<void>;
  /** Whether publish() has run. */
  readonly published: boolean;
}

interface Decision {
  mode: BuildMode;
  reason?: FullRefreshReason;
  detail?: string;
}

export async function runModels(client: pg.ClientBase, options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const log = options.log ?? ((): void => {});
  const project = await loadProject(options.projectDir, options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {});
  const compiled = compileProject(project, options);
  const graph = buildGraph(new Map([...compiled.models].map(([name, m]) => [name, { deps: m.refs, file: m.node.file }])));
  const { selected, descendantsOnly } = selectModelsReached(options.select, compiled.models, graph);
  const order = graph.order.filter((name) => selected.has(name));
  const selecting = (options.select ?? []).length > 0;
  const skipping = options.skipUnchanged === true && selecting && options.fullRefresh !== true;
  const checksums = projectChecksums(compiled.models, graph);

  // Compile the tests before touching the database so that YAML/Jinja problems surface first.
  const testSpecs: TestSpec[] = [];
  for (const spec of project.tests) {
    const inScope = spec.target.kind === 'model' ? selected.has(spec.target.model) : !selecting;
    if (!inScope) continue;
    if (compileTest(spec, compiled) !== undefined) testSpecs.push(spec);
  }

  const schemas = [...new Set(order.map((name) => compiled.models.get(name)!.relation.schema))];
  if (schemas.length > 0) {
    try {
      await client.query(schemas.map((schema) => `create schema if not exists ${quoteIdent(schema)}`).join(';\n'));
    } catch (err) {
      throw new Error(`创建 schema ${schemas.join('、')} 失败：${(err as Error).message}`, { cause: err });
    }
  }
  await ensureStateTable(client);
  const state = await readState(client);
  // The catalogue as the builds start, read once for the run (not per model): the kinds of the
  // selected relations and of shadows left behind, the columns of the incremental models' tables.
  const relations = order.map((name) => compiled.models.get(name)!.relation);
  const kinds = await relationKinds(client, [...relations, ...relations.map(shadowRelation)]);
  const known: KnownCatalogue = {
    kinds,
    columns: await relationsColumns(client, order.filter((name) => compiled.models.get(name)!.config.materialized === 'incremental').map((name) => compiled.models.get(name)!.relation)),
  };
  const transaction = skipping ? await inTransaction(client) : false;

  // Models built under a shadow name in this run: ref() resolves to the shadow until publish.
  const shadows: ShadowBuild[] = [];
  const pendingState: Array<Parameters<typeof writeState>[2][number]> = [];
  const shadowOf = new Map<string, Relation>();
  let published = false;
  const resolveRef = (name: string): Relation => (!published ? shadowOf.get(name) : undefined) ?? compiled.models.get(name)!.relation;

  const warnings = [...project.warnings];
  const models: ModelRunResult[] = [];
  const skipped: SkippedModel[] = [];
  const inPlaceState: typeof pendingState = [];
  // Models of this run whose content may differ from before it, and why the others stayed the same.
  const changed = new Set<string>();
  const sameBecause = new Map<string, string>();
  for (const name of order) {
    const m = compiled.models.get(name)!;
    const sums = checksums.get(name)!;
    const previous = state.get(m.relation.toString());
    // Built by the same code as now, over upstream code as now: its relation holds what a build would.
    const sameCode = previous !== undefined && previous.checksum === sums.checksum && previous.upstreamChecksum === sums.upstreamChecksum &&
      kinds.get(m.relation.toString()) === (m.config.materialized === 'view' ? 'view' : 'table');
    if (skipping && descendantsOnly.has(name) && sameCode) {
      const parents = [...graph.parents.get(name)!].filter((p) => selected.has(p));
      if (parents.every((p) => !changed.has(p))) {
        const reason = `上游模型本次没有变化：${parents.map((p) => `${p}（${sameBecause.get(p) ?? '未重建'}）`).join('、')}`;
        skipped.push({ name, file: m.node.file, relation: m.relation.toString(), reason });
        sameBecause.set(name, '已跳过');
        log(`跳过模型 ${name}：${reason}`);
        continue;
      }
    }
    const t0 = performance.now();
    const decision = m.config.materialized === 'incremental'
      ? await decideIncremental(client, compiled, m, options, state, sums, checksums, resolveRef, warnings, kinds)
      : { mode: m.config.materialized as BuildMode };
    const inPlace = decision.mode === 'incremental';
    const shadow = shadowRelation(m.relation);
    const rendered = compiled.renderModel(name, {
      isIncremental: inPlace,
      resolveRef,
      thisRelation: m.relation,
      postHookThis: inPlace ? m.relation : shadow,
    });
    // target/compiled as dbt writes it: real relation names (the statements run read the shadows).
    const canonical = inPlace ? compiled.renderModel(name, { ...realContext(compiled, m), isIncremental: true }).sql : m.sql;
    const compiledFile = options.compiledDir !== undefined ? path.join(path.resolve(options.compiledDir), m.node.file) : undefined;
    if (compiledFile !== undefined) await writeText(compiledFile, canonical);
    log(`构建模型 ${name} → ${m.relation}（${describeMode(decision)}）`);
    const built: MaterializeResult = inPlace
      ? await buildIncremental(client, m, rendered, compiledFile, known)
      : await buildShadow(client, m, rendered, compiledFile, known);
    // A table rebuilt by the same code with the same rows: the published one stays, its readers
    // downstream may be skipped, and nothing is swapped in.
    const unchanged = skipping && built.shadow?.kind === 'table' && sameCode && built.rowCount !== null && built.rowCount <= COMPARE_ROWS &&
      (await sameRows(client, built.shadow.shadow, m.relation, built.rowCount, transaction));
    if (unchanged) {
      await client.query(`drop table ${built.shadow!.shadow}`);
      sameBecause.set(name, '内容与上次相同');
      log(`模型 ${name} 的内容与上次相同，保留原表`);
    } else if (built.shadow) {
      shadows.push(built.shadow);
      shadowOf.set(name, built.shadow.shadow);
    }
    if (inPlace) {
      if (built.rowsInserted !== 0 || built.rowsDeleted !== 0 || built.rowsChangedByHooks !== 0) changed.add(name);
      else sameBecause.set(name, '没有删除或插入行');
    } else if (!unchanged) changed.add(name);
    const entry = {
      relation: m.relation.toString(),
      model: name,
      checksum: sums.checksum,
      upstreamChecksum: sums.upstreamChecksum,
      mode: decision.mode,
      fullRefreshReason: decision.reason ?? null,
    };
    // A shadow's state is recorded when it is published: a commit without publish records nothing.
    // In place, the state is as before but for the time and mode (a change of code builds in full):
    // recorded for every such model at once after the builds.
    if (built.shadow) {
      if (!unchanged) pendingState.push(entry);
    } else inPlaceState.push(entry);
    models.push({
      name,
      file: m.node.file,
      relation: m.relation.toString(),
      materialized: m.config.materialized,
      durationMs: performance.now() - t0,
      rowCount: built.rowCount,
      mode: decision.mode,
      ...(decision.reason !== undefined ? { fullRefreshReason: decision.reason, fullRefreshDetail: decision.detail } : {}),
      ...(built.rowsInserted !== undefined ? { rowsDeleted: built.rowsDeleted, rowsInserted: built.rowsInserted } : {}),
      ...(unchanged ? { unchanged: true } : {}),
    });
  }
  await writeState(client, project.name, inPlaceState);

  const publish = async (): Promise<void> => {
    if (published) return;
    const t0 = performance.now();
    await publishShadows(client, shadows, compiled.models);
    await writeState(client, project.name, pendingState);
    published = true;
    if (shadows.length > 0) log(`发布 ${shadows.length} 个模型（${Math.round(performance.now() - t0)} ms）`);
  };
  if (!options.deferPublish) await publish();

  // Tests read what this run built: the shadows when publishing is deferred, else the real relations.
  const current = relationsAsBuilt(compiled, resolveRef);
  const builtInPlace = new Set(models.filter((m) => m.mode === 'incremental').map((m) => m.name));
  // Tests of the models this run built; a skipped model or a table kept as it was is as last tested.
  const notBuilt = new Set([...skipped.map((s) => s.name), ...models.filter((m) => m.unchanged).map((m) => m.name)]);
  const compiledTests: CompiledTest[] = [];
  for (const spec of testSpecs) {
    if (spec.target.kind === 'model' && notBuilt.has(spec.target.model)) continue;
    // A test of a model updated in place sees is_incremental() true: its `where:` may keep to the rebuilt rows.
    const inPlace = spec.target.kind === 'model' && builtInPlace.has(spec.target.model);
    const parts = compileParts(spec, current, inPlace)!;
    if (options.compiledDir !== undefined) await writeText(path.join(path.resolve(options.compiledDir), 'tests', `${spec.name}.sql`), parts.sql);
    compiledTests.push({ spec, ...parts, fewRows: inPlace && spec.where !== undefined });
  }
  const testing = compiledTests.length > 0 && (skipping ? transaction : await inTransaction(client));
  const results = await runTests(client, compiledTests, testing, (r) => {
    log(`测试 ${r.name}：${r.status}${r.failures > 0 ? `（${r.failures} 行）` : ''}`);
  });

  for (const r of results) {
    if (r.status === 'warn') warnings.push(`测试 ${r.name}（${r.file}）有 ${r.failures} 行不符合（severity: warn）`);
  }
  const result: RunResult = {
    models,
    skipped,
    tests: results,
    warnings,
    durationMs: performance.now() - started,
    publish,
    get published() {
      return published;
    },
  };
  const failures = results.filter((r) => r.status === 'fail' || r.status === 'error');
  if (failures.length > 0) throw new ModelTestFailure(failures, result);
  return result;
}

function describeMode(d: Decision): string {
  switch (d.mode) {
    case 'view':
      return 'view';
    case 'table':
      return 'table';
    case 'incremental':
      return 'incremental，增量更新';
    case 'full':
      return `incremental，全量构建：${d.detail ?? ''}`;
  }
}

/**
 * dbt's is_incremental(): the relation exists as a table and no full refresh is asked for (the
 * model's `full_refresh` config wins over the run's). On top of dbt, the runner rebuilds in full
 * when the model's code or an upstream model's code changed since the last build (state), unless
 * the model says `full_refresh: false`; and `on_schema_change: full_refresh` compares columns.
 */
async function decideIncremental(
  client: pg.ClientBase,
  compiled: CompiledProject,
  m: CompiledModel,
  options: RunOptions,
  state: Map<string, ModelState>,
  sums: { checksum: string; upstreamChecksum: string; ancestors: string[] },
  checksums: Map<string, { checksum: string }>,
  resolveRef: (name: string) => Relation,
  warnings: string[],
  kinds: ReadonlyMap<string, string>,
): Promise<Decision> {
  const full = (reason: FullRefreshReason, detail: string): Decision => ({ mode: 'full', reason, detail });
  // the real relation is not touched before publishing: its kind as the run started
  const kind = kinds.get(m.relation.toString());
  if (kind === undefined) return full('new', '首次构建');
  if (kind !== 'table') return full('not_table', `${m.relation} 目前是${kind === 'view' ? '视图' : kind}，不是表`);
  const shouldFullRefresh = m.config.fullRefresh ?? options.fullRefresh ?? false;
  if (shouldFullRefresh) {
    return full('full_refresh', m.config.fullRefresh === true ? '模型配置了 full_refresh: true' : '要求全量刷新（--full-refresh）');
  }

  const previous = state.get(m.relation.toString());
  let stale: Decision | undefined;
  if (previous === undefined) stale = full('no_state', '没有该模型的构建记录');
  else if (previous.checksum !== sums.checksum) stale = full('changed', '模型的代码或配置已变化');
  else if (previous.upstreamChecksum !== sums.upstreamChecksum) {
    const changed = sums.ancestors.filter((a) => {
      const s = [...state.values()].find((x) => x.model === a);
      return s === undefined || s.checksum !== checksums.get(a)?.checksum;
    });
    stale = full('upstream_changed', `上游模型已变化${changed.length > 0 ? `：${changed.join('、')}` : ''}`);
  }
  if (stale !== undefined) {
    if (m.config.fullRefresh !== false) return stale;
    warnings.push(`模型 ${m.node.name}：${stale.detail}，但配置了 full_refresh: false，只做增量更新`);
  }

  if (m.config.onSchemaChange === 'full_refresh') {
    // dbt's on_schema_change_full_refresh: column names of the incremental query against the table's.
    const { sql } = compiled.renderModel(m.node.name, { isIncremental: true, resolveRef, thisRelation: m.relation, postHookThis: m.relation });
    const names = await queryColumnNames(client, sql);
    const before = (await relationColumns(client, m.relation.toString())).map((c) => c.name);
    const added = names.filter((n) => !before.includes(n));
    const removed = before.filter((n) => !names.includes(n));
    if (added.length + removed.length > 0) {
      const parts = [added.length > 0 ? `新增列 ${added.join('、')}` : '', removed.length > 0 ? `删除列 ${removed.join('、')}` : ''].filter(Boolean);
      return full('columns_changed', `列已变化（on_schema_change: full_refresh）：${parts.join('；')}`);
    }
  }
  return { mode: 'incremental' };
}

function realContext(compiled: CompiledProject, m: CompiledModel): { isIncremental: boolean; resolveRef: (name: string) => Relation; thisRelation: Relation; postHookThis: Relation } {
  return { isIncremental: false, resolveRef: (name) => compiled.models.get(name)!.relation, thisRelation: m.relation, postHookThis: m.relation };
}

/** The compiled project as tests should see it: each model at the relation this run left it in. */
function relationsAsBuilt(compiled: CompiledProject, resolveRef: (name: string) => Relation): CompiledProject {
  return {
    ...compiled,
    models: new Map([...compiled.models].map(([name, m]) => [name, { ...m, relation: resolveRef(name) }])),
    renderSnippet: (template, file, label, context) => compiled.renderSnippet(template, file, label, { ...context, resolveRef }),
  };
}

async function writeText(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${text}\n`);
}

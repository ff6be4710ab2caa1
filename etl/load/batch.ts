// One load, in named phases: plan → (lock, batch row, begin) → files (prepare,
// COPY, replace) → models → rollups → publish → commit. All files, the models
// and their tests land in one transaction or not at all; the batch row that
// records the attempt is written outside it, so failures stay on record. The
// models and rollups are built aside and published last, so readers keep
// reading the current marts and rollups, unblocked, until the commit.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { buildModelRollups, rollupsBeforeLoad, type PendingRollups, type RollupBuild } from '../../cube/rollups/index.ts';
import { LOAD_LOCK } from '../../warehouse/locks.ts';
import type { FileChanges } from './changes.ts';
import { buildModels, type ModelsBuilt, type ModelTiming } from './models.ts';
import { decideRefresh, type ModelRefresh } from './refresh.ts';
import { analyzeLoaded } from './statistics.ts';
import { LOAD_SCHEMAS, loadWrites } from './rollup-sources.ts';
import { kindByNumber } from '../formats/kinds.ts';
import { copyLines, csvLine } from './copy-rows.ts';
import { ensureHistorySchema } from '../history/schema.ts';
import { loadFile, type Reject } from './load-file.ts';
import type { LineCount } from '../read/index.ts';
import { modelFingerprint } from './model-fingerprint.ts';
import { discardPlan, planLoad, type PlannedFile } from './plan.ts';
import { PreparerPool, preparedHere, type PreparedFile } from './prepare/pool.ts';
import { prepareJob } from './prepare/prepare.ts';
import { appendAudit, cliActor } from '../../audit/trail.ts';
import { syncImportedRectification, type RectificationConflict } from '../../rectification/import.ts';

/** The dbt project root (dbt_project.yml). */
export const DBT_PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** File i + 1 is prepared while file i is COPYed. */
const PREPARING_THREADS = 2;
/**
 * Below this many bytes of files every file is prepared on the loader's
 * thread, its COPY data streamed as it is made (PostgreSQL parses it in its
 * own process meanwhile): a preparing thread takes a second or more of CPU to
 * start (tsx, the readers), as much as preparing a month's exports (14 MB at
 * city scale) takes, and on two cores starting them slowed the first file.
 */
export const PREPARING_THREADS_MIN_BYTES = 64 * 1024 * 1024;

/** Preparing threads for a load of `files`: none for a small load, or one file. */
export function preparingThreadsFor(files: readonly Pick<PlannedFile, 'size'>[]): number {
  const bytes = files.reduce((n, f) => n + f.size, 0);
  return files.length > 1 && bytes >= PREPARING_THREADS_MIN_BYTES ? PREPARING_THREADS : 0;
}

export interface FileReport {
  path: string;
  name: string;
  kind: number;
  kindTitle: string;
  format: string;
  outcome: 'loaded' | 'skipped';
  note: string | null;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  rejects: Reject[];
  /** How the file's lines were accounted for (loaded files). */
  lines?: LineCount;
  /** Loaded again with --force although the same content was loaded before. */
  forced?: boolean;
  /** The months whose rows the file replaced, added or removed (loaded files). */
  changes?: FileChanges;
  /** The partitions whose rows the file replaced (loaded files of partitioned kinds). */
  partitions?: string[];
}

/** Seconds of each phase of a load. */
export interface LoadPhases {
  plan: number;
  files: number;
  /** Planner statistics of the loaded raw tables (part of `models`: the models need them). */
  analyze: number;
  models: number;
  rollups: number;
  /** Publishing the rebuilt models and rollups, the audit record and the commit. */
  commit: number;
}

export interface LoadReport {
  batchId: number;
  files: FileReport[];
  modelsRun: boolean;
  modelSeconds: number;
  /** Full or incremental, and the months rebuilt (null: the models did not run). */
  refresh: ModelRefresh | null;
  /** Each model's build (empty when the models did not run). */
  models: ModelTiming[];
  phases: LoadPhases;
  rollups: RollupBuild[];
  /** Fields of imported rectification items kept as the application changed them later (rectification/import.ts). */
  rectificationConflicts: RectificationConflict[];
}

export interface LoadOptions {
  runBy: string;
  /** The dbt project to build after loading; the project's own by default. */
  projectDir?: string;
  /** Rebuild the Cube rollups in the same transaction (default true). */
  refreshRollups?: boolean;
  /** Build the models even when no file brings new data (after the models changed: then in full, refresh.ts). */
  rebuildModels?: boolean;
  /** Rebuild every model from scratch, not only the months the files changed (`etl load --full-refresh`). */
  fullRefresh?: boolean;
  /** Called when everything is built, before it is published and committed (tests hold a load there). */
  beforePublish?: () => Promise<void>;
  /** Load files whose content was loaded before (`etl load --force`), recorded as forced. */
  force?: boolean;
  /** Preparing threads; by default preparingThreadsFor the files (none for a small load). */
  preparingThreads?: number;
  onFileStart?: (file: PlannedFile, index: number, total: number) => void;
  onProgress?: (file: PlannedFile, bytes: number) => void;
  log?: (msg: string) => void;
}

export class LoadBusyError extends Error {}

async function alreadyLoaded(client: pg.ClientBase, sha256: string): Promise<number | null> {
  const r = await client.query<{ batch_id: string }>(
    `select f.batch_id from etl.batch_files f join etl.batches b using (batch_id)
      where f.sha256 = $1 and f.outcome = 'loaded' and b.status = 'succeeded' order by f.batch_id desc limit 1`,
    [sha256],
  );
  return r.rows[0] ? Number(r.rows[0].batch_id) : null;
}

async function regionCodes(client: pg.ClientBase): Promise<string[]> {
  const r = await client.query<{ region_code: string }>('select region_code from raw.regions');
  return r.rows.map((x) => x.region_code);
}

async function recordFile(client: pg.ClientBase, batchId: number, f: FileReport, file: PlannedFile): Promise<void> {
  await client.query(
    `insert into etl.batch_files (batch_id, file_path, file_name, sha256, kind, format, outcome, rows_read, rows_loaded, rows_rejected, note, headers, is_correction, lines_total, blank_rows, forced, changed_months, changes_unbounded, changed_persons)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
    [batchId, f.path, f.name, file.sha256, f.kind, f.format, f.outcome, f.rowsRead, f.rowsLoaded, f.rowsRejected, f.note, [...file.match.positions.keys()], file.isCorrection, f.lines?.lines ?? null, f.lines?.blankRows ?? null, f.forced === true, f.changes?.months ?? null, f.changes?.unbounded ?? null, f.changes?.persons ?? null],
  );
  if (f.rejects.length === 0) return;
  async function* lines() {
    for (const r of f.rejects) yield csvLine([batchId, f.name, f.kind, r.rowNumber, r.column, r.value, r.reason, r.rowData ? JSON.stringify(r.rowData) : null]);
  }
  await copyLines(client, 'etl.rejects', ['batch_id', 'file_name', 'kind', 'row_number', 'column_name', 'value', 'reason', 'row_data'], lines());
}

/** Seconds since `started` (performance.now()). */
const since = (started: number) => (performance.now() - started) / 1000;

/**
 * Plan: the files, their kinds and checksums. Preparing threads start after
 * it, for a large load only (preparingThreadsFor); the first file is prepared
 * on this thread while they start (filesPhase).
 */
async function planPhase(paths: readonly string[], options: LoadOptions): Promise<{ planned: PlannedFile[]; preparers: PreparerPool | null }> {
  const planned = paths.length === 0 && options.rebuildModels ? [] : await planLoad(paths);
  const threads = options.preparingThreads ?? preparingThreadsFor(planned);
  const preparers = threads > 0 ? new PreparerPool(threads) : null;
  preparers?.start();
  return { planned, preparers };
}

/**
 * Takes the load lock (one load at a time, refused rather than queued), records
 * the attempt outside the transaction, then begins it.
 */
async function beginBatch(client: pg.ClientBase, paths: readonly string[], options: LoadOptions): Promise<number> {
  const locked = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [LOAD_LOCK]);
  if (!locked.rows[0]!.ok) throw new LoadBusyError('另一个导入正在进行，请稍后再试');
  // Holding the lock, any batch still 'running' belongs to a process that died.
  await client.query(`update etl.batches set status = 'abandoned', finished_at = now(), error = '导入进程中断，事务已回滚' where status = 'running'`);
  const created = await client.query<{ batch_id: string }>(
    `insert into etl.batches (status, run_by, host, paths) values ('running', $1, $2, $3) returning batch_id`,
    [options.runBy, os.hostname(), paths.map((p) => path.resolve(p))],
  );
  await client.query('begin');
  return Number(created.rows[0]!.batch_id);
}

/**
 * Files: each file prepared (read, validated, encoded), COPYed, and replacing
 * what it supersedes (load-file.ts), in plan order. A small load prepares its
 * files on this thread, streamed into COPY. A large one has preparing threads:
 * while file i is COPYed, file i + 1 is prepared on a thread; a file due while
 * no thread has started yet (the first) is prepared here. A file after a
 * regions file waits, as it is checked against the loaded regions. Files
 * loaded before are skipped unless forced.
 */
async function filesPhase(client: pg.ClientBase, batchId: number, planned: PlannedFile[], preparers: PreparerPool | null, options: LoadOptions): Promise<FileReport[]> {
  const previous: (number | null)[] = [];
  for (const file of planned) previous.push(await alreadyLoaded(client, file.sha256));
  const files: FileReport[] = [];
  let codes: string[] | null = null;
  const preparing = new Map<number, PreparedFile>();
  // `now`: the file is loaded next, so it is prepared here rather than wait for a thread still starting
  const prepare = (i: number, now: boolean): PreparedFile => {
    let prepared = preparing.get(i);
    if (!prepared) {
      const file = planned[i]!;
      const job = prepareJob(file, batchId, file.match.spec.table === 'regions' ? null : codes);
      prepared = !preparers ? preparedHere(job) : now ? preparers.prepareFirst(job) : preparers.prepare(job);
      preparing.set(i, prepared);
    }
    return prepared;
  };
  const nextToLoad = (i: number) => planned.findIndex((_, j) => j > i && (previous[j] === null || options.force === true));
  for (const [i, file] of planned.entries()) {
    options.onFileStart?.(file, i, planned.length);
    const spec = file.match.spec;
    const base = { path: file.origin ?? file.path, name: file.name, kind: spec.kind, kindTitle: spec.title };
    let report: FileReport;
    const forced = options.force === true && previous[i] !== null;
    if (previous[i] !== null && !forced) {
      report = { ...base, format: '', outcome: 'skipped', note: `内容与批次 ${previous[i]} 导入的文件相同，跳过`, rowsRead: 0, rowsLoaded: 0, rowsRejected: 0, rejects: [] };
      options.onProgress?.(file, file.size);
    } else {
      if (spec.table !== 'regions') codes ??= await regionCodes(client);
      const prepared = prepare(i, true);
      const next = nextToLoad(i);
      if (preparers && next >= 0 && spec.table !== 'regions' && planned[next]!.match.spec.table !== 'regions') prepare(next, false);
      const result = await loadFile(client, file, prepared, (bytes) => options.onProgress?.(file, bytes));
      preparing.delete(i);
      if (spec.table === 'regions') codes = null;
      const rowsRejected = new Set(result.rejects.map((r) => r.rowNumber)).size;
      const note = [forced ? `强制重新导入（内容与批次 ${previous[i]} 导入的文件相同）` : null, result.note].filter(Boolean).join('；') || null;
      report = { ...base, format: result.format, outcome: 'loaded', note, rowsRead: result.rowsRead, rowsLoaded: result.rowsLoaded, rowsRejected, rejects: result.rejects, lines: result.lines, forced, changes: result.changes, partitions: result.partitions };
    }
    await recordFile(client, batchId, report, file);
    files.push(report);
  }
  return files;
}

interface ModelsOutcome {
  refresh: ModelRefresh;
  built: ModelsBuilt;
  rectificationConflicts: RectificationConflict[];
}

/**
 * Models: full or only the changed months (refresh.ts), built aside until
 * published; then kind-12 files merged into the application's items.
 */
async function modelsPhase(client: pg.ClientBase, batchId: number, planned: PlannedFile[], files: FileReport[], options: LoadOptions, phases: LoadPhases): Promise<ModelsOutcome> {
  const projectDir = options.projectDir ?? DBT_PROJECT_DIR;
  const fingerprint = await modelFingerprint(projectDir);
  const refresh = await decideRefresh(client, {
    files: files.flatMap((f) => (f.changes ? [f.changes] : [])),
    requested: options.fullRefresh === true,
    fingerprint,
  });
  const analyzing = performance.now();
  const loaded = planned.flatMap((f, i) => (files[i]?.outcome === 'loaded' ? [{ spec: kindByNumber(f.match.spec.kind), partitions: files[i]!.partitions ?? [] }] : []));
  await analyzeLoaded(client, loaded, refresh.full !== null);
  phases.analyze = since(analyzing);
  const built = await buildModels(client, projectDir, refresh, [...new Set(loaded.map((l) => l.spec.table))], options.log);
  const rectificationConflicts = await syncImportedRectification(client, batchId);
  await client.query(`update etl.batches set models_hash = $2, changed_months = $3, full_refresh = $4, changed_persons = $5 where batch_id = $1`, [batchId, fingerprint, refresh.months, refresh.full, refresh.persons ?? null]);
  return { refresh, built, rectificationConflicts };
}

/** The batch recorded as succeeded, inside the transaction: the rollups' refresh key reads it. */
async function markSucceeded(client: pg.ClientBase, batchId: number, files: FileReport[]): Promise<void> {
  await client.query(
    `update etl.batches set status = 'succeeded', finished_at = clock_timestamp(), rows_read = $2, rows_loaded = $3, rows_rejected = $4 where batch_id = $1`,
    [batchId, sum(files, 'rowsRead'), sum(files, 'rowsLoaded'), sum(files, 'rowsRejected')],
  );
}

/**
 * Publish and commit: the rebuilt models, then the rollups, swapped in under
 * their names (each swap locks the old table until the commit that follows at
 * once), the audit record, the commit.
 */
async function commitPhase(client: pg.ClientBase, batchId: number, files: FileReport[], models: ModelsOutcome | null, rollups: PendingRollups | null, options: LoadOptions): Promise<void> {
  await options.beforePublish?.();
  await models?.built.publish();
  await rollups?.publish();
  await appendAudit(client, { actor: cliActor(options.runBy), action: 'etl', target: `batch:${batchId}`, detail: loadAuditDetail(files, models !== null) });
  await client.query('commit');
}

async function recordFailure(client: pg.ClientBase, batchId: number, error: Error, options: LoadOptions): Promise<void> {
  await client.query(`update etl.batches set status = 'failed', finished_at = now(), error = $2 where batch_id = $1`, [batchId, error.message]).catch(() => {});
  await appendAudit(client, { actor: cliActor(options.runBy), action: 'etl', target: `batch:${batchId}`, detail: { error: error.message }, outcome: 'failed' }).catch(() => {});
}

export async function runLoad(pool: pg.Pool, paths: readonly string[], options: LoadOptions): Promise<LoadReport> {
  const log = options.log ?? (() => {});
  const phases: LoadPhases = { plan: 0, files: 0, analyze: 0, models: 0, rollups: 0, commit: 0 };
  await ensureHistorySchema(pool);
  let t = performance.now();
  const { planned, preparers } = await planPhase(paths, options);
  phases.plan = since(t);
  const client = await pool.connect();
  let batchId: number | null = null;
  try {
    t = performance.now();
    batchId = await beginBatch(client, paths, options);
    const files = await filesPhase(client, batchId, planned, preparers, options);
    phases.files = since(t);

    const changed = options.rebuildModels === true || files.some((f) => f.outcome === 'loaded');
    let models: ModelsOutcome | null = null;
    if (changed) {
      log('运行数据模型与数据测试…');
      t = performance.now();
      models = await modelsPhase(client, batchId, planned, files, options, phases);
      phases.models = since(t);
    }
    const refreshing = changed && options.refreshRollups !== false;
    t = performance.now();
    // which rollups are fresh is read before the batch succeeds: that changes every rollup's refresh key
    const before = refreshing ? await rollupsBeforeLoad(client) : null;
    phases.rollups = since(t);
    await markSucceeded(client, batchId, files);
    let rollups: PendingRollups | null = null;
    if (before) {
      log('刷新汇总表（rollups）…');
      t = performance.now();
      const loadedTables = [...new Set(planned.flatMap((f, i) => (files[i]?.outcome === 'loaded' ? [f.match.spec.table] : [])))];
      const changedRelations = loadWrites(loadedTables, (models?.built.models ?? []).filter((m) => !m.unchanged));
      rollups = await buildModelRollups(client, { readFrom: models?.built.unpublished, load: { before, changed: changedRelations, loadSchemas: LOAD_SCHEMAS } });
      phases.rollups += since(t);
    }
    t = performance.now();
    await commitPhase(client, batchId, files, models, rollups, options);
    phases.commit = since(t);
    return {
      batchId,
      files,
      modelsRun: changed,
      modelSeconds: phases.models,
      refresh: models?.refresh ?? null,
      models: models?.built.models ?? [],
      phases,
      rollups: rollups?.builds ?? [],
      rectificationConflicts: models?.rectificationConflicts ?? [],
    };
  } catch (e) {
    await client.query('rollback').catch(() => {});
    if (batchId !== null) await recordFailure(client, batchId, e as Error, options);
    throw e;
  } finally {
    await preparers?.close();
    await client.query('select pg_advisory_unlock_all()').catch(() => {});
    client.release();
    await discardPlan(planned);
  }
}

function loadAuditDetail(files: FileReport[], modelsRun: boolean): Record<string, unknown> {
  return {
    files: files.map((f) => ({ name: f.name, kind: f.kind, outcome: f.outcome, rowsRead: f.rowsRead, rowsLoaded: f.rowsLoaded, rowsRejected: f.rowsRejected })),
    modelsRun,
  };
}

function sum(files: FileReport[], key: 'rowsRead' | 'rowsLoaded' | 'rowsRejected'): number {
  return files.reduce((n, f) => n + f[key], 0);
}

// One load: all files, the models and their tests, in one transaction. Either
// everything lands or the warehouse stays as it was; the batch row that records
// the attempt is written outside the transaction so failures stay on record.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { runModels } from '../../models/runner/index.ts';
import { refreshModelRollups, type RollupBuild } from '../../cube/rollups/index.ts';
import { copyLines, csvLine } from './copy-rows.ts';
import { ensureHistorySchema } from '../history/schema.ts';
import { loadFile, type Reject } from './load-file.ts';
import type { LineCount } from '../read/index.ts';
import { modelFingerprint } from './model-fingerprint.ts';
import { discardPlan, planLoad, type PlannedFile } from './plan.ts';
import { PreparerPool, type PreparedFile } from './prepare/pool.ts';
import { prepareJob } from './prepare/prepare.ts';
import { appendAudit, cliActor } from '../../audit/trail.ts';
import { syncImportedRectification, type RectificationConflict } from '../../rectification/import.ts';

/** The dbt project root (dbt_project.yml). */
export const DBT_PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Session advisory lock held by the one load in progress. */
export const LOAD_LOCK = 7_310_002;
/** File i + 1 is prepared while file i is COPYed. */
const PREPARING_THREADS = 2;
/** Sent on commit; the server listens to refresh what it derives from the warehouse. */
export const LOADED_CHANNEL = 'warehouse_loaded';

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
}

export interface LoadReport {
  batchId: number;
  files: FileReport[];
  modelsRun: boolean;
  modelSeconds: number;
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
  /** Build the models even when no file brings new data (after the models changed). */
  rebuildModels?: boolean;
  /** Load files whose content was loaded before (`etl load --force`), recorded as forced. */
  force?: boolean;
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
    `insert into etl.batch_files (batch_id, file_path, file_name, sha256, kind, format, outcome, rows_read, rows_loaded, rows_rejected, note, headers, is_correction, lines_total, blank_rows, forced)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [batchId, f.path, f.name, file.sha256, f.kind, f.format, f.outcome, f.rowsRead, f.rowsLoaded, f.rowsRejected, f.note, [...file.match.positions.keys()], file.isCorrection, f.lines?.lines ?? null, f.lines?.blankRows ?? null, f.forced === true],
  );
  if (f.rejects.length === 0) return;
  async function* lines() {
    for (const r of f.rejects) yield csvLine([batchId, f.name, f.kind, r.rowNumber, r.column, r.value, r.reason, r.rowData ? JSON.stringify(r.rowData) : null]);
  }
  await copyLines(client, 'etl.rejects', ['batch_id', 'file_name', 'kind', 'row_number', 'column_name', 'value', 'reason', 'row_data'], lines());
}

export async function runLoad(pool: pg.Pool, paths: readonly string[], options: LoadOptions): Promise<LoadReport> {
  const log = options.log ?? (() => {});
  await ensureHistorySchema(pool);
  const preparers = new PreparerPool(PREPARING_THREADS);
  // the threads start (load their code) while the files are planned
  if (paths.length > 0) preparers.start();
  const planned = paths.length === 0 && options.rebuildModels ? [] : await planLoad(paths).catch(async (e: unknown) => {
    await preparers.close();
    throw e;
  });
  const client = await pool.connect();
  let batchId: number | null = null;
  try {
    const locked = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [LOAD_LOCK]);
    if (!locked.rows[0]!.ok) throw new LoadBusyError('另一个导入正在进行，请稍后再试');
    // Holding the lock, any batch still 'running' belongs to a process that died.
    await client.query(`update etl.batches set status = 'abandoned', finished_at = now(), error = '导入进程中断，事务已回滚' where status = 'running'`);
    const created = await client.query<{ batch_id: string }>(
      `insert into etl.batches (status, run_by, host, paths) values ('running', $1, $2, $3) returning batch_id`,
      [options.runBy, os.hostname(), paths.map((p) => path.resolve(p))],
    );
    batchId = Number(created.rows[0]!.batch_id);

    await client.query('begin');
    const previous: (number | null)[] = [];
    for (const file of planned) previous.push(await alreadyLoaded(client, file.sha256));
    const files: FileReport[] = [];
    let codes: string[] | null = null;
    // While file i is COPYed, file i + 1 is prepared on the other thread; a file
    // after a regions file waits, as it is checked against the loaded regions.
    const preparing = new Map<number, PreparedFile>();
    const prepare = (i: number): PreparedFile => {
      let prepared = preparing.get(i);
      if (!prepared) {
        const file = planned[i]!;
        prepared = preparers.prepare(prepareJob(file, batchId!, file.match.spec.table === 'regions' ? null : codes));
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
        const prepared = prepare(i);
        const next = nextToLoad(i);
        if (next >= 0 && spec.table !== 'regions' && planned[next]!.match.spec.table !== 'regions') prepare(next);
        const result = await loadFile(client, file, prepared, (bytes) => options.onProgress?.(file, bytes));
        preparing.delete(i);
        if (spec.table === 'regions') codes = null;
        const rowsRejected = new Set(result.rejects.map((r) => r.rowNumber)).size;
        const note = [forced ? `强制重新导入（内容与批次 ${previous[i]} 导入的文件相同）` : null, result.note].filter(Boolean).join('；') || null;
        report = { ...base, format: result.format, outcome: 'loaded', note, rowsRead: result.rowsRead, rowsLoaded: result.rowsLoaded, rowsRejected, rejects: result.rejects, lines: result.lines, forced };
      }
      await recordFile(client, batchId, report, file);
      files.push(report);
    }

    const changed = options.rebuildModels === true || files.some((f) => f.outcome === 'loaded');
    let modelSeconds = 0;
    let rectificationConflicts: RectificationConflict[] = [];
    if (changed) {
      log('运行数据模型与数据测试…');
      const started = Date.now();
      // Freshly loaded rows have no planner statistics inside this transaction; without them
      // some models' joins take minutes instead of seconds.
      const loadedTables = [...new Set(planned.filter((_, i) => files[i]?.outcome === 'loaded').map((f) => `raw.${f.match.spec.table}`))];
      if (loadedTables.length > 0) await client.query(`analyze ${loadedTables.join(', ')}`);
      await runModels(client, { projectDir: options.projectDir ?? DBT_PROJECT_DIR });
      modelSeconds = (Date.now() - started) / 1000;
      rectificationConflicts = await syncImportedRectification(client, batchId);
      if (!options.projectDir) await client.query(`update etl.batches set models_hash = $2 where batch_id = $1`, [batchId, await modelFingerprint()]);
      await client.query(`notify ${LOADED_CHANNEL}, '${batchId}'`);
    }
    await client.query(
      `update etl.batches set status = 'succeeded', finished_at = clock_timestamp(), rows_read = $2, rows_loaded = $3, rows_rejected = $4 where batch_id = $1`,
      [batchId, sum(files, 'rowsRead'), sum(files, 'rowsLoaded'), sum(files, 'rowsRejected')],
    );
    let rollups: RollupBuild[] = [];
    if (changed && options.refreshRollups !== false) {
      log('刷新汇总表（rollups）…');
      rollups = await refreshModelRollups(client, { inTransaction: true });
    }
    await appendAudit(client, { actor: cliActor(options.runBy), action: 'etl', target: `batch:${batchId}`, detail: loadAuditDetail(files, changed) });
    await client.query('commit');
    return { batchId, files, modelsRun: changed, modelSeconds, rollups, rectificationConflicts };
  } catch (e) {
    await client.query('rollback').catch(() => {});
    if (batchId !== null) {
      await client.query(`update etl.batches set status = 'failed', finished_at = now(), error = $2 where batch_id = $1`, [batchId, (e as Error).message]).catch(() => {});
      await appendAudit(client, { actor: cliActor(options.runBy), action: 'etl', target: `batch:${batchId}`, detail: { error: (e as Error).message }, outcome: 'failed' }).catch(() => {});
    }
    throw e;
  } finally {
    await preparers.close();
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

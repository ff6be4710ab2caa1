// The project's own load (etl/load/batch.ts runLoad) of all the exports into a
// fresh warehouse, timed by phase from its progress callbacks:
//   files   — runLoad's start (planning, checksums) until '运行数据模型与数据测试…'
//   models  — the dbt-style models and their data tests, until '刷新汇总表（rollups）…'
//   rollups — the Cube rollups and the commit, until runLoad returns.
import type pg from 'pg';
import { runLoad, type LoadOptions, type LoadPhases } from '../etl/load/batch.ts';
import type { ModelTiming } from '../etl/load/models.ts';

export const MODELS_LOG = '运行数据模型与数据测试…';
export const ROLLUPS_LOG = '刷新汇总表（rollups）…';

export interface LoadKind {
  kind: number;
  table: string;
  files: number;
  rows: number;
  seconds: number;
}

export interface LoadResult {
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  files: number;
  /** Planning before the first file (listing, header detection, SHA-256 of every file). */
  plan_seconds: number;
  files_seconds: number;
  models_seconds: number;
  rollups_seconds: number;
  end_to_end_seconds: number;
  /** runLoad's own figure for the models (LoadReport.modelSeconds). */
  reported_model_seconds: number;
  rollups: { id: string; outcome: string; rows: number; ms: number }[];
  /** runLoad's own phases (LoadReport.phases). */
  phases: LoadPhases;
  /** Full rebuild (why) or the months the models rebuilt. */
  refresh: { full: string | null; months: string[] } | null;
  /** The ten slowest models of the load. */
  slowest_models: ModelTiming[];
  /** Every model's build together (the rest of the models phase: ANALYZE, data tests, compiling). */
  built_models_seconds: number;
  by_kind: LoadKind[];
  /** Log lines that were expected but never came (the phases they end are then null-safe estimates). */
  missing_marks: string[];
}

const SLOWEST = 10;

/**
 * `onPhase` is told when the models and the rollups start ('load.models',
 * 'load.rollups'). `dir` null: no files, the models rebuilt (`options`, e.g. a full refresh).
 */
export async function measureLoad(pool: pg.Pool, dir: string | null, log: (msg: string) => void, onPhase: (phase: string) => void = () => {}, options: Partial<LoadOptions> = {}): Promise<LoadResult> {
  const starts: { at: number; kind: number; table: string }[] = [];
  const marks = new Map<string, number>();
  let lastProgress = 0;
  const started = performance.now();
  const report = await runLoad(pool, dir === null ? [] : [dir], {
    runBy: 'bench',
    rebuildModels: dir === null,
    ...options,
    onFileStart: (file, index, total) => {
      const now = performance.now();
      starts.push({ at: now, kind: file.match.spec.kind, table: file.match.spec.table });
      if (now - lastProgress > 10_000 || index === total - 1) {
        lastProgress = now;
        log(`  导入文件 ${index + 1}/${total}：${file.name}（已用 ${((now - started) / 1000).toFixed(1)} s）`);
      }
    },
    log: (msg) => {
      marks.set(msg, performance.now());
      if (msg === MODELS_LOG) onPhase('load.models');
      if (msg === ROLLUPS_LOG) onPhase('load.rollups');
      log(`  ${msg}（已用 ${((performance.now() - started) / 1000).toFixed(1)} s）`);
    },
  });
  const ended = performance.now();
  const missing = [MODELS_LOG, ROLLUPS_LOG].filter((m) => !marks.has(m));
  const modelsAt = marks.get(MODELS_LOG) ?? ended;
  const rollupsAt = marks.get(ROLLUPS_LOG) ?? ended;

  const byKind = new Map<number, LoadKind>();
  report.files.forEach((f, i) => {
    const start = starts[i];
    if (!start) return;
    const end = starts[i + 1]?.at ?? modelsAt;
    const k = byKind.get(start.kind) ?? { kind: start.kind, table: start.table, files: 0, rows: 0, seconds: 0 };
    k.files++;
    k.rows += f.rowsLoaded;
    k.seconds += (end - start.at) / 1000;
    byKind.set(start.kind, k);
  });

  return {
    rows_read: report.files.reduce((n, f) => n + f.rowsRead, 0),
    rows_loaded: report.files.reduce((n, f) => n + f.rowsLoaded, 0),
    rows_rejected: report.files.reduce((n, f) => n + f.rowsRejected, 0),
    files: report.files.length,
    plan_seconds: ((starts[0]?.at ?? modelsAt) - started) / 1000,
    files_seconds: (modelsAt - started) / 1000,
    models_seconds: (rollupsAt - modelsAt) / 1000,
    rollups_seconds: (ended - rollupsAt) / 1000,
    end_to_end_seconds: (ended - started) / 1000,
    reported_model_seconds: report.modelSeconds,
    rollups: report.rollups.map((r) => ({ id: r.id, outcome: r.outcome, rows: r.rows, ms: Math.round(r.ms) })),
    phases: report.phases,
    refresh: report.refresh,
    slowest_models: [...report.models].sort((a, b) => b.seconds - a.seconds).slice(0, SLOWEST),
    built_models_seconds: report.models.reduce((n, m) => n + m.seconds, 0),
    by_kind: [...byKind.values()].sort((a, b) => a.kind - b.kind),
    missing_marks: missing,
  };
}

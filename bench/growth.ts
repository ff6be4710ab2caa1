// How each figure grows from one scale to another: the province slice's run
// compared with the newest city run on record (bench/results/city.json).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchResult } from './report.ts';
import { round } from './stats.ts';

export interface Growth {
  /** The run compared with: its scale and when it was measured. */
  base: { scale: string; measured_at: string; loadavg_start: number[] };
  /** name → { base, current, factor = current ÷ base }. */
  figures: { name: string; unit: string; base: number | null; current: number | null; factor: number | null }[];
}

/** The result file kept for each scale: the newest run of that scale. */
export const scaleResultFile = (resultsDir: string, scale: string) => path.join(resultsDir, `${scale}.json`);

export async function readScaleResult(resultsDir: string, scale: string): Promise<BenchResult | null> {
  const text = await readFile(scaleResultFile(resultsDir, scale), 'utf8').catch(() => null);
  return text === null ? null : (JSON.parse(text) as BenchResult);
}

export function growthBetween(base: BenchResult, current: BenchResult): Growth {
  const figure = (name: string, unit: string, pick: (r: BenchResult) => number | null | undefined) => {
    const b = pick(base) ?? null;
    const c = pick(current) ?? null;
    return { name, unit, base: b, current: c, factor: b !== null && c !== null && b > 0 ? round(c / b, 2) : null };
  };
  const query = (name: string) => (r: BenchResult) => r.queries.find((q) => q.name.split('(')[0] === name)?.p95_ms;
  const queryNames = [...new Set(current.queries.map((q) => q.name.split('(')[0]!))];
  return {
    base: { scale: base.scale, measured_at: base.measured_at, loadavg_start: base.machine.loadavg_start },
    figures: [
      figure('rows', '行', (r) => r.rows),
      figure('bytes', 'MB', (r) => round(r.bytes / 1024 ** 2, 0)),
      figure('load.floor_seconds', 's', (r) => r.load.floor_seconds),
      figure('load.files_seconds', 's', (r) => r.load.files_seconds),
      figure('load.rows_per_s', '行/s', (r) => r.load.rows_per_s),
      figure('load.copy_floor_ratio', '×', (r) => r.load.copy_floor_ratio),
      figure('load.models_seconds', 's', (r) => r.load.models_seconds),
      figure('load.rollups_seconds', 's', (r) => r.load.rollups_seconds),
      figure('load.end_to_end_seconds', 's', (r) => r.load.end_to_end_seconds),
      figure('monthly.end_to_end_seconds', 's', (r) => r.monthly?.end_to_end_seconds),
      figure('monthly.models_seconds', 's', (r) => r.monthly?.models_seconds),
      figure('correction.end_to_end_seconds', 's', (r) => r.correction?.end_to_end_seconds),
      figure('full_rebuild.models_seconds', 's', (r) => r.full_rebuild?.models_seconds),
      ...queryNames.map((name) => figure(`queries.${name}.p95_ms`, 'ms', query(name))),
      figure('page.complete_ms', 'ms', (r) => r.page.complete_ms),
      figure('memory.node_max_rss_mb', 'MB', (r) => r.memory.node_max_rss_mb),
      figure('memory.pg_peak_pss_sum_mb', 'MB', (r) => r.memory.pg_peak_pss_sum_mb),
    ],
  };
}

export function formatGrowth(growth: Growth, scale: string): string[] {
  const lines = [`── 增长 Growth：${growth.base.scale}（${growth.base.measured_at}）→ ${scale} ──`];
  lines.push(`  ${'figure'.padEnd(34)}${growth.base.scale.padStart(14)}${scale.padStart(16)}${'×'.padStart(9)}`);
  for (const f of growth.figures) {
    const v = (n: number | null) => (n === null ? '—' : n.toLocaleString('en-US'));
    lines.push(`  ${`${f.name} (${f.unit})`.padEnd(34)}${v(f.base).padStart(14)}${v(f.current).padStart(16)}${(f.factor === null ? '—' : `${f.factor}×`).padStart(9)}`);
  }
  return lines;
}

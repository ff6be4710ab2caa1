// The benchmark's result: one JSON document (bench/results/latest.json and a
// dated copy) and a readable summary with the ratios measured in the same run.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BenchData, GeneratorOptions, ScaleName } from './data.ts';
import { BENCH_DIR } from './data.ts';
import type { FloorResult } from './floor.ts';
import type { LoadResult } from './load.ts';
import type { ConcurrencyResult, LatencySummary } from './concurrency.ts';
import type { MemorySampler } from './memory.ts';
import type { PageResult } from './page.ts';
import type { QueryMeasurement } from './queries.ts';
import { formatGrowth, growthBetween, readScaleResult, scaleResultFile, type Growth } from './growth.ts';
import { round } from './stats.ts';

export const TARGETS = {
  /** The project's file loading may take at most this many times PostgreSQL's bare COPY. */
  copy_floor_ratio: 3,
  /** Every dashboard query, warm. */
  query_p95_ms: 100,
  /** The leadership page, complete. */
  page_ms: 2000,
} as const;

export const RESULTS_DIR = path.join(BENCH_DIR, 'results');

/** Seconds of the settle step's VACUUM (ANALYZE) (settle.ts). */
export interface Settle {
  after_load_seconds: number;
  before_rebuild_seconds: number;
}

export interface Machine {
  cpus: number;
  cpu_model: string;
  total_mem_gb: number;
  node: string;
  postgres: string;
  postgres_settings: Record<string, string>;
  /** 1/5/15-minute load averages when the run started and ended: other work on the machine shows here. */
  loadavg_start: number[];
  loadavg_end: number[];
}

export function describeMachine(postgres: string, settings: Record<string, string>, loadavgStart: number[]): Machine {
  return {
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? '',
    total_mem_gb: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    postgres,
    postgres_settings: settings,
    loadavg_start: loadavgStart.map((x) => round(x, 2)),
    loadavg_end: os.loadavg().map((x) => round(x, 2)),
  };
}

export interface BenchResult {
  scale: ScaleName;
  generator: GeneratorOptions;
  /** Rows the project loaded (all files, CSV and XLSX). */
  rows: number;
  rows_in_files: number;
  files: number;
  bytes: number;
  generated_seconds: number | null;
  load: {
    rows_per_s: number;
    copy_floor_ratio: number;
    floor_seconds: number;
    files_seconds: number;
    models_seconds: number;
    rollups_seconds: number;
    end_to_end_seconds: number;
    plan_seconds: number;
    rows_rejected: number;
    floor: { rows: number; files: number; bytes: number; rows_per_s: number; excluded: FloorResult['excluded'] };
    by_kind: { kind: number; table: string; files: number; rows: number; seconds: number; floor_seconds: number | null; ratio: number | null }[];
    rollups: LoadResult['rollups'];
    missing_marks: string[];
  };
  /** VACUUM (ANALYZE) of the warehouse after the full load and before the full rebuild, not counted in either step (settle.ts). */
  settle: Settle;
  /** The newest month's exports, new to a warehouse holding every month before it (monthly.ts). */
  monthly: {
    month: string;
    files: number;
    rows: number;
    files_seconds: number;
    /** The models phase (ANALYZE, models, data tests); `models` below: the ten slowest models. */
    models_seconds: number;
    rollups_seconds: number;
    end_to_end_seconds: number;
    /** Why the models were rebuilt in full, or null (incremental: `months`). */
    full_refresh: string | null;
    months: string[];
    models: { name: string; seconds: number; mode: string }[];
    /** Of `models_seconds`: ANALYZE of the loaded tables, and every model's build together (the rest: data tests). */
    analyze_seconds: number;
    built_models_seconds: number;
  };
  /** A ten-row correction workbook (correction.ts): rows, and seconds by runLoad's phases. */
  correction: { rows: number; end_to_end_seconds: number; phases: Record<string, number>; months: string[]; full_refresh: string | null };
  /** Every mart and rollup after the monthly load and the correction equals a full rebuild of the same data (checksums.ts). */
  incremental_equals_full: boolean;
  /** The tables that differ (empty when equal). */
  incremental_differs: string[];
  /** The full rebuild of the models (`etl build --full-refresh`) on the same warehouse. */
  full_rebuild: { models_seconds: number; rollups_seconds: number; end_to_end_seconds: number; models: { name: string; seconds: number; mode: string }[] };
  queries: QueryMeasurement[];
  page: Omit<PageResult, 'loads' | 'cold'> & { loads: PageResult['loads']; cold: PageResult['cold'] };
  /** N users at once with the monthly load in the middle (concurrency.ts). */
  concurrency: ConcurrencyResult | { skipped: string };
  memory: ReturnType<MemorySampler['result']>;
  machine: Machine;
  targets: typeof TARGETS & { met: { load: boolean; queries_p95: boolean; page: boolean | null; concurrency_p95: boolean | null } };
  measured_at: string;
  duration_seconds: number;
  notes: string[];
  /** For the province slice: each figure against the newest city run (bench/results/city.json). */
  growth_from_city?: Growth;
}

const roundedModels = (load: LoadResult) => load.slowest_models.map((m) => ({ name: m.name, seconds: round(m.seconds, 2), mode: m.mode }));

export function buildResult(args: {
  data: BenchData;
  floor: FloorResult;
  load: LoadResult;
  settle: Settle;
  monthly: LoadResult & { month: string };
  correction: LoadResult & { rows: number };
  fullRebuild: LoadResult;
  differing: string[];
  queries: QueryMeasurement[];
  page: PageResult;
  concurrency: ConcurrencyResult | { skipped: string };
  memory: ReturnType<MemorySampler['result']>;
  machine: Machine;
  startedAt: Date;
  notes: string[];
}): BenchResult {
  const { data, floor, load, queries, page } = args;
  const floorByKind = new Map(floor.by_kind.map((k) => [k.kind, k]));
  const ratio = load.files_seconds / floor.seconds;
  return {
    scale: data.scale,
    generator: data.options,
    rows: load.rows_loaded,
    rows_in_files: data.rows,
    files: data.files.length,
    bytes: data.bytes,
    generated_seconds: data.generatedSeconds === null ? null : round(data.generatedSeconds),
    load: {
      rows_per_s: Math.round(load.rows_loaded / load.files_seconds),
      copy_floor_ratio: round(ratio, 2),
      floor_seconds: round(floor.seconds, 2),
      files_seconds: round(load.files_seconds, 2),
      models_seconds: round(load.models_seconds, 2),
      rollups_seconds: round(load.rollups_seconds, 2),
      end_to_end_seconds: round(load.end_to_end_seconds, 2),
      plan_seconds: round(load.plan_seconds, 2),
      rows_rejected: load.rows_rejected,
      floor: { rows: floor.rows, files: floor.files, bytes: floor.bytes, rows_per_s: Math.round(floor.rows / floor.seconds), excluded: floor.excluded },
      by_kind: load.by_kind.map((k) => {
        const f = floorByKind.get(k.kind);
        return { ...k, seconds: round(k.seconds, 2), floor_seconds: f ? round(f.seconds, 2) : null, ratio: f && f.seconds > 0 ? round(k.seconds / f.seconds, 2) : null };
      }),
      rollups: load.rollups,
      missing_marks: load.missing_marks,
    },
    settle: { after_load_seconds: round(args.settle.after_load_seconds, 2), before_rebuild_seconds: round(args.settle.before_rebuild_seconds, 2) },
    monthly: {
      month: args.monthly.month,
      files: args.monthly.files,
      rows: args.monthly.rows_loaded,
      files_seconds: round(args.monthly.files_seconds, 2),
      models_seconds: round(args.monthly.models_seconds, 2),
      rollups_seconds: round(args.monthly.rollups_seconds, 2),
      end_to_end_seconds: round(args.monthly.end_to_end_seconds, 2),
      full_refresh: args.monthly.refresh?.full ?? null,
      months: args.monthly.refresh?.months ?? [],
      models: roundedModels(args.monthly),
      analyze_seconds: round(args.monthly.phases.analyze, 2),
      built_models_seconds: round(args.monthly.built_models_seconds, 2),
    },
    correction: {
      rows: args.correction.rows,
      end_to_end_seconds: round(args.correction.end_to_end_seconds, 2),
      phases: Object.fromEntries(Object.entries(args.correction.phases).map(([k, v]) => [k, round(v, 2)])),
      months: args.correction.refresh?.months ?? [],
      full_refresh: args.correction.refresh?.full ?? null,
    },
    incremental_equals_full: args.differing.length === 0,
    incremental_differs: args.differing,
    full_rebuild: {
      models_seconds: round(args.fullRebuild.models_seconds, 2),
      rollups_seconds: round(args.fullRebuild.rollups_seconds, 2),
      end_to_end_seconds: round(args.fullRebuild.end_to_end_seconds, 2),
      models: roundedModels(args.fullRebuild),
    },
    queries,
    page,
    concurrency: args.concurrency,
    memory: args.memory,
    machine: args.machine,
    targets: {
      ...TARGETS,
      met: {
        load: ratio <= TARGETS.copy_floor_ratio,
        queries_p95: queries.every((q) => q.p95_ms < TARGETS.query_p95_ms),
        page: page.complete_ms === null ? null : page.complete_ms < TARGETS.page_ms,
        concurrency_p95: 'skipped' in args.concurrency ? null : args.concurrency.errors === 0 && args.concurrency.overall.p95_ms < TARGETS.query_p95_ms && (args.concurrency.during_load?.p95_ms ?? 0) < TARGETS.query_p95_ms,
      },
    },
    measured_at: new Date().toISOString(),
    duration_seconds: round((Date.now() - args.startedAt.getTime()) / 1000, 1),
    notes: args.notes,
  };
}

/** Adds the growth from the newest city run to a larger scale's result. */
export async function withGrowth(result: BenchResult): Promise<BenchResult> {
  if (result.scale === 'city') return result;
  const city = await readScaleResult(RESULTS_DIR, 'city');
  return city ? { ...result, growth_from_city: growthBetween(city, result) } : result;
}

/** latest.json, the scale's own file (what a later run of another scale compares with) and a dated copy. */
export async function writeResult(result: BenchResult): Promise<{ latest: string; dated: string }> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const latest = path.join(RESULTS_DIR, 'latest.json');
  const stamp = result.measured_at.replace(/[:.]/g, '-');
  const dated = path.join(RESULTS_DIR, `${result.scale}-${stamp}.json`);
  await writeFile(latest, JSON.stringify(result, null, 2) + '\n');
  await copyFile(latest, dated);
  await copyFile(latest, scaleResultFile(RESULTS_DIR, result.scale));
  return { latest, dated };
}

const pass = (ok: boolean | null) => (ok === null ? '—' : ok ? '✓ 达标' : '✗ 未达标');
const num = (n: number) => n.toLocaleString('en-US');
const ms = (n: number | null | undefined) => (n === null || n === undefined ? '—' : `${n.toFixed(1)} ms`);
const pad = (s: string, n: number) => {
  // CJK characters take two columns in a terminal
  const width = [...s].reduce((w, c) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(c) ? 2 : 1), 0);
  return s + ' '.repeat(Math.max(0, n - width));
};

export function formatSummary(r: BenchResult): string {
  const L = r.load;
  const lines: string[] = [];
  lines.push('');
  lines.push(`══ 基准测试结果 bench (${r.scale}) — ${r.measured_at} ══`);
  lines.push(`数据：${r.files} 个文件，${num(r.rows_in_files)} 行，${(r.bytes / 1024 ** 2).toFixed(0)} MB；generateCity(${JSON.stringify(r.generator)})`);
  lines.push(`机器：${r.machine.cpus} 核 ${r.machine.cpu_model}，${r.machine.total_mem_gb} GB；node ${r.machine.node}；PostgreSQL ${r.machine.postgres}`);
  lines.push(`负载 loadavg：开始 ${r.machine.loadavg_start.join(' / ')}，结束 ${r.machine.loadavg_end.join(' / ')}（> 核数说明机器上有其他工作，计时有噪声）`);
  lines.push('');
  lines.push('── 导入 Load ──');
  lines.push(`COPY 下限 floor（服务器端 COPY，无索引 text 列）：${L.floor_seconds.toFixed(2)} s，${num(L.floor.rows)} 行，${num(L.floor.rows_per_s)} 行/s`);
  if (L.floor.excluded.length > 0) lines.push(`  不含 XLSX：${L.floor.excluded.map((x) => `${x.file}（${x.rows} 行）`).join('、')}——项目导入含这些文件`);
  lines.push(`项目导入 runLoad（除最新一个月外的全部导出）：${num(r.rows)} 行，拒绝 ${num(L.rows_rejected)} 行`);
  lines.push(`  文件阶段 files     ${L.files_seconds.toFixed(2)} s（其中规划/校验和 ${L.plan_seconds.toFixed(2)} s），${num(L.rows_per_s)} 行/s`);
  lines.push(`  模型与测试 models  ${L.models_seconds.toFixed(2)} s`);
  lines.push(`  汇总表 rollups     ${L.rollups_seconds.toFixed(2)} s`);
  lines.push(`  端到端 end-to-end  ${L.end_to_end_seconds.toFixed(2)} s`);
  lines.push(`  文件阶段 ÷ COPY 下限 = ${L.copy_floor_ratio.toFixed(2)} ×（目标 ≤ ${r.targets.copy_floor_ratio} ×）${pass(r.targets.met.load)}`);
  if (L.missing_marks.length > 0) lines.push(`  ⚠ 没有收到日志：${L.missing_marks.join('、')}（阶段划分以导入结束代替）`);
  lines.push('  按类型 by kind:   kind  table                      rows        load s   floor s   ratio');
  for (const k of L.by_kind) {
    lines.push(`                    ${String(k.kind).padStart(4)}  ${pad(k.table, 25)}${num(k.rows).padStart(10)}  ${k.seconds.toFixed(2).padStart(8)}  ${(k.floor_seconds?.toFixed(2) ?? '—').padStart(8)}  ${(k.ratio?.toFixed(2) ?? '—').padStart(6)}`);
  }
  lines.push(`整理仓库 settle（VACUUM (ANALYZE)，不计入前后两步）：全量导入后 ${r.settle.after_load_seconds.toFixed(2)} s，全量重建前 ${r.settle.before_rebuild_seconds.toFixed(2)} s`);
  const M = r.monthly;
  lines.push(`月度导入 monthly（${M.month} 的 ${M.files} 个文件、${num(M.rows)} 行，仓库中尚无该月）：文件 ${M.files_seconds.toFixed(2)} s，模型 ${M.models_seconds.toFixed(2)} s，汇总表 ${M.rollups_seconds.toFixed(2)} s，端到端 ${M.end_to_end_seconds.toFixed(2)} s`);
  lines.push(`  模型阶段：ANALYZE ${M.analyze_seconds.toFixed(2)} s，构建全部模型 ${M.built_models_seconds.toFixed(2)} s，其余（数据测试等）${(M.models_seconds - M.analyze_seconds - M.built_models_seconds).toFixed(2)} s`);
  lines.push(`  模型：${M.full_refresh ? `全部重建（${M.full_refresh}）` : `增量，${M.months.length} 个月（${M.months.map((m) => m.slice(0, 7)).join('、')}）`}；最慢的模型：${M.models.map((m) => `${m.name} ${m.seconds.toFixed(2)} s（${m.mode}）`).join('，')}`);
  const C = r.correction;
  lines.push(`补正 correction（${C.rows} 行）：端到端 ${C.end_to_end_seconds.toFixed(2)} s；按阶段 ${Object.entries(C.phases).map(([k, v]) => `${k} ${v.toFixed(2)} s`).join('，')}；模型 ${C.full_refresh ? `全部重建（${C.full_refresh}）` : `增量 ${C.months.map((m) => m.slice(0, 7)).join('、')}`}`);
  lines.push(`全量重建 full rebuild：模型 ${r.full_rebuild.models_seconds.toFixed(2)} s，端到端 ${r.full_rebuild.end_to_end_seconds.toFixed(2)} s`);
  lines.push(`增量 = 全量 incremental_equals_full：${r.incremental_equals_full ? '是（每个 mart 与汇总表的校验和一致）' : `否：${r.incremental_differs.join('、')}`}`);
  lines.push('');
  lines.push(`── 仪表盘查询 Dashboard queries（HTTP，leader 令牌；热查询 ${r.queries[0]?.warm.runs ?? 0} 次；目标 p95 < ${r.targets.query_p95_ms} ms）──`);
  lines.push(`${pad('query', 26)}${'cold'.padStart(10)}${'p50'.padStart(10)}${'p95'.padStart(10)}  ${'基线 p50'.padStart(10)}${'基线 p95'.padStart(10)}${'网关/基线'.padStart(10)}  served from`);
  for (const q of r.queries) {
    lines.push(
      `${pad(q.name, 26)}${ms(q.cold_ms).padStart(10)}${ms(q.p50_ms).padStart(10)}${ms(q.p95_ms).padStart(10)}  ${ms(q.baseline?.p50_ms).padStart(12)}${ms(q.baseline?.p95_ms).padStart(12)}${(q.ratio_p50 === null ? '—' : `${q.ratio_p50.toFixed(3)}×`).padStart(10)}  ${q.served_from}${q.p95_ms >= r.targets.query_p95_ms ? '  ✗ p95 超标' : ''}`,
    );
  }
  lines.push(`所有查询 p95 < ${r.targets.query_p95_ms} ms：${pass(r.targets.met.queries_p95)}`);
  lines.push('基线（手写 SQL，直接查 raw.*，四个指标依次执行）按指标 p50 / p95，及与网关数值核对：');
  for (const q of r.queries) {
    if (!q.baseline) continue;
    const parts = Object.entries(q.baseline.by_indicator).map(([k, s]) => {
      const v = s.values;
      const check = v.mismatched === 0 && v.unmatched === 0 ? `一致 ${v.compared}` : `不一致 ${v.mismatched}/${v.compared}，缺行 ${v.unmatched}`;
      return `${k} ${s.p50_ms}/${s.p95_ms} ms（${check}）`;
    });
    lines.push(`  ${q.name}（${q.baseline.runs} 次）：${parts.join('；')}`);
    for (const s of Object.values(q.baseline.by_indicator)) for (const e of s.values.examples) lines.push(`      ${e}`);
  }
  lines.push('');
  lines.push('── 页面 Page（Debian chromium，无缓存的新上下文）──');
  if (r.page.skipped) {
    lines.push(`  跳过：${r.page.skipped}`);
  } else {
    lines.push(`  完成时间 complete（中位数，${r.page.loads.length} 次）：${ms(r.page.complete_ms)}（卡片有数 ${ms(r.page.cards_ms)}）；目标 < ${r.targets.page_ms} ms ${pass(r.targets.met.page)}`);
    lines.push(`  冷加载 cold（PostgreSQL 刚重启）：${ms(r.page.cold_ms)}`);
    const last = r.page.loads.at(-1);
    if (last) lines.push(`  最后一次加载的 API 请求：${last.api.map((a) => `${a.path} @${a.start_ms.toFixed(0)} +${a.duration_ms.toFixed(0)} ms`).join('；')}`);
    const errors = [...(r.page.cold?.errors ?? []), ...r.page.loads.flatMap((l) => l.errors)];
    if (errors.length > 0) lines.push(`  ⚠ 页面错误：${[...new Set(errors)].join('；')}`);
  }
  lines.push('');
  lines.push(...formatConcurrency(r));
  lines.push('');
  lines.push('── 内存 Memory（峰值）──');
  const m = r.memory;
  lines.push(`  node 进程 maxRSS：${m.node_max_rss_mb} MB`);
  lines.push(`  PostgreSQL 全部进程 RSS 之和：${m.pg_peak_rss_sum_mb} MB（PSS 之和 ${m.pg_peak_pss_sum_mb} MB：共享内存只计一次）`);
  lines.push(`  PostgreSQL 单个进程最大 RSS：${m.pg_peak_process_rss_mb} MB（${m.pg_peak_process}）`);
  lines.push('  按阶段：phase         node RSS   pg RSS sum   pg PSS sum   pg max proc (MB) │  wall s   node CPU s   pg CPU s');
  for (const [phase, p] of Object.entries(m.phases)) {
    lines.push(
      `          ${pad(phase, 13)}${String(p.node_rss_mb).padStart(9)}${String(p.pg_rss_sum_mb).padStart(13)}${String(p.pg_pss_sum_mb).padStart(13)}${String(p.pg_max_process_rss_mb).padStart(14)}       │${p.wall_s.toFixed(1).padStart(8)}${p.node_cpu_s.toFixed(1).padStart(13)}${p.pg_cpu_s.toFixed(1).padStart(11)}`,
    );
  }
  lines.push('  （CPU 秒 ≈ 墙钟秒 × 忙碌的核数；node CPU ≈ 导入墙钟时间说明瓶颈在 node 一侧）');
  if (r.growth_from_city) {
    lines.push('');
    lines.push(...formatGrowth(r.growth_from_city, r.scale));
  }
  if (r.notes.length > 0) {
    lines.push('');
    lines.push('── 说明 Notes ──');
    for (const n of r.notes) lines.push(`  - ${n}`);
  }
  lines.push('');
  return lines.join('\n');
}

function formatConcurrency(r: BenchResult): string[] {
  const c = r.concurrency;
  const lines = ['── 并发 Concurrency（多用户同时使用，期间进行月度导入）──'];
  if ('skipped' in c) return [...lines, `  跳过：${c.skipped}`];
  const row = (label: string, s: LatencySummary | null) =>
    s ? `  ${pad(label, 24)}${String(s.count).padStart(7)}${ms(s.p50_ms).padStart(10)}${ms(s.p95_ms).padStart(10)}${ms(s.p99_ms).padStart(10)}${ms(s.max_ms).padStart(10)}` : `  ${pad(label, 24)}      —`;
  lines.push(`  ${c.users} 个用户，${c.seconds} s，思考时间 ${c.think_ms[0]}–${c.think_ms[1]} ms；登录 p95 ${ms(c.sign_in.p95_ms)}；吞吐 ${c.throughput_qps} 查询/s；错误 ${c.errors}${c.error_examples.length ? `（${c.error_examples.join('；')}）` : ''}`);
  lines.push(`  月度导入：第 ${c.monthly_load.started_at_s} s 开始，用时 ${c.monthly_load.seconds} s${c.monthly_load.error ? `，失败：${c.monthly_load.error}` : ''}`);
  lines.push(`  ${pad('', 24)}${'n'.padStart(7)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}`);
  lines.push(row('全部 all', c.overall));
  lines.push(row('导入前 before load', c.before_load));
  lines.push(row('导入中 during load', c.during_load));
  lines.push(row('导入后 after load', c.after_load));
  for (const [name, s] of Object.entries(c.queries)) lines.push(row(name, s));
  lines.push(`  p95 < ${r.targets.query_p95_ms} ms 且无错误（含导入中）：${pass(r.targets.met.concurrency_p95)}`);
  return lines;
}

// The benchmark's source exports: generated once per scale with the synthetic
// city generator and cached in bench/.cache/<scale>/exports. A marker file
// records the generator options; a cache whose options differ (or that never
// finished) is generated again.
import { createReadStream, existsSync } from 'node:fs';
import { chmod, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCity, type GeneratedFile } from '../etl/generate/index.ts';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const CACHE_DIR = path.join(BENCH_DIR, '.cache');

export const SCALES = {
  /** The demo city: about 1.6 million people, 24 months. */
  city: { scale: 1, months: 24, seed: 1, endMonth: '2026-10' },
  /** One fifth of a province: about 20 million people, ~600,000 dibao persons. */
  'province-slice': { scale: 12.5, months: 24, seed: 1, endMonth: '2026-10' },
} as const;

export type ScaleName = keyof typeof SCALES;
export type GeneratorOptions = (typeof SCALES)[ScaleName];

export interface BenchData {
  scale: ScaleName;
  options: GeneratorOptions;
  dir: string;
  files: GeneratedFile[];
  /** Rows in all files (data rows, headers excluded). */
  rows: number;
  bytes: number;
  /** Seconds spent generating now; null when the cache was reused. */
  generatedSeconds: number | null;
}

interface Marker {
  options: GeneratorOptions;
  files: GeneratedFile[];
  generatedAt: string;
  generatedSeconds: number;
}

const MARKER = 'bench-marker.json';

function sameOptions(a: GeneratorOptions, b: GeneratorOptions): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Directories 0755 and files 0644 up to `dir`: the PostgreSQL server (OS user postgres) reads the CSVs itself. */
async function makeWorldReadable(dir: string): Promise<void> {
  for (let d = dir; d.startsWith(BENCH_DIR) && d !== BENCH_DIR; d = path.dirname(d)) await chmod(d, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeWorldReadable(full);
    else await chmod(full, 0o644);
  }
}

/** The exports of `scale`, generated now unless a cache with the same options exists. */
export async function prepareData(scale: ScaleName, log: (msg: string) => void): Promise<BenchData> {
  const options = SCALES[scale];
  const root = path.join(CACHE_DIR, scale);
  const dir = path.join(root, 'exports');
  const markerPath = path.join(root, MARKER);
  let marker: Marker | null = null;
  if (existsSync(markerPath)) {
    const read = JSON.parse(await readFile(markerPath, 'utf8')) as Marker;
    if (sameOptions(read.options, options) && read.files.every((f) => existsSync(f.path))) marker = read;
  }
  let generatedSeconds: number | null = null;
  if (marker) {
    log(`复用缓存的导出文件 ${dir}（生成于 ${marker.generatedAt}，选项 ${JSON.stringify(options)}）`);
  } else {
    log(`生成导出文件到 ${dir}：generateCity(${JSON.stringify(options)}) …`);
    await rm(root, { recursive: true, force: true });
    const started = performance.now();
    let lastLog = 0;
    const summary = await generateCity({
      outDir: dir,
      ...options,
      withErrors: false,
      onProgress: (m) => {
        if (performance.now() - lastLog > 15_000) {
          lastLog = performance.now();
          log(`  生成中：${m}`);
        }
      },
    });
    generatedSeconds = (performance.now() - started) / 1000;
    // the generator writes no marker of its own: a run that stopped half-way leaves no bench marker either
    marker = { options, files: summary.files, generatedAt: new Date().toISOString(), generatedSeconds };
    await writeFile(markerPath, JSON.stringify(marker, null, 2) + '\n');
    log(`生成完成：${summary.files.length} 个文件，用时 ${generatedSeconds.toFixed(1)} s`);
  }
  await makeWorldReadable(dir);
  let bytes = 0;
  for (const f of marker.files) bytes += (await stat(f.path)).size;
  return { scale, options, dir, files: marker.files, rows: marker.files.reduce((n, f) => n + f.rows, 0), bytes, generatedSeconds };
}

/**
 * Reads every file once so that neither the COPY floor nor the project's load
 * pays for the first read from disk (the one measured first would otherwise).
 */
export async function warmPageCache(data: BenchData): Promise<void> {
  for (const f of data.files) {
    for await (const _ of createReadStream(f.path, { highWaterMark: 1 << 22 })) {
      // discard
    }
  }
}

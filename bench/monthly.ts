// The load a bureau runs every month. The full load (run.ts) takes every export
// but the newest month's; the monthly step then loads that month's exports as
// they are, a month the warehouse does not hold yet: new partitions, new keyed
// rows, models built for that month. A second monthly load (concurrency.ts)
// loads the same month again, its files with a trailing blank line so their
// checksums differ and nothing is skipped; rows and figures stay as they were.
import { appendFile, copyFile, link, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import type { BenchData } from './data.ts';
import type { LoadOptions } from '../etl/load/batch.ts';
import { measureLoad, type LoadResult } from './load.ts';

/** YYYYMM of a monthly export (`…-YYYYMM.csv`, or an as-of date `…-YYYYMMDD.csv`); null for other files. */
function monthOf(file: string): string | null {
  return /-(\d{6})(?:\d{2})?\.(?:csv|xlsx)$/i.exec(path.basename(file))?.[1] ?? null;
}

/** The newest YYYYMM in the file names of the monthly exports, and those files. */
export function newestMonthFiles(data: BenchData): { month: string; files: string[] } {
  const months = data.files.map((f) => monthOf(f.path)).filter((m): m is string => m !== null).sort();
  const month = months.at(-1);
  if (!month) throw new Error('导出文件名中没有找到月份（…-YYYYMM.csv）');
  return { month, files: data.files.map((f) => f.path).filter((f) => monthOf(f) === month) };
}

/** `dir`, empty (whatever an interrupted run left there removed). */
async function freshDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
}

/** Hard links to `files` in a fresh `dir` (same file system as the cache: no copy). */
async function linkInto(dir: string, files: string[]): Promise<void> {
  await freshDir(dir);
  for (const file of files) await link(file, path.join(dir, path.basename(file)));
}

/**
 * The exports without the newest month's, in a directory of their own: what the
 * full load takes (and the COPY floor measures), so that the monthly step brings
 * a month the warehouse does not hold.
 */
export async function withoutNewestMonth(data: BenchData, workDir: string): Promise<BenchData> {
  const { month, files } = newestMonthFiles(data);
  const newest = new Set(files);
  const kept = data.files.filter((f) => !newest.has(f.path));
  const dir = path.join(workDir, data.scale, `exports-before-${month}`);
  await linkInto(dir, kept.map((f) => f.path));
  let bytes = 0;
  for (const f of kept) bytes += (await stat(f.path)).size;
  return { ...data, dir, files: kept, rows: kept.reduce((n, f) => n + f.rows, 0), bytes };
}

/** The newest month's exports, new to a warehouse that was loaded `withoutNewestMonth`. */
export async function measureMonthlyLoad(pool: pg.Pool, data: BenchData, workDir: string, log: (msg: string) => void): Promise<LoadResult & { month: string }> {
  const { month, files } = newestMonthFiles(data);
  const dir = path.join(workDir, `monthly-${month}`);
  try {
    await linkInto(dir, files);
    log(`月度导入：新的一个月 ${month}，${files.length} 个导出文件`);
    return { ...(await measureLoad(pool, dir, log)), month };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The newest month's exports once more (same rows, new checksums), loaded although the same month was loaded before. */
export async function measureMonthlyReload(pool: pg.Pool, data: BenchData, workDir: string, log: (msg: string) => void, options: Partial<LoadOptions> = {}): Promise<LoadResult & { month: string }> {
  const { month, files } = newestMonthFiles(data);
  const dir = path.join(workDir, `monthly-again-${month}`);
  await freshDir(dir);
  try {
    for (const file of files) {
      const copy = path.join(dir, path.basename(file));
      await copyFile(file, copy);
      await appendFile(copy, '\r\n');
    }
    log(`月度导入：${month} 的 ${files.length} 个导出文件再次到达（内容相同、校验和不同）`);
    return { ...(await measureLoad(pool, dir, log, () => {}, options)), month };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

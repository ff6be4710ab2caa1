// The load a bureau runs every month: the newest month's exports arrive again
// (here: the same files with a trailing blank line, so their checksums differ
// and nothing is skipped) onto the full warehouse. Their partitions are
// replaced, then the models, their tests and the rollups are rebuilt. Rows and
// figures stay as they were, so the dashboard measurements that follow see the
// same data.
import { appendFile, copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import type { BenchData } from './data.ts';
import type { LoadOptions } from '../etl/load/batch.ts';
import { measureLoad, type LoadResult } from './load.ts';

/** The newest YYYYMM in the file names of the monthly exports, and those files. */
export function newestMonthFiles(data: BenchData): { month: string; files: string[] } {
  const monthOf = (file: string) => /-(\d{6})\.(csv|xlsx)$/i.exec(path.basename(file))?.[1] ?? null;
  const months = data.files.map((f) => monthOf(f.path)).filter((m): m is string => m !== null).sort();
  const month = months.at(-1);
  if (!month) throw new Error('导出文件名中没有找到月份（…-YYYYMM.csv）');
  return { month, files: data.files.map((f) => f.path).filter((f) => monthOf(f) === month) };
}

/** `options.force`: load the files again although the same copies were loaded before (a second monthly load). */
export async function measureMonthlyLoad(pool: pg.Pool, data: BenchData, workDir: string, log: (msg: string) => void, options: Partial<LoadOptions> = {}): Promise<LoadResult & { month: string }> {
  const { month, files } = newestMonthFiles(data);
  const dir = path.join(workDir, `monthly-${month}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
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

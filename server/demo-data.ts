// On first start with an empty warehouse, generate and load the synthetic demo city.
import path from 'node:path';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { generateCity } from '../etl/generate/index.ts';
import { runLoad } from '../etl/load/batch.ts';
import { seedDemoNotices } from '../notices/demo.ts';

export async function warehouseIsEmpty(pool: pg.Pool): Promise<boolean> {
  const r = await pool.query<{ loaded: boolean }>(`select exists (select 1 from etl.batches where status = 'succeeded') as loaded`);
  return !r.rows[0]!.loaded;
}

/** The last complete month before today, as YYYY-MM. */
export function lastCompleteMonth(today = new Date()): string {
  const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

export async function loadDemoCity(pool: pg.Pool, config: Config, log: (msg: string) => void): Promise<void> {
  const outDir = path.join(config.dataDir, 'demo-exports');
  log(`数据仓库为空：生成示例城市数据（示例数据）到 ${outDir} …`);
  const generated = await generateCity({ outDir, months: 24, seed: 1, endMonth: lastCompleteMonth(), withErrors: false, scale: 1 });
  log(`已生成 ${generated.files.length} 个导出文件，开始导入…`);
  const report = await runLoad(pool, [outDir], {
    runBy: 'npm start（示例数据）',
    log,
    onFileStart: (file, index, total) => {
      if (index % 20 === 0 || index === total - 1) log(`导入文件 ${index + 1}/${total}：${file.name}`);
    },
  });
  const loaded = report.files.reduce((n, f) => n + f.rowsLoaded, 0);
  log(`示例数据导入完成：批次 ${report.batchId}，${loaded.toLocaleString('zh-CN')} 行`);
  await seedDemoNotices(pool, lastCompleteMonth(), log);
}

// `npm run etl -- <command>`: generate synthetic exports, load exports into the warehouse.
import { Command, InvalidArgumentError } from 'commander';
import { readConfig } from '../config.ts';
import { openWarehouse } from '../warehouse/connect.ts';
import { generateCity } from './generate/index.ts';
import { runLoad } from './load/batch.ts';
import { LoadRefusedError } from './load/plan.ts';
import { createLoadProgress, printLoadSummary } from './load/report.ts';
import { lastCompleteMonth } from '../server/demo-data.ts';

const int = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} 应为正整数`);
  return n;
};
const positive = (value: string) => {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('应为正数');
  return n;
};
const month = (value: string) => {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new InvalidArgumentError('应为 YYYY-MM');
  return value;
};

const program = new Command('etl').description('社会救助数据仓库：生成示例数据、导入源系统导出文件');

program
  .command('generate')
  .description('生成示例城市（示例数据）的各类导出文件')
  .requiredOption('--out <dir>', '输出目录')
  .option('--months <n>', '月份数', int('--months'), 24)
  .option('--seed <n>', '随机种子（相同种子生成相同数据）', int('--seed'), 1)
  .option('--end <YYYY-MM>', '最后一个月（默认上一个完整月）', month)
  .option('--scale <x>', '规模（1 = 约 160 万人口的城市）', positive, 1)
  .option('--with-errors', '在部分文件中故意加入错误行（用于演示拒收）', false)
  .action(async (opts: { out: string; months: number; seed: number; end?: string; scale: number; withErrors: boolean }) => {
    const started = Date.now();
    const summary = await generateCity({ outDir: opts.out, months: opts.months, seed: opts.seed, endMonth: opts.end ?? lastCompleteMonth(), withErrors: opts.withErrors, scale: opts.scale });
    const rows = summary.files.reduce((n, f) => n + f.rows, 0);
    console.log(`已生成 ${summary.files.length} 个文件、${rows.toLocaleString('zh-CN')} 行到 ${opts.out}（${((Date.now() - started) / 1000).toFixed(1)} 秒）`);
    if (summary.plantedErrors.length > 0) console.log(`其中故意加入的错误 ${summary.plantedErrors.length} 处，见 planted-errors.json`);
  });

program
  .command('load')
  .description('导入导出文件或目录（CSV/XLSX），校验每一行，运行数据模型')
  .argument('<paths...>', '文件或目录')
  .action(async (paths: string[]) => {
    const config = readConfig();
    const warehouse = await openWarehouse(config, (m) => console.error(m));
    try {
      const progress = createLoadProgress();
      const report = await runLoad(warehouse.pool, paths, { runBy: config.etlRunBy, ...progress.callbacks, log: progress.log });
      progress.stop();
      printLoadSummary(report);
    } finally {
      await warehouse.close();
    }
  });

program.parseAsync().catch((e: Error) => {
  if (e instanceof LoadRefusedError) console.error(e.message);
  else console.error(`导入失败：${e.message}`);
  process.exit(1);
});

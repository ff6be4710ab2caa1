// `npm run etl -- <command>`: generate synthetic exports, load exports into the
// warehouse, read the load history and the rejected rows (and export them for correction).
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type pg from 'pg';
import { readConfig } from '../config.ts';
import { appendAudit, cliActor } from '../audit/trail.ts';
import { openWarehouse } from '../warehouse/connect.ts';
import { generateCity } from './generate/index.ts';
import { runLoad } from './load/batch.ts';
import { LoadRefusedError } from './load/plan.ts';
import { createLoadProgress, printLoadSummary } from './load/report.ts';
import { escapeControls } from './formats/control-chars.ts';
import { lastCompleteMonth } from '../server/demo-data.ts';
import { openForReading } from './history/connect.ts';
import { formatBatch, formatHistory } from './history/format.ts';
import { getBatch, listBatches } from './history/query.ts';
import { exportRejects } from './rejects/export.ts';
import { formatRejects } from './rejects/format.ts';
import { BatchNotFoundError, findRejects } from './rejects/query.ts';

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
  .option('--force', '内容与已导入的文件相同也再导入一次（例如在较新的导出之后重新导入较早的导出），并在导入记录中注明"强制重新导入"', false)
  .option('--full-refresh', '从头重建全部数据模型（默认只重建本次导入变化的月份）', false)
  .action(async (paths: string[], opts: { force: boolean; fullRefresh: boolean }) => {
    const config = readConfig();
    const warehouse = await openWarehouse(config, (m) => console.error(m));
    try {
      const progress = createLoadProgress();
      const report = await runLoad(warehouse.pool, paths, { runBy: config.etlRunBy, force: opts.force, fullRefresh: opts.fullRefresh, ...progress.callbacks, log: progress.log });
      progress.stop();
      printLoadSummary(report);
    } finally {
      await warehouse.close();
    }
  });

program
  .command('build')
  .description('不导入文件，重新运行数据模型与数据测试并刷新汇总表（例如模型更新之后）')
  .option('--full-refresh', '从头重建全部数据模型（模型代码变化时自动全部重建）', false)
  .action(async (opts: { fullRefresh: boolean }) => {
    const config = readConfig();
    const warehouse = await openWarehouse(config, (m) => console.error(m));
    try {
      const report = await runLoad(warehouse.pool, [], { runBy: config.etlRunBy, rebuildModels: true, fullRefresh: opts.fullRefresh, log: (m) => console.error(m) });
      printLoadSummary(report);
    } finally {
      await warehouse.close();
    }
  });

const batchNumber = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('批次号应为正整数');
  return n;
};

/**
 * Runs a read-only command against the warehouse; its errors are not load failures.
 * Exits with process.exit and the status, once the warehouse is closed.
 */
async function reading(work: (pool: pg.Pool) => Promise<void>): Promise<void> {
  let failed = false;
  try {
    const connection = await openForReading(readConfig(), (m) => console.error(m));
    try {
      await work(connection.pool);
    } finally {
      await connection.close();
    }
  } catch (e) {
    console.error(escapeControls(e instanceof BatchNotFoundError ? e.message : `出错：${(e as Error).message}`));
    failed = true;
  }
  if (failed) process.exit(1);
}

program
  .command('history')
  .description('导入记录：每个批次的状态、执行人、时间、文件（类型、SHA-256 校验值、读取/导入/拒收行数）、跳过原因与错误')
  .argument('[batch]', '批次号：显示这一批次的全部信息', batchNumber)
  .option('--limit <n>', '显示最近几个批次', int('--limit'), 10)
  .option('--json', '以 JSON 输出（供程序读取）', false)
  .action(async (batch: number | undefined, opts: { limit: number; json: boolean }) => {
    await reading(async (pool) => {
      if (batch !== undefined) {
        const found = await getBatch(pool, batch);
        if (!found) throw new BatchNotFoundError(`批次 ${batch} 不存在`);
        console.log(opts.json ? JSON.stringify(found, null, 2) : formatBatch(found));
        return;
      }
      const batches = await listBatches(pool, opts.limit);
      console.log(opts.json ? JSON.stringify(batches, null, 2) : formatHistory(batches));
    });
  });

program
  .command('rejects')
  .description('拒收的行（文件、行号、列、值、原因），按文件分组；--export 导出可改正后重新导入的补正表')
  .argument('[batch]', '批次号（默认：最近一个有拒收行的批次）', batchNumber)
  .option('--export <file.xlsx>', '导出补正表：每个源文件一个工作表，原表头与原值，错误单元格标色，末尾加"错误说明""补正来源"两列')
  .option('--limit <n>', '每个文件显示的行数', int('--limit'), 50)
  .option('--json', '以 JSON 输出（供程序读取）', false)
  .action(async (batch: number | undefined, opts: { export?: string; limit: number; json: boolean }) => {
    if (opts.export !== undefined && path.extname(opts.export).toLowerCase() !== '.xlsx') {
      console.error(`导出文件应以 .xlsx 结尾：${opts.export}`);
      process.exit(1);
    }
    await reading(async (pool) => {
      const rejects = await findRejects(pool, batch);
      if (!rejects || rejects.files.length === 0) {
        console.log(opts.json ? JSON.stringify(rejects ?? null) : rejects ? `批次 ${rejects.batchId} 没有拒收的行` : '还没有任何拒收的行');
        return;
      }
      if (opts.export !== undefined) {
        const summary = await exportRejects(rejects, path.resolve(opts.export));
        // the workbook holds the rejected rows as exported: names and ID numbers in full
        await appendAudit(pool, { actor: cliActor(readConfig().etlRunBy), action: 'export', target: `rejects:batch:${rejects.batchId}`, detail: { file: summary.file, rows: summary.sheets.reduce((n, s) => n + s.rows, 0) } });
        if (opts.json) {
          console.log(JSON.stringify(summary, null, 2));
          return;
        }
        const rows = summary.sheets.reduce((n, s) => n + s.rows, 0);
        console.log(`已导出批次 ${rejects.batchId} 的 ${rows} 行拒收数据到 ${summary.file}（${summary.sheets.length} 个工作表：${summary.sheets.map((s) => s.name).join('、')}）`);
        if (summary.rowsWithoutData > 0) console.log(`另有 ${summary.rowsWithoutData} 行没有保存原始内容（早于保存原始行的版本导入），未导出`);
        console.log('改正标色的单元格后，用 npm run etl -- load 导入该文件：只替换这些行，不影响同月的其他数据');
        return;
      }
      console.log(opts.json ? JSON.stringify(rejects, null, 2) : formatRejects(rejects, opts.limit));
    });
  });

program.parseAsync().catch((e: Error) => {
  // messages quote file names, headers and values: escape sequences in them are written out
  if (e instanceof LoadRefusedError) console.error(escapeControls(e.message));
  else console.error(escapeControls(`导入失败：${e.message}`));
  process.exit(1);
});

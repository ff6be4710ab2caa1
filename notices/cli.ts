// `npm run notice -- --period 2024-06 [--region CODE] [--kind monthly|quarterly] --out FILE.docx`:
// writes the notice as a draft generated now, without a server (the warehouse
// is opened as the ETL opens it). Nothing is stored in the archive.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { readConfig } from '../config.ts';
import { compileModel } from '../cube/compiler.ts';
import { SemanticLayer } from '../cube/api/semantic-layer.ts';
import { openWarehouse } from '../warehouse/connect.ts';
import { readNoticeConfig } from './config.ts';
import { renderDocx } from './docx.ts';
import { generateNotice } from './generate.ts';
import { rectificationSourceFor } from './rectification-items.ts';
import { renderXlsx } from './xlsx.ts';

const program = new Command('notice')
  .description('按统计期和区划生成月度通报或季度通报（拟稿），写出 Word 文档')
  .requiredOption('--period <期>', '统计期：月度 2024-06，季度 2024-Q2')
  .option('--region <区划代码>', '市或区县的12位区划代码（默认为全市）')
  .addOption(new Option('--kind <种类>', '通报种类（默认按统计期：月份为月度通报，季度为季度通报）').choices(['monthly', 'quarterly']))
  .requiredOption('--out <文件.docx>', '输出的 Word 文件')
  .option('--xlsx <文件.xlsx>', '同时写出全部表格的 Excel 文件')
  .option('--json <文件.json>', '同时写出通报的 JSON 文档')
  .configureOutput({ writeErr: (s) => process.stderr.write(s) })
  .exitOverride();

async function main(): Promise<number> {
  try {
    program.parse();
  } catch (e) {
    return (e as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
  const opts = program.opts<{ period: string; region?: string; kind?: 'monthly' | 'quarterly'; out: string; xlsx?: string; json?: string }>();
  if (!/\.docx$/i.test(opts.out)) {
    console.error(`输出文件应以 .docx 结尾：${opts.out}`);
    return 2;
  }
  const warehouse = await openWarehouse(readConfig()).catch((e: Error) => {
    console.error(`无法打开数据仓库：${e.message}`);
    return null;
  });
  if (!warehouse) return 1;
  try {
    const layer = new SemanticLayer(await compileModel(), warehouse.pool);
    const doc = await generateNotice(
      { layer, pool: warehouse.pool, config: await readNoticeConfig(), rectification: await rectificationSourceFor(warehouse.pool) },
      { period: opts.period, region: opts.region, kind: opts.kind },
    );
    await writeFile(opts.out, await renderDocx(doc, { draftMark: '（拟稿，未签发）' }));
    if (opts.xlsx) await writeFile(opts.xlsx, await renderXlsx(doc));
    if (opts.json) await writeFile(opts.json, JSON.stringify(doc, null, 2));
    const problems = doc.sections.find((s) => s.type === 'problems');
    console.log(`已生成${doc.kind === 'quarterly' ? '季度通报' : '月度通报'}（拟稿）：${doc.title}`);
    console.log(`  区划 ${doc.region.name}（${doc.region.code}），数据批次 ${doc.dataBatchId ?? '无'}，问题 ${problems?.type === 'problems' ? problems.problems.length : 0} 条`);
    console.log(`  写出 ${path.resolve(opts.out)}${opts.xlsx ? `、${path.resolve(opts.xlsx)}` : ''}${opts.json ? `、${path.resolve(opts.json)}` : ''}`);
    return 0;
  } catch (e) {
    console.error(`生成通报失败：${(e as Error).message}`);
    return 1;
  } finally {
    await warehouse.close();
  }
}

// process.exit with the status once the warehouse is closed (as in etl/cli.ts)
process.exit(await main());

// `npm run audit -- <command>`: check the audit trail's hash chain, list
// records, and remove those past the retention period (the only way they go).
import { Command, InvalidArgumentError } from 'commander';
import { readConfig } from '../config.ts';
import { openWarehouse } from '../warehouse/connect.ts';
import { pruneAuditLog } from './prune.ts';
import { auditFilterSchema, findAuditRecords } from './query.ts';
import { cliActor } from './trail.ts';
import { verifyAuditChain } from './verify.ts';

/** Runs `work` on the warehouse; exits 1 on an error or when `work` says it failed. */
async function withPool(work: (pool: import('pg').Pool) => Promise<boolean | void>): Promise<void> {
  const config = readConfig();
  const warehouse = await openWarehouse(config, (m) => console.error(m));
  let ok: boolean;
  try {
    ok = (await work(warehouse.pool)) !== false;
  } catch (e) {
    console.error(`出错：${(e as Error).message}`);
    ok = false;
  } finally {
    await warehouse.close();
  }
  // exit with the status at once (the warehouse is closed; nothing is left to wait for)
  if (!ok) process.exit(1);
}

const program = new Command('audit').description('审计日志：校验哈希链、查询、按保留期清理');

program
  .command('verify')
  .description('校验整条哈希链；有断裂时以非零状态退出，并指出第一条有问题的记录')
  .action(async () => {
    await withPool(async (pool) => {
      const check = await verifyAuditChain(pool);
      if (check.broken) {
        console.error(`审计日志校验失败：记录 ${check.broken.id}：${check.broken.reason}（此前 ${check.records} 条记录完好）`);
        return false;
      }
      console.log(`审计日志完好：${check.records} 条记录，哈希链连续`);
    });
  });

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('应为正整数');
  return n;
};

program
  .command('list')
  .description('列出审计记录（最新在前）')
  .option('--user <name>', '用户名')
  .option('--action <action>', '操作类型，如 login、reveal、change')
  .option('--from <YYYY-MM-DD>', '起始日期')
  .option('--to <YYYY-MM-DD>', '截止日期')
  .option('--limit <n>', '条数', positive, 50)
  .action(async (opts: Record<string, unknown>) => {
    await withPool(async (pool) => {
      const filter = auditFilterSchema.safeParse(opts);
      if (!filter.success) throw new Error(filter.error.issues.map((i) => `${i.path.join('.')}：${i.message}`).join('；'));
      for (const r of await findAuditRecords(pool, filter.data)) {
        console.log(JSON.stringify(r));
      }
    });
  });

program
  .command('prune')
  .description('删除超过保留期（AUDIT_RETENTION_DAYS，默认 180 天，不少于 180 天）的最早记录，并记录本次清理')
  .action(async () => {
    const config = readConfig();
    await withPool(async (pool) => {
      const result = await pruneAuditLog(pool, config.auditRetentionDays, cliActor(config.etlRunBy));
      console.log(result.deleted === 0 ? `没有超过 ${config.auditRetentionDays} 天的审计记录` : `已删除 ${result.deleted} 条超过 ${config.auditRetentionDays} 天的审计记录`);
    });
  });

program.parseAsync().catch((e: Error) => {
  console.error(`出错：${e.message}`);
  process.exit(1);
});

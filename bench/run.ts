// `npm run bench -- [--scale city|province-slice] [--skip-browser] [--runs N]`
// The platform's benchmark: load vs PostgreSQL's bare COPY, the leadership
// page's queries vs hand-written SQL, the page in a browser, peak memory.
// See bench/README.md. Never run in CI; no test asserts these timings.
import os from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { compileModel } from '../cube/compiler.ts';
import { CACHE_DIR, prepareData, SCALES, warmPageCache, type ScaleName } from './data.ts';
import { BenchServer, type BenchDatabase } from './database.ts';
import { measureFloor } from './floor.ts';
import { measureLoad } from './load.ts';
import { MemorySampler } from './memory.ts';
import { measureMonthlyLoad, withoutNewestMonth } from './monthly.ts';
import { settleWarehouse } from './settle.ts';
import { differingTables, warehouseChecksums } from './checksums.ts';
import { measureCorrection } from './correction.ts';
import { ensureDashboardBuilt, measurePage, type PageResult } from './page.ts';
import { cityToken, discoverQueries, measureQueries, startGateway, type Gateway } from './queries.ts';
import { measureConcurrency, type ConcurrencyResult } from './concurrency.ts';
import { buildResult, describeMachine, formatSummary, withGrowth, writeResult } from './report.ts';

const started = new Date();
const log = (msg: string) => {
  const elapsed = ((Date.now() - started.getTime()) / 1000).toFixed(0).padStart(5);
  console.log(`[${elapsed} s] ${msg}`);
};

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('应为正整数');
  return n;
};

interface Options {
  scale: ScaleName;
  skipBrowser: boolean;
  runs: number;
  pageLoads: number;
  keepDb: boolean;
  users: number;
  seconds: number;
  skipConcurrency: boolean;
}

/** What the benchmark is doing: named when the process stops before finishing. */
let stage = '开始';
/** Set on Ctrl-C: the server is being stopped, and what fails now fails because of it. */
let interrupted: Promise<void> | null = null;

// A promise that never settles with nothing else pending empties the event loop:
// node would exit quietly with status 0 in the middle of the benchmark.
process.on('beforeExit', () => {
  console.error(`基准测试未完成就停止了：在"${stage}"阶段，事件循环已空（有一个永远不会完成的 Promise）`);
  process.exit(1);
});

async function main(opts: Options): Promise<void> {
  const loadavgStart = os.loadavg();
  const notes: string[] = [];
  if (loadavgStart[0]! > os.cpus().length * 0.5) {
    notes.push(`开始时 1 分钟负载 ${loadavgStart[0]!.toFixed(2)}（${os.cpus().length} 核）：机器上有其他工作，计时有噪声，请在空闲机器上复测`);
  }

  stage = '准备数据（generateCity）';
  const data = await prepareData(opts.scale, log);
  log(`数据：${data.files.length} 个文件，${data.rows.toLocaleString('en-US')} 行，${(data.bytes / 1024 ** 2).toFixed(0)} MB`);
  if (data.generatedSeconds !== null) notes.push(`本次运行生成了数据（${data.generatedSeconds.toFixed(0)} s）：node 的 maxRSS 含生成器的内存`);

  const memory = new MemorySampler();
  memory.setPhase('start');
  memory.start();
  const server = await BenchServer.start(log);
  process.once('SIGINT', () => {
    log(`收到 Ctrl-C（"${stage}"阶段）：停止 PostgreSQL …`);
    // connections in use (the load's, a query's) fail as the server stops: expected now
    process.on('uncaughtException', (e) => {
      if (!/Connection terminated|terminating connection|ECONNRESET|ECONNREFUSED|not queryable/.test(e.message)) console.error(e);
    });
    memory.stop();
    interrupted = server.stop().catch(() => {});
    void interrupted.finally(() => process.exit(130));
  });

  let db: BenchDatabase | null = null;
  try {
    const postgres = await server.version();
    const settings = await server.settings();
    log(`PostgreSQL ${postgres}（端口 ${server.port}，数据目录 bench/.cache/pg）`);

    log('预读导出文件到操作系统页缓存（两种导入都不再付首次读盘的代价）…');
    await warmPageCache(data);
    // the full load takes every month but the newest, which the monthly step then brings
    const before = await withoutNewestMonth(data, CACHE_DIR);
    log(`全量导入不含最新一个月：${before.files.length} 个文件，${before.rows.toLocaleString('en-US')} 行`);

    stage = 'COPY 下限';
    memory.setPhase('floor');
    log('── COPY 下限 ──');
    const floor = await measureFloor(server, before, log);
    log(`COPY 下限：${floor.seconds.toFixed(2)} s，${floor.rows.toLocaleString('en-US')} 行`);

    stage = '项目导入';
    memory.setPhase('load.files');
    log('── 项目导入 runLoad（全新数据库）──');
    db = await server.createDatabase(opts.scale.replace('-', '_'), { warehouse: true });
    const load = await measureLoad(db.pool, before.dir, log, (phase) => memory.setPhase(phase));
    log(`项目导入：文件 ${load.files_seconds.toFixed(2)} s，模型 ${load.models_seconds.toFixed(2)} s，汇总表 ${load.rollups_seconds.toFixed(2)} s，端到端 ${load.end_to_end_seconds.toFixed(2)} s`);
    if (load.rows_rejected > 0) notes.push(`项目导入拒绝了 ${load.rows_rejected} 行：生成的数据本应全部有效`);

    stage = '整理仓库';
    memory.setPhase('settle');
    const settledAfterLoad = await settleWarehouse(db.pool, log);

    stage = '月度导入';
    memory.setPhase('monthly');
    log('── 月度导入：新的一个月 ──');
    const monthly = await measureMonthlyLoad(db.pool, data, CACHE_DIR, log);
    log(`月度导入：文件 ${monthly.files_seconds.toFixed(2)} s，模型 ${monthly.models_seconds.toFixed(2)} s，汇总表 ${monthly.rollups_seconds.toFixed(2)} s，端到端 ${monthly.end_to_end_seconds.toFixed(2)} s`);

    stage = '补正';
    memory.setPhase('correction');
    log('── 补正：十行的补正工作簿 ──');
    const correction = await measureCorrection(db.pool, CACHE_DIR, log);
    log(`补正：端到端 ${correction.end_to_end_seconds.toFixed(2)} s`);

    stage = '增量与全量比对';
    memory.setPhase('full_rebuild');
    log('── 增量与全量比对：每个 mart 与汇总表的校验和，增量之后与全量重建之后 ──');
    const incrementalSums = await warehouseChecksums(db.pool);
    const settledBeforeRebuild = await settleWarehouse(db.pool, log);
    const fullRebuild = await measureLoad(db.pool, null, log, () => {}, { fullRefresh: true });
    const differing = differingTables(incrementalSums, await warehouseChecksums(db.pool));
    log(`全量重建：模型 ${fullRebuild.models_seconds.toFixed(2)} s；${differing.length === 0 ? `${Object.keys(incrementalSums).length} 张表全部一致` : `不一致：${differing.join('、')}`}`);
    if (differing.length > 0) notes.push(`增量导入与全量重建不一致的表：${differing.join('、')}`);

    stage = '仪表盘查询';
    memory.setPhase('queries');
    log(`── 仪表盘查询（冷：每个查询前重启 PostgreSQL；热：${opts.runs} 次）──`);
    const model = await compileModel();
    const { queries, city } = await measureQueries(server, db, model, { runs: opts.runs, baselineBudgetMs: 30_000, log, memory });
    log(`查询完成（${city}）`);

    stage = '页面';
    memory.setPhase('page');
    let page: PageResult;
    if (opts.skipBrowser) {
      page = { skipped: '--skip-browser', complete_ms: null, cold_ms: null, cards_ms: null, loads: [], cold: null };
    } else {
      log(`── 页面（chromium，冷 1 次 + ${opts.pageLoads} 次）──`);
      const stale = ensureDashboardBuilt(log);
      if (stale) notes.push(stale);
      const { token } = await cityToken(db.pool);
      let gateway: Gateway | null = null;
      const open = async (restart: boolean) => {
        await gateway?.close();
        gateway = null;
        if (restart) await server.restart();
        gateway = await startGateway(db!, model, token);
        return gateway.baseUrl;
      };
      try {
        page = await measurePage(() => open(true), () => open(false), opts.pageLoads, log);
      } finally {
        await (gateway as Gateway | null)?.close();
      }
    }
    stage = '并发';
    memory.setPhase('concurrency');
    let concurrency: ConcurrencyResult | { skipped: string };
    if (opts.skipConcurrency) {
      concurrency = { skipped: '--skip-concurrency' };
    } else {
      log(`── 并发：${opts.users} 个用户 ${opts.seconds} 秒，期间月度导入 ──`);
      const { token, cityCode } = await cityToken(db.pool);
      const gateway = await startGateway(db, model, token);
      try {
        const leadershipPage = await discoverQueries(gateway, cityCode);
        concurrency = await measureConcurrency({ gateway, pool: db.pool, data, leadershipPage, cityCode, users: opts.users, seconds: opts.seconds, log });
      } finally {
        await gateway.close();
      }
    }
    memory.setPhase('end');
    await memory.sample();
    memory.stop();

    notes.push('冷查询 = PostgreSQL 重启后（shared_buffers 为空）的第一次执行；操作系统页缓存未清空');
    notes.push('基线 = 手写 SQL 直接查询 raw.* 表（同一数据库、同一服务器），四个指标依次执行的总时间；网关/基线 < 1 表示网关更快');
    const result = await withGrowth(buildResult({
      data,
      floor,
      load,
      settle: { after_load_seconds: settledAfterLoad, before_rebuild_seconds: settledBeforeRebuild },
      monthly,
      correction,
      fullRebuild,
      differing,
      queries,
      page,
      concurrency,
      memory: memory.result(),
      machine: describeMachine(postgres, settings, loadavgStart),
      startedAt: started,
      notes,
    }));
    const files = await writeResult(result);
    console.log(formatSummary(result));
    log(`结果已写入 ${files.latest} 和 ${files.dated}`);
  } finally {
    memory.stop();
    if (interrupted === null) {
      if (db && !opts.keepDb) {
        log(`删除数据库 ${db.name}`);
        await db.drop().catch((e: Error) => log(`删除数据库失败：${e.message}`));
      } else if (db) {
        log(`保留数据库 ${db.name}（--keep-db）；下次运行时会删除`);
        await db.pool.end().catch(() => {});
      }
      log('停止 PostgreSQL');
      await server.stop();
    }
  }
}

const program = new Command('bench')
  .description('性能基准：导入对比 COPY 下限、仪表盘查询对比手写 SQL、页面加载、内存峰值')
  .addOption(new Option('--scale <scale>', '数据规模').choices(Object.keys(SCALES)).default('city'))
  .option('--skip-browser', '不测页面（不启动 chromium）', false)
  .option('--runs <n>', '每个查询的热查询次数', positiveInt, 30)
  .option('--page-loads <n>', '页面热加载次数（取中位数）', positiveInt, 5)
  .option('--keep-db', '结束时保留导入的数据库（下次运行时删除）', false)
  .option('--users <n>', '并发步骤的模拟用户数', positiveInt, 50)
  .option('--seconds <n>', '并发步骤的时长（秒）', positiveInt, 60)
  .option('--skip-concurrency', '不测并发', false)
  .action(async (opts: Options) => {
    try {
      await main(opts);
      process.exit(0);
    } catch (e) {
      if (interrupted) {
        await interrupted;
        console.error('基准测试已中断，PostgreSQL 已停止');
        process.exit(130);
      }
      console.error(`基准测试失败：${(e as Error).stack ?? e}`);
      process.exit(1);
    }
  });

await program.parseAsync();

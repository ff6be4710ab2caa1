// `npm start`: the warehouse (embedded unless DATABASE_URL), demo data on first
// run, the semantic layer, and the HTTP server. Ctrl-C stops all of it.
import { readConfig } from '../config.ts';
import { compileModel } from '../cube/compiler.ts';
import { refreshModelRollups } from '../cube/rollups/index.ts';
import { SemanticLayer } from '../cube/api/semantic-layer.ts';
import { openWarehouse } from '../warehouse/connect.ts';
import { buildApp } from './app.ts';
import { fileLogger } from './logger.ts';
import { loadDemoCity, warehouseIsEmpty } from './demo-data.ts';
import { noAdministrator } from '../auth/users.ts';
import { runLoad } from '../etl/load/batch.ts';
import { modelFingerprint, modelsOutOfDate } from '../etl/load/model-fingerprint.ts';

const log = (msg: string) => console.log(`[${new Date().toLocaleTimeString('zh-CN', { hour12: false })}] ${msg}`);

/** Rollups are rebuilt by each load; at start only a new or changed model leaves any to build. */
async function buildMissingRollups(pool: import('pg').Pool, model: Awaited<ReturnType<typeof compileModel>>): Promise<void> {
  const client = await pool.connect();
  try {
    const built = (await refreshModelRollups(client, { model })).filter((r) => r.outcome === 'built');
    if (built.length > 0) log(`已构建汇总表：${built.map((r) => `${r.id}（${r.rows} 行）`).join('、')}`);
  } finally {
    client.release();
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const warehouse = await openWarehouse(config, log).catch((e: Error) => {
    log(`无法打开数据仓库：${e.message}`);
    process.exit(1);
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`收到 ${signal}，正在停止…`);
    await app?.close().catch(() => {});
    await warehouse.close().catch((e: Error) => log(`停止数据库时出错：${e.message}`));
    log('已停止');
    process.exit(0);
  };
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  // on, not once: a terminal's Ctrl-C reaches this process twice (directly and relayed by tsx),
  // and a second default SIGINT would end it half-way through stopping
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    if (await warehouseIsEmpty(warehouse.pool)) {
      if (config.demoData) await loadDemoCity(warehouse.pool, config, log);
      else {
        log('数据仓库为空：建立空的数据集市；请用 npm run etl -- load 导入数据（生产环境不生成示例数据）');
        await runLoad(warehouse.pool, [], { runBy: 'npm start（空仓库）', rebuildModels: true, log });
      }
    }
    else if (await modelsOutOfDate(warehouse.pool, await modelFingerprint())) {
      log('数据模型已更新：重建数据集市与汇总表…');
      await runLoad(warehouse.pool, [], { runBy: 'npm start（模型更新）', rebuildModels: true, log });
    }
    const model = await compileModel();
    await buildMissingRollups(warehouse.pool, model);
    const layer = new SemanticLayer(model, warehouse.pool, { limits: config.queryLimits, resultCacheBytes: config.resultCacheBytes });
    app = await buildApp({ config, pool: warehouse.pool, layer, logger: fileLogger(config.dataDir) });
    await app.listen({ port: config.port, host: config.host });
    log(`社会救助数据分析平台已启动：http://localhost:${config.port}`);
    if (await noAdministrator(warehouse.pool)) log('尚无管理员账号：请运行 npm run users -- add --name NAME --role admin --region CODE --password-stdin');
  } catch (e) {
    log(`启动失败：${(e as Error).message}`);
    await app?.close().catch(() => {});
    await warehouse.close().catch(() => {});
    process.exit(1);
  }
}

void main();

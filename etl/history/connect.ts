// Opens the warehouse for the read-only commands (history, rejects). Unlike
// openWarehouse it does not run the warehouse DDL: `create index if not exists`
// and `alter table` wait for the locks of a load in progress, and the history
// must be readable while a load runs (to show it as 进行中).
import pg from 'pg';
import type { Config } from '../../config.ts';
import '../../warehouse/connect.ts'; // the project's type parsers
import { startOrReuseEmbedded } from '../../warehouse/embedded.ts';
import { ensureHistorySchema } from './schema.ts';

export interface ReadConnection {
  pool: pg.Pool;
  close(): Promise<void>;
}

export async function openForReading(config: Config, log: (msg: string) => void = () => {}): Promise<ReadConnection> {
  const embedded = config.databaseUrl ? null : await startOrReuseEmbedded(config.dataDir, config.embeddedPgPort, log);
  const pool = new pg.Pool({ connectionString: config.databaseUrl ?? embedded!.url, max: 2, options: '-c timezone=UTC' });
  let closing = false;
  pool.on('error', (e) => {
    if (!closing) log(`数据库连接错误：${e.message}`);
  });
  const close = async () => {
    closing = true;
    await pool.end();
    await embedded?.stop();
  };
  try {
    await ensureHistorySchema(pool);
  } catch (e) {
    await close();
    throw e;
  }
  return { pool, close };
}

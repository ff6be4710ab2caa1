// Opens the warehouse: DATABASE_URL if set, else the embedded server in DATA_DIR.
import pg from 'pg';
import type { Config } from '../config.ts';
import { startOrReuseEmbedded } from './embedded.ts';
import { ensureWarehouseSchema } from './schema.ts';

// Numeric and bigint come back as text (like Cube does); dates and timestamps
// without time zone stay text too, so no time-zone shift creeps into them.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (v) => v);

export interface Warehouse {
  pool: pg.Pool;
  url: string;
  close(): Promise<void>;
}

export async function openWarehouse(config: Config, log: (msg: string) => void = () => {}): Promise<Warehouse> {
  const embedded = config.databaseUrl ? null : await startOrReuseEmbedded(config.dataDir, config.embeddedPgPort, log);
  const url = config.databaseUrl ?? embedded!.url;
  const pool = new pg.Pool({ connectionString: url, max: 8, options: '-c timezone=UTC' });
  let closing = false;
  pool.on('error', (e) => {
    if (!closing) log(`数据库连接错误：${e.message}`);
  });
  try {
    await ensureWarehouseSchema(pool);
  } catch (e) {
    await pool.end();
    await embedded?.stop();
    throw e;
  }
  return {
    pool,
    url,
    async close() {
      closing = true;
      await pool.end();
      await embedded?.stop();
    },
  };
}

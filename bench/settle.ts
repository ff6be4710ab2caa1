// Brings the bench's warehouse to the state a month later finds it in: every
// table vacuumed and analyzed. Right after a full load, autovacuum has some
// 50 M fresh rows (province slice) to vacuum, which it does, throttled, for
// many minutes; a monthly load or a full rebuild started then shares the two
// cores with it, and its timings measure autovacuum's progress. A bureau's
// next month arrives weeks later, long after that work. So the bench runs the
// same VACUUM (ANALYZE) itself, unthrottled, times it, reports it apart
// (`settle` in the results), and starts the next step on a quiet server.
import type pg from 'pg';

/** VACUUM (ANALYZE) of the whole database; its seconds. */
export async function settleWarehouse(pool: pg.Pool, log: (msg: string) => void): Promise<number> {
  const started = performance.now();
  // a manual VACUUM runs without autovacuum's cost delay; an autovacuum worker on the same table gives way to it
  await pool.query('vacuum (analyze)');
  const seconds = (performance.now() - started) / 1000;
  log(`整理仓库 VACUUM (ANALYZE)：${seconds.toFixed(2)} s（不计入下一步）`);
  return seconds;
}

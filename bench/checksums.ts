// A checksum of every mart and rollup table, to prove the incremental monthly
// load left them as a full rebuild makes them. Order-independent and in
// constant memory (a sum of row hashes), as the city's marts hold millions of rows.
import type pg from 'pg';

export async function warehouseChecksums(pool: pg.Pool): Promise<Record<string, string>> {
  const tables = await pool.query<{ schema: string; name: string }>(
    `select table_schema as schema, table_name as name from information_schema.tables
      where table_type = 'BASE TABLE' and (table_schema = 'marts' or (table_schema = 'rollups' and table_name <> 'builds'))
      order by 1, 2`,
  );
  const out: Record<string, string> = {};
  for (const t of tables.rows) {
    const r = await pool.query<{ sum: string }>(
      `select count(*) || ':' || coalesce(sum(('x' || substr(md5(x::text), 1, 15))::bit(60)::bigint::numeric), 0) as sum from "${t.schema}"."${t.name}" x`,
    );
    out[`${t.schema}.${t.name}`] = r.rows[0]!.sum;
  }
  return out;
}

/** The tables whose checksums differ (or that only one side has). */
export function differingTables(a: Record<string, string>, b: Record<string, string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((t) => a[t] !== b[t]).sort();
}

// One checksum per mart table: proves a refactoring of the models leaves every
// row byte-identical (same columns, same order, same values).
import type pg from 'pg';

/**
 * Views are left out: fct_rectification_period reads the application's
 * tables as of today, so its rows move with the clock.
 */
export async function martChecksums(client: pg.Pool | pg.ClientBase, schema = 'marts'): Promise<Record<string, string>> {
  const { rows: tables } = await client.query<{ name: string }>(
    `select table_name as name from information_schema.tables
     where table_schema = $1 and table_type = 'BASE TABLE' order by table_name`,
    [schema],
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const relation = `"${schema}"."${name}"`;
    const { rows } = await client.query<{ sum: string | null; n: string }>(
      `select md5(string_agg(t::text, '|' order by t::text)) as sum, count(*) as n from ${relation} as t`,
    );
    out[name] = `${rows[0]!.n}:${rows[0]!.sum ?? 'empty'}`;
  }
  return out;
}

// Monthly facts are partitioned by month (or snapshot date) in the raw layer:
// replacing a month drops its partition and creates it afresh, instead of
// deleting its rows one by one and leaving them for vacuum.
import type pg from 'pg';
import type { KindSpec } from '../formats/kinds.ts';

/** raw.low_income_roster + '2025-01-01' → raw.low_income_roster_p20250101 */
export function partitionName(spec: KindSpec, value: string): string {
  return `raw.${spec.table}_p${value.replace(/[^0-9A-Za-z]/g, '')}`;
}

/** Empties (creates anew) the partitions of the given values of the partition column. */
export async function replacePartitions(client: pg.ClientBase, spec: KindSpec, values: readonly string[]): Promise<void> {
  if (spec.replace.by !== 'partition') throw new Error(`${spec.table} is not replaced by partition`);
  for (const v of [...values].sort()) {
    const name = partitionName(spec, v);
    await client.query(`drop table if exists ${name}`);
    await client.query(`create table ${name} partition of raw.${spec.table} for values in ('${v.replace(/'/g, "''")}')`);
  }
}

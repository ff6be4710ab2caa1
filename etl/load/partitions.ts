// Kinds replaced by partition (monthly rosters, snapshots, payment batches) are
// list-partitioned in the raw layer: replacing a month drops its partition and
// creates it afresh, instead of deleting its rows one by one and leaving them
// for vacuum.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { KindSpec } from '../formats/kinds.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The partition of one value: raw.low_income_roster + '2025-01-01' →
 * raw.low_income_roster_p20250101. Other values (payment batches) are free
 * text: their name gets a hash so that two values never share a partition
 * (FF2025-01 and FF202501 differ) and long values stay within 63 characters.
 */
export function partitionName(spec: KindSpec, value: string): string {
  if (ISO_DATE.test(value)) return `raw.${spec.table}_p${value.replace(/-/g, '')}`;
  const readable = value.toLowerCase().replace(/[^0-9a-z]/g, '').slice(0, 20);
  const hash = createHash('sha256').update(value).digest('hex').slice(0, 10);
  return `raw.${spec.table}_b${readable}_${hash}`;
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

// How a correction's rows enter the raw layer (called by load-file.ts in place
// of the usual replacement): the loaded rows with the same identity are
// deleted (for partition kinds: same month or date + ID number …, see
// CORRECTION_IDENTITY; for key kinds: the same key), then the corrected rows
// are inserted. The rest of their month stays.
import type pg from 'pg';
import { kindByNumber, type KindSpec } from '../formats/kinds.ts';
import type { PartitionValues } from '../load/changes.ts';
import { ensurePartitions } from '../load/partitions.ts';
import { correctionReplaceRule } from './read-correction.ts';

/**
 * The partitions the correction rows staged in `stage` belong to (kinds
 * replaced by partition; their correction identity includes the partition
 * column); null for other kinds.
 */
export async function stagedPartitions(client: pg.ClientBase, spec: KindSpec, stage: string): Promise<PartitionValues | null> {
  const kind = kindByNumber(spec.kind);
  if (kind.replace.by !== 'partition') return null;
  const column = kind.replace.column;
  const values = await client.query<{ v: string }>(`select distinct ${column}::text as v from ${stage} where ${column} is not null order by 1`);
  return { column, values: values.rows.map((r) => r.v) };
}

/**
 * Applies the correction rows staged in `stage` to `raw.<spec.table>`;
 * `within`: their partitions (stagedPartitions), the only ones read.
 */
export async function applyCorrection(client: pg.ClientBase, spec: KindSpec, stage: string, within: PartitionValues | null): Promise<void> {
  const kind = kindByNumber(spec.kind);
  const table = `raw.${kind.table}`;
  // a corrected row may belong to a month (or date) nothing else was loaded for
  if (within) await ensurePartitions(client, kind, within.values);
  const identity = correctionReplaceRule(kind);
  if (identity.by !== 'key') throw new Error(`unexpected correction rule for ${kind.table}`);
  const match = identity.columns.map((c) => `r.${c} = s.${c}`).join(' and ');
  if (within) await client.query(`delete from ${table} r using ${stage} s where ${match} and r.${within.column} = any($1)`, [within.values]);
  else await client.query(`delete from ${table} r using ${stage} s where ${match}`);
  await client.query(`insert into ${table} select * from ${stage}`);
}

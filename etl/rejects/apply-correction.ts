// How a correction's rows enter the raw layer (called by load-file.ts in place
// of the usual replacement): the loaded rows with the same identity are
// deleted (for partition kinds: same month or date + ID number …, see
// CORRECTION_IDENTITY; for key kinds: the same key), then the corrected rows
// are inserted. The rest of their month stays.
import type pg from 'pg';
import { kindByNumber, type KindSpec } from '../formats/kinds.ts';
import { ensurePartitions } from '../load/partitions.ts';
import { correctionReplaceRule } from './read-correction.ts';

/** Applies the correction rows staged in `stage` to `raw.<spec.table>`. */
export async function applyCorrection(client: pg.ClientBase, spec: KindSpec, stage: string): Promise<void> {
  const kind = kindByNumber(spec.kind);
  const table = `raw.${kind.table}`;
  if (kind.replace.by === 'partition') {
    // a corrected row may belong to a month (or date) nothing else was loaded for
    const column = kind.replace.column;
    const values = await client.query<{ v: string }>(`select distinct ${column}::text as v from ${stage} order by 1`);
    await ensurePartitions(client, kind, values.rows.map((r) => r.v));
  }
  const identity = correctionReplaceRule(kind);
  if (identity.by !== 'key') throw new Error(`unexpected correction rule for ${kind.table}`);
  await client.query(`delete from ${table} r using ${stage} s where ${identity.columns.map((c) => `r.${c} = s.${c}`).join(' and ')}`);
  await client.query(`insert into ${table} select * from ${stage}`);
}

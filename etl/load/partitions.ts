// Kinds replaced by partition (monthly rosters, snapshots, payment batches) are
// list-partitioned in the raw layer: replacing a month drops its partition and
// creates it afresh, instead of deleting its rows one by one and leaving them
// for vacuum.
//
// Partitions are bounded: every query of a partitioned table locks each of its
// partitions, and a load locks every raw table at once, so thousands of them
// (a payments export with a batch value per row) exhaust PostgreSQL's lock
// table ("out of shared memory") for every later load. A table gets at most
// MAX_PARTITIONS_PER_TABLE partitions of its own, and one file creates at most
// MAX_NEW_PARTITIONS_PER_FILE; the values beyond go to the table's default
// partition (`<table>_default`, indexed on the partition column), where a newer
// export of a value replaces its rows by delete.
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

/** Partitions of its own a raw table may have: twenty years of months, ten of two payment batches a month. */
export const MAX_PARTITIONS_PER_TABLE = 240;
/** New partitions one file may create. */
export const MAX_NEW_PARTITIONS_PER_FILE = 60;

/** What one file did to its table's partitions. */
export interface PartitionUse {
  created: number;
  /** Values whose rows went to the default partition. */
  inDefault: string[];
}

export const newPartitionUse = (): PartitionUse => ({ created: 0, inDefault: [] });

export const defaultPartitionName = (spec: KindSpec): string => `raw.${spec.table}_default`;

/** The partitions (qualified names) a partitioned raw table has now. */
async function partitionsOf(client: pg.ClientBase, spec: KindSpec): Promise<Set<string>> {
  const r = await client.query<{ name: string }>(
    `select 'raw.' || c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = $1::regclass`,
    [`raw.${spec.table}`],
  );
  return new Set(r.rows.map((x) => x.name));
}

async function createValuePartition(client: pg.ClientBase, spec: KindSpec, value: string): Promise<void> {
  await client.query(`create table ${partitionName(spec, value)} partition of raw.${spec.table} for values in ('${value.replace(/'/g, "''")}')`);
}

/** The partition of values past the limits, indexed on the partition column (a newer export deletes by it). */
async function createDefaultPartition(client: pg.ClientBase, spec: KindSpec, column: string): Promise<void> {
  const name = defaultPartitionName(spec);
  await client.query(`create table ${name} partition of raw.${spec.table} default`);
  await client.query(`create index on ${name} (${column})`);
}

/**
 * Empties the partitions of the given values of the partition column: a value
 * with its own partition gets it created anew; a new value gets its own while
 * the limits allow, else its rows go to the default partition (and any it had
 * there are deleted).
 */
export async function replacePartitions(client: pg.ClientBase, spec: KindSpec, values: readonly string[], use: PartitionUse = newPartitionUse()): Promise<void> {
  if (spec.replace.by !== 'partition') throw new Error(`${spec.table} is not replaced by partition`);
  const column = spec.replace.column;
  const existing = await partitionsOf(client, spec);
  const defaultName = defaultPartitionName(spec);
  let hasDefault = existing.has(defaultName);
  let own = existing.size - (hasDefault ? 1 : 0);
  const fromDefault = (v: string) => client.query(`delete from ${defaultName} where ${column} = $1`, [v]);
  for (const v of [...values].sort()) {
    const name = partitionName(spec, v);
    if (existing.has(name)) {
      await client.query(`drop table ${name}`);
      await createValuePartition(client, spec, v);
    } else if (own < MAX_PARTITIONS_PER_TABLE && use.created < MAX_NEW_PARTITIONS_PER_FILE) {
      // rows of the value an earlier load put in the default partition are replaced too
      if (hasDefault) await fromDefault(v);
      await createValuePartition(client, spec, v);
      own++;
      use.created++;
    } else {
      if (!hasDefault) {
        await createDefaultPartition(client, spec, column);
        hasDefault = true;
      }
      await fromDefault(v);
      use.inDefault.push(v);
    }
  }
}

/**
 * Makes sure rows of the given values have a partition to go to, keeping what
 * is loaded (corrections insert a few rows into a month): a value without a
 * partition gets one while the limits allow and the default partition holds
 * none of its rows, else its rows go to the default partition.
 */
export async function ensurePartitions(client: pg.ClientBase, spec: KindSpec, values: readonly string[]): Promise<void> {
  if (spec.replace.by !== 'partition') throw new Error(`${spec.table} is not replaced by partition`);
  const existing = await partitionsOf(client, spec);
  const defaultName = defaultPartitionName(spec);
  let hasDefault = existing.has(defaultName);
  let own = existing.size - (hasDefault ? 1 : 0);
  for (const v of [...values].sort()) {
    const name = partitionName(spec, v);
    if (existing.has(name)) continue;
    const inDefault = hasDefault && (await client.query(`select 1 from ${defaultName} where ${spec.replace.column} = $1 limit 1`, [v])).rows.length > 0;
    if (!inDefault && own < MAX_PARTITIONS_PER_TABLE) {
      await createValuePartition(client, spec, v);
      own++;
    } else if (!hasDefault) {
      await createDefaultPartition(client, spec, spec.replace.column);
      hasDefault = true;
    }
  }
}

/** The note of a file whose values went to the default partition. */
export function partitionNote(spec: KindSpec, use: PartitionUse): string | null {
  if (use.inDefault.length === 0) return null;
  const header = spec.columns.find((c) => spec.replace.by === 'partition' && c.column === spec.replace.column)?.header ?? '分区';
  const shown = use.inDefault.slice(0, 3).join('、') + (use.inDefault.length > 3 ? ' 等' : '');
  return `${header}有 ${use.inDefault.length} 个值（${shown}）超出分区上限（每表 ${MAX_PARTITIONS_PER_TABLE} 个、每个文件新建 ${MAX_NEW_PARTITIONS_PER_FILE} 个），存入默认分区 ${defaultPartitionName(spec)}`;
}

// Loads one prepared export (prepare/prepare.ts: its COPY data and rejects,
// made on a worker thread) into its raw table inside the caller's transaction:
// either straight into the month partitions it replaces, or through a temporary
// table that is checked as a whole and then replaces what the export supersedes.
import type pg from 'pg';
import type { KindSpec } from '../formats/kinds.ts';
import { applyCorrection, stagedPartitions } from '../rejects/apply-correction.ts';
import { ChangeRecorder, type FileChanges } from './changes.ts';
import { stageRowData } from '../rejects/row-data.ts';
import { copyChunks } from './copy-rows.ts';
import { defaultPartitionName, newPartitionUse, partitionName, partitionNote, replacePartitions, type PartitionUse } from './partitions.ts';
import type { PlannedFile } from './plan.ts';
import type { LineCount } from '../read/index.ts';
import type { PreparedFile } from './prepare/pool.ts';
import { copiesIntoPartitions, type PreparedEvent } from './prepare/prepare.ts';
import { COPY_LINEAGE, type Reject } from './prepare/encode.ts';

export type { Reject } from './prepare/encode.ts';

export interface FileLoadResult {
  rowsRead: number;
  rowsLoaded: number;
  rejects: Reject[];
  format: string;
  /** How the file's lines were accounted for (lines = header + blank + read + line breaks inside values). */
  lines: LineCount;
  /** A remark for the summary and the history (values put in the default partition). */
  note: string | null;
  /** The months whose rows the file replaced, added or removed. */
  changes: FileChanges;
  /** The partitions (qualified names) whose rows the file replaced: what needs fresh planner statistics. */
  partitions: string[];
}

const STAGE = 'pg_temp.load_stage';

/** Rows the whole file must agree on: duplicate keys, and for regions, parents that exist. */
async function fileLevelRejects(client: pg.ClientBase, spec: KindSpec): Promise<Reject[]> {
  const rejects: Reject[] = [];
  if (spec.replace.by === 'key') {
    const keys = spec.replace.columns.join(', ');
    const headers = spec.replace.columns.map((c) => spec.columns.find((s) => s.column === c)!.header);
    const dup = await client.query<{ source_row: number; first_row: number; key: string }>(
      `select source_row, first_row, concat_ws(' / ', ${keys}) as key from (
         select source_row, ${keys}, min(source_row) over (partition by ${keys}) as first_row from ${STAGE}
       ) s where source_row <> first_row order by source_row`,
    );
    for (const r of dup.rows) {
      rejects.push({ rowNumber: r.source_row, column: headers.join('、'), value: r.key, reason: `与第 ${r.first_row} 行重复（${headers.join('、')}相同）` });
    }
  }
  if (spec.table === 'regions') {
    const orphans = await client.query<{ source_row: number; parent_code: string }>(
      `select s.source_row, s.parent_code from ${STAGE} s
        where s.parent_code is not null
          and not exists (select 1 from ${STAGE} p where p.region_code = s.parent_code)
          and not exists (select 1 from raw.regions p where p.region_code = s.parent_code)
        order by s.source_row`,
    );
    for (const r of orphans.rows) {
      rejects.push({ rowNumber: r.source_row, column: '上级区划代码', value: r.parent_code, reason: `上级区划代码 ${r.parent_code} 不在行政区划表中` });
    }
  }
  if (rejects.length > 0) {
    const staged = await client.query<{ source_row: number; row: Record<string, unknown> }>(`select source_row, to_jsonb(s) as row from ${STAGE} s where source_row = any($1::int[])`, [rejects.map((r) => r.rowNumber)]);
    const byRow = new Map(staged.rows.map((r) => [r.source_row, r.row]));
    for (const r of rejects) r.rowData = stageRowData(spec, byRow.get(r.rowNumber));
    await client.query(`delete from ${STAGE} where source_row = any($1::int[])`, [rejects.map((r) => r.rowNumber)]);
  }
  return rejects;
}

/** Keyed kinds: staged rows replace the loaded rows with the same key. */
async function replaceIntoRaw(client: pg.ClientBase, spec: KindSpec, key: readonly string[]): Promise<void> {
  const table = `raw.${spec.table}`;
  const match = key.map((c) => `r.${c} = s.${c}`).join(' and ');
  await client.query(`delete from ${table} r using ${STAGE} s where ${match}`);
  await client.query(`insert into ${table} select * from ${STAGE}`);
}

type Done = Extract<PreparedEvent, { type: 'done' }>;

/**
 * Runs the file's events against the database: each `segment` replaces its
 * partitions (their rows' months recorded before they go, and again once the
 * new rows are in), each run of `data` is one COPY into `target`.
 */
async function applyEvents(client: pg.ClientBase, spec: KindSpec, target: string, prepared: PreparedFile, onProgress: (bytes: number) => void, partitions: PartitionUse, changes: ChangeRecorder, replaced: string[]): Promise<Done> {
  const events = prepared[Symbol.asyncIterator]();
  let next = await events.next();
  async function* dataRun() {
    while (!next.done && next.value.type === 'data') {
      yield next.value.data;
      onProgress(next.value.bytesRead);
      next = await events.next();
    }
  }
  while (!next.done) {
    const event = next.value;
    if (event.type === 'done') {
      // the new rows' months: known from preparing them, else read back
      if (event.months) changes.written(event.months);
      else await changes.partitions(client, replaced);
      return event;
    }
    if (event.type === 'segment') {
      await changes.partitions(client, event.partitions);
      replaced.push(...event.partitions);
      await replacePartitions(client, spec, event.partitions, partitions);
      next = await events.next();
    } else {
      await copyChunks(client, target, columnsOf(spec), dataRun());
    }
  }
  throw new Error('准备文件的线程没有报告文件结束');
}

export async function loadFile(client: pg.ClientBase, file: PlannedFile, prepared: PreparedFile, onProgress: (bytes: number) => void): Promise<FileLoadResult> {
  const spec = file.match.spec;
  let done: Done;
  let fileRejects: Reject[] = [];
  const partitions = newPartitionUse();
  const changes = new ChangeRecorder(spec);
  const replaced: string[] = [];
  // The file name is the same on every row: the COPY lines leave it out and it
  // is the column's default while the file is COPYed (dropped again after; the
  // transaction undoes it too).
  const sourceFile = `alter column source_file set default ${client.escapeLiteral(file.name)}`;
  if (copiesIntoPartitions(file.match, file.isCorrection)) {
    await client.query(`alter table raw.${spec.table} ${sourceFile}`);
    done = await applyEvents(client, spec, `raw.${spec.table}`, prepared, onProgress, partitions, changes, replaced);
    await client.query(`alter table raw.${spec.table} alter column source_file drop default`);
  } else {
    // Kinds with file-wide checks or keyed replacement (and corrections): COPY
    // into a temporary table, check, then replace what the export supersedes.
    await client.query(`drop table if exists ${STAGE}; create temp table load_stage (like raw.${spec.table}); alter table ${STAGE} ${sourceFile}`);
    done = await applyEvents(client, spec, STAGE, prepared, onProgress, partitions, changes, replaced);
    fileRejects = await fileLevelRejects(client, spec);
    if (spec.replace.by !== 'key') throw new Error(`${spec.table} is replaced by partition, not through a staging table`);
    const within = file.isCorrection ? await stagedPartitions(client, spec, STAGE) : null;
    await changes.staged(client, STAGE, spec.replace.columns, within ?? undefined);
    await (file.isCorrection ? applyCorrection(client, spec, STAGE, within) : replaceIntoRaw(client, spec, spec.replace.columns));
    await client.query(`drop table ${STAGE}`);
  }
  onProgress(file.size);
  const rejects = [...done.rejects, ...fileRejects].sort((a, b) => a.rowNumber - b.rowNumber);
  const rowsLoaded = done.rowsWritten - new Set(fileRejects.map((r) => r.rowNumber)).size;
  const rowsRejected = new Set(rejects.map((r) => r.rowNumber)).size;
  if (rowsLoaded + rowsRejected !== done.rowsRead) throw new Error(`${file.name}：行数核对不一致：读取 ${done.rowsRead} 行，导入 ${rowsLoaded} 行，拒收 ${rowsRejected} 行`);
  return { rowsRead: done.rowsRead, rowsLoaded, rejects, format: done.format, lines: done.lines, note: partitionNote(spec, partitions), changes: changes.result(), partitions: replacedPartitions(spec, replaced, partitions) };
}

const replacedPartitions = (spec: KindSpec, values: readonly string[], use: PartitionUse): string[] =>
  [...new Set(values.map((v) => (use.inDefault.includes(v) ? defaultPartitionName(spec) : partitionName(spec, v))))];

const columnsOf = (spec: KindSpec) => [...spec.columns.map((c) => c.column), ...COPY_LINEAGE];

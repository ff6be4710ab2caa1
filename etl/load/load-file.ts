// Loads one export into its raw table inside the caller's transaction:
// validate every row and COPY the good ones either into a temporary table
// (checked as a whole, then replacing what the export supersedes) or, for the
// monthly facts, straight into the month partitions they replace.
import type pg from 'pg';
import type { KindSpec } from '../formats/kinds.ts';
import { validateRow, type ValidationContext } from '../formats/validate.ts';
import { openSourceTable, type SourceRow, type SourceTable } from '../read/index.ts';
import { LINEAGE_COLUMNS } from '../../warehouse/schema.ts';
import { copyLines, csvField } from './copy-rows.ts';
import { replacePartitions } from './partitions.ts';
import type { PlannedFile } from './plan.ts';
import { applyCorrection } from '../rejects/apply-correction.ts';
import { sourceRowData, stageRowData, type RowData } from '../rejects/row-data.ts';

export interface Reject {
  rowNumber: number;
  column: string | null;
  value: string | null;
  reason: string;
  /** The whole original row (header → text), so it can be exported for correction and reloaded. */
  rowData?: RowData;
}

export interface FileLoadResult {
  rowsRead: number;
  rowsLoaded: number;
  rejects: Reject[];
  format: string;
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

async function replaceIntoRaw(client: pg.ClientBase, spec: KindSpec, partitionValues: string[]): Promise<void> {
  const table = `raw.${spec.table}`;
  if (spec.replace.by === 'partition' && spec.partitioned) {
    await replacePartitions(client, spec, partitionValues);
  } else if (spec.replace.by === 'partition') {
    const col = spec.replace.column;
    await client.query(`delete from ${table} where ${col} in (select distinct ${col} from ${STAGE})`);
  } else {
    const match = spec.replace.columns.map((c) => `r.${c} = s.${c}`).join(' and ');
    await client.query(`delete from ${table} r using ${STAGE} s where ${match}`);
  }
  await client.query(`insert into ${table} select * from ${STAGE}`);
}

/** Validates source rows and encodes the good ones as COPY lines, counting as it goes. */
function rowEncoder(file: PlannedFile, batchId: number, ctx: ValidationContext, rejects: Reject[]) {
  const spec = file.match.spec;
  const partitionColumn = spec.replace.by === 'partition' ? spec.replace.column : null;
  const counts = { read: 0, written: 0 };
  // batch_id and source_file are the same on every line
  const lineage = `${batchId},${csvField(file.name)},`;
  /** The COPY line of a good row and its partition value, or null for a rejected row. */
  const encode = (row: SourceRow): { line: string; partition: string | null } | null => {
    counts.read++;
    const result = validateRow(file.match, row.cells, ctx);
    if (!result.ok) {
      const rowData = sourceRowData(file.match.positions, row.cells);
      for (const e of result.errors) rejects.push({ rowNumber: row.rowNumber, column: e.column, value: e.value, reason: e.reason, rowData });
      return null;
    }
    counts.written++;
    let line = '';
    for (const c of spec.columns) line += csvField(result.values[c.column] ?? null) + ',';
    const extra = Object.keys(result.extra).length > 0 ? csvField(JSON.stringify(result.extra)) : '';
    line += lineage + row.rowNumber + ',' + extra + '\n';
    return { line, partition: partitionColumn ? result.values[partitionColumn]! : null };
  };
  return { encode, counts };
}

export async function loadFile(
  client: pg.ClientBase,
  file: PlannedFile,
  batchId: number,
  ctx: ValidationContext,
  onProgress: (bytes: number) => void,
): Promise<FileLoadResult> {
  const spec = file.match.spec;
  const table = await openSourceTable(file.path);
  const rejects: Reject[] = [];
  const { encode, counts } = rowEncoder(file, batchId, ctx, rejects);
  const direct = spec.partitioned === true && !file.isCorrection;
  const loaded = direct
    ? await copyIntoPartitions(client, spec, table, encode, onProgress)
    : await copyThroughStage(client, file, table, encode, onProgress);
  onProgress(file.size);
  rejects.push(...loaded.fileRejects);
  rejects.sort((a, b) => a.rowNumber - b.rowNumber);
  const rowsLoaded = counts.written - new Set(loaded.fileRejects.map((r) => r.rowNumber)).size;
  return { rowsRead: counts.read, rowsLoaded, rejects, format: table.format };
}

type Encode = ReturnType<typeof rowEncoder>['encode'];

const columnsOf = (spec: KindSpec) => [...spec.columns.map((c) => c.column), ...LINEAGE_COLUMNS.map((c) => c.column)];

/**
 * Kinds with file-wide checks or keyed replacement: COPY into a temporary
 * table, check, then replace what the export supersedes.
 */
async function copyThroughStage(client: pg.ClientBase, file: PlannedFile, table: SourceTable, encode: Encode, onProgress: (bytes: number) => void) {
  const spec = file.match.spec;
  await client.query(`drop table if exists ${STAGE}; create temp table load_stage (like raw.${spec.table})`);
  const partitionValues = new Set<string>();
  async function* chunks() {
    for await (const batch of table.batches) {
      let chunk = '';
      for (const row of batch) {
        const encoded = encode(row);
        if (!encoded) continue;
        if (encoded.partition !== null) partitionValues.add(encoded.partition);
        chunk += encoded.line;
      }
      if (chunk) yield chunk;
      onProgress(table.bytesRead());
    }
  }
  await copyLines(client, STAGE, columnsOf(spec), chunks());
  const fileRejects = await fileLevelRejects(client, spec);
  await (file.isCorrection ? applyCorrection(client, spec, STAGE) : replaceIntoRaw(client, spec, [...partitionValues]));
  await client.query(`drop table ${STAGE}`);
  return { fileRejects };
}

/**
 * Monthly facts: the partitions of the months the export starts with are
 * replaced first and its rows COPYed straight into them, written once. Rows of
 * a month first seen later in the file wait in memory until the COPY ends, then
 * their partitions are replaced and they follow.
 */
async function copyIntoPartitions(client: pg.ClientBase, spec: KindSpec, table: SourceTable, encode: Encode, onProgress: (bytes: number) => void) {
  const batches = table.batches[Symbol.asyncIterator]();
  const first = await batches.next();
  const firstRows = first.done ? [] : first.value.map(encode);
  const ready = new Set(firstRows.flatMap((r) => (r ? [r.partition!] : [])));
  await replacePartitions(client, spec, [...ready]);
  const later = new Map<string, string[]>();
  const route = (encoded: ReturnType<Encode>): string => {
    if (!encoded) return '';
    if (ready.has(encoded.partition!)) return encoded.line;
    const waiting = later.get(encoded.partition!) ?? [];
    waiting.push(encoded.line);
    later.set(encoded.partition!, waiting);
    return '';
  };
  async function* chunks() {
    yield firstRows.map(route).join('');
    for (;;) {
      const next = await batches.next();
      if (next.done) return;
      let chunk = '';
      for (const row of next.value) chunk += route(encode(row));
      if (chunk) yield chunk;
      onProgress(table.bytesRead());
    }
  }
  await copyLines(client, `raw.${spec.table}`, columnsOf(spec), chunks());
  if (later.size > 0) {
    await replacePartitions(client, spec, [...later.keys()]);
    async function* rest() {
      for (const lines of later.values()) yield lines.join('');
    }
    await copyLines(client, `raw.${spec.table}`, columnsOf(spec), rest());
  }
  return { fileRejects: [] as Reject[] };
}

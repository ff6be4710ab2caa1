// Loads one export into its raw table inside the caller's transaction:
// validate every row, COPY the good ones into a temporary table, apply the
// checks that need the whole file, then replace what this export supersedes.
import type pg from 'pg';
import type { KindSpec } from '../formats/kinds.ts';
import { validateRow, type ValidationContext } from '../formats/validate.ts';
import { openSourceTable } from '../read/index.ts';
import { LINEAGE_COLUMNS } from '../../warehouse/schema.ts';
import { copyLines, csvLine } from './copy-rows.ts';
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

export async function loadFile(
  client: pg.ClientBase,
  file: PlannedFile,
  batchId: number,
  ctx: ValidationContext,
  onProgress: (bytes: number) => void,
): Promise<FileLoadResult> {
  const spec = file.match.spec;
  const table = await openSourceTable(file.path);
  await client.query(`drop table if exists ${STAGE}; create temp table load_stage (like raw.${spec.table})`);

  const columns = [...spec.columns.map((c) => c.column), ...LINEAGE_COLUMNS.map((c) => c.column)];
  const rejects: Reject[] = [];
  let rowsRead = 0;
  let rowsWritten = 0;
  let lastReport = 0;
  // the months (dates, batches) this export holds, to replace them without asking the database
  const partitionColumn = spec.replace.by === 'partition' ? spec.replace.column : null;
  const partitionValues = new Set<string>();
  // one COPY chunk per batch of source rows
  async function* chunks() {
    for await (const batch of table.batches) {
      let chunk = '';
      for (const row of batch) {
        rowsRead++;
        const result = validateRow(file.match, row.cells, ctx);
        if (!result.ok) {
          const rowData = sourceRowData(file.match.positions, row.cells);
          for (const e of result.errors) rejects.push({ rowNumber: row.rowNumber, column: e.column, value: e.value, reason: e.reason, rowData });
          continue;
        }
        const extra = Object.keys(result.extra).length > 0 ? JSON.stringify(result.extra) : null;
        rowsWritten++;
        if (partitionColumn) partitionValues.add(result.values[partitionColumn]!);
        chunk += csvLine([...spec.columns.map((c) => result.values[c.column] ?? null), batchId, file.name, row.rowNumber, extra]);
      }
      if (chunk) yield chunk;
      if (rowsRead - lastReport >= 5000) {
        lastReport = rowsRead;
        onProgress(table.bytesRead());
      }
    }
  }
  await copyLines(client, STAGE, columns, chunks());
  onProgress(file.size);

  const fileRejects = await fileLevelRejects(client, spec);
  rejects.push(...fileRejects);
  await (file.isCorrection ? applyCorrection(client, spec, STAGE) : replaceIntoRaw(client, spec, [...partitionValues]));
  await client.query(`drop table ${STAGE}`);
  rejects.sort((a, b) => a.rowNumber - b.rowNumber);
  const rowsLoaded = rowsWritten - new Set(fileRejects.map((r) => r.rowNumber)).size;
  return { rowsRead, rowsLoaded, rejects, format: table.format };
}

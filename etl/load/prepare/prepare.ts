// Turns one source file into what the loader sends to PostgreSQL: the COPY
// data of its good rows, in segments, and its rejected rows. Pure CPU work with
// no database, so it runs on a worker thread (see pool.ts) while the loader
// COPYs the previous file.
import type { HeaderMatch } from '../../formats/detect.ts';
import { kindByNumber } from '../../formats/kinds.ts';
import type { ValidationContext } from '../../formats/validate.ts';
import { openSourceTable, type LineCount } from '../../read/index.ts';
import { correctionReplaceRule } from '../../rejects/read-correction.ts';
import type { PlannedFile } from '../plan.ts';
import { monthRule } from '../changes.ts';
import { rowEncoder, type Reject } from './encode.ts';

/** What a worker needs to prepare a file: plain data, so it can be posted to a thread. */
export interface PrepareJob {
  path: string;
  name: string;
  kind: number;
  isCorrection: boolean;
  /** The file's header → column position (correction bookkeeping columns already left out). */
  positions: [string, number][];
  extraHeaders: string[];
  batchId: number;
  /** Region codes the rows may use; null while loading the regions themselves. */
  regionCodes: string[] | null;
}

/**
 * - `segment`: replace these partitions, then COPY the data that follows into
 *   the raw table (kinds replaced by partition, not corrections). A file's rows
 *   of months first seen late in the file come in a second segment.
 * - `data`: COPY data (UTF-8 CSV lines); `bytesRead` of the file so far.
 * - `done`: the file is read.
 */
export type PreparedEvent =
  | { type: 'segment'; partitions: string[] }
  | { type: 'data'; data: Uint8Array; bytesRead: number }
  /** `months`: of the rows written, by the kind's month rule (changes.ts), when they differ from the partition values. */
  | { type: 'done'; rowsRead: number; rowsWritten: number; rejects: Reject[]; format: string; lines: LineCount; months: string[] | null };

/** The job of a planned file. */
export function prepareJob(file: PlannedFile, batchId: number, regionCodes: string[] | null): PrepareJob {
  return {
    path: file.path,
    name: file.name,
    kind: file.match.spec.kind,
    isCorrection: file.isCorrection,
    positions: [...file.match.positions],
    extraHeaders: file.match.extraHeaders,
    batchId,
    regionCodes,
  };
}

export function jobMatch(job: PrepareJob): HeaderMatch {
  const kind = kindByNumber(job.kind);
  return {
    spec: job.isCorrection ? { ...kind, replace: correctionReplaceRule(kind) } : kind,
    positions: new Map(job.positions),
    extraHeaders: job.extraHeaders,
  };
}

/** Whether the file's rows go straight into the partitions they replace (else through a staging table). */
export const copiesIntoPartitions = (match: HeaderMatch, isCorrection: boolean): boolean => match.spec.replace.by === 'partition' && !isCorrection;

/**
 * The month columns whose months in the written rows the loader needs
 * (ChangeRecorder.written): for rows COPYed straight into their partitions
 * when the kind's months are not the partition values themselves (the benefit
 * months of a payment batch); null when the loader needs none.
 */
function writtenMonthColumns(match: HeaderMatch, isCorrection: boolean): readonly string[] | null {
  if (!copiesIntoPartitions(match, isCorrection) || match.spec.replace.by !== 'partition') return null;
  const rule = monthRule(match.spec);
  if ('unbounded' in rule) return null;
  if (rule.columns.length === 1 && rule.columns[0] === match.spec.replace.column) return null;
  return rule.columns;
}

const utf8 = new TextEncoder();

export async function* prepareFile(job: PrepareJob): AsyncGenerator<PreparedEvent> {
  const match = jobMatch(job);
  const ctx: ValidationContext = { regionCodes: job.regionCodes ? new Set(job.regionCodes) : null };
  const table = await openSourceTable(job.path);
  const rejects: Reject[] = [];
  const monthColumns = writtenMonthColumns(match, job.isCorrection);
  const { encode, counts, state, months } = rowEncoder(match, job.batchId, ctx, rejects, monthColumns ?? []);
  const data = (lines: string[]): PreparedEvent => ({ type: 'data', data: utf8.encode(lines.join('')), bytesRead: table.bytesRead() });

  if (!copiesIntoPartitions(match, job.isCorrection)) {
    for await (const batch of table.batches) {
      const lines: string[] = [];
      for (const row of batch) {
        const line = encode(row);
        if (line !== null) lines.push(line);
      }
      if (lines.length > 0) yield data(lines);
    }
  } else {
    // The partitions of the months the file's first batch holds are replaced
    // first and its rows COPYed straight into them. Rows of a month first seen
    // later wait in memory until the end, then their partitions are replaced
    // and they follow.
    const batches = table.batches[Symbol.asyncIterator]();
    const first = await batches.next();
    const firstLines: [string, string][] = [];
    for (const row of first.done ? [] : first.value) {
      const line = encode(row);
      if (line !== null) firstLines.push([line, state.partition!]);
    }
    const ready = new Set(firstLines.map(([, partition]) => partition));
    yield { type: 'segment', partitions: [...ready] };
    const later = new Map<string, string[]>();
    const route = (line: string, partition: string, now: string[]) => {
      if (ready.has(partition)) now.push(line);
      else (later.get(partition) ?? later.set(partition, []).get(partition)!).push(line);
    };
    if (firstLines.length > 0) yield data(firstLines.map(([line]) => line));
    for (let next = await batches.next(); !next.done; next = await batches.next()) {
      const lines: string[] = [];
      for (const row of next.value) {
        const line = encode(row);
        if (line !== null) route(line, state.partition!, lines);
      }
      if (lines.length > 0) yield data(lines);
    }
    if (later.size > 0) {
      yield { type: 'segment', partitions: [...later.keys()] };
      for (const lines of later.values()) yield data(lines);
    }
  }
  // Every data row the reader found was either written or rejected: a row lost
  // between them fails the load rather than going unnoticed.
  const lines = table.lineCount();
  const rejectedRows = new Set(rejects.map((r) => r.rowNumber)).size;
  if (lines.rows !== counts.read || counts.written + rejectedRows !== counts.read) {
    throw new Error(`行数核对不一致：读取 ${counts.read} 行（文件中数据行 ${lines.rows} 行），导入 ${counts.written} 行，拒收 ${rejectedRows} 行`);
  }
  yield { type: 'done', rowsRead: counts.read, rowsWritten: counts.written, rejects: rejects.sort((a, b) => a.rowNumber - b.rowNumber), format: table.format, lines, months: monthColumns ? [...months].sort() : null };
}

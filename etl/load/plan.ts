// Before anything is written: which files, what kind each is, and whether any must be refused.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { detectKind, type HeaderMatch } from '../formats/detect.ts';
import { isSupportedFile, openSourceTable } from '../read/index.ts';
import { CORRECTION_WORKBOOK_MAX_BYTES, correctionMatch, discardTemporaryFiles, isCorrectionHeaders, planCorrectionWorkbook } from '../rejects/read-correction.ts';

export interface PlannedFile {
  path: string;
  name: string;
  size: number;
  sha256: string;
  match: HeaderMatch;
  /**
   * A correction (补正) file, its headers include 补正来源: its rows replace the
   * loaded rows with the same identity, not whole partitions (load-file.ts calls
   * applyCorrection; `match.spec.replace` is the identity, so duplicates within
   * the file are rejected); see etl/rejects/read-correction.ts.
   */
  isCorrection: boolean;
  /** A worksheet of a correction workbook, read from a temporary copy at `path`: "<workbook>#<worksheet>". */
  origin?: string;
  /** The temporary directory of `path`, deleted by `discardPlan` after the load. */
  temporaryDir?: string;
}

export interface RefusedFile {
  path: string;
  reason: string;
}

export class LoadRefusedError extends Error {
  constructor(readonly refused: RefusedFile[]) {
    super(`以下文件被拒绝，本次未导入任何数据：\n${refused.map((r) => `- ${r.path}：${r.reason}`).join('\n')}`);
  }
}

async function expand(p: string): Promise<string[]> {
  const s = await stat(p).catch(() => null);
  if (!s) throw new LoadRefusedError([{ path: p, reason: '文件或目录不存在' }]);
  if (!s.isDirectory()) return [p];
  const entries = await readdir(p, { withFileTypes: true });
  const nested = await Promise.all(entries.filter((e) => !e.name.startsWith('.')).map((e) => {
    const full = path.join(p, e.name);
    return e.isDirectory() ? expand(full) : Promise.resolve(isSupportedFile(full) ? [full] : []);
  }));
  return nested.flat();
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const PLAN_CONCURRENCY = 4;

interface FileOutcome {
  planned: PlannedFile[];
  refused: RefusedFile[];
}

/** `fn` over `items`, at most `limit` at a time; results in the order of `items`. */
async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** One file's kind, size and checksum, or why it is refused (a correction workbook plans as its worksheets). */
async function planFile(file: string): Promise<FileOutcome> {
  const outcome: FileOutcome = { planned: [], refused: [] };
  if (!isSupportedFile(file)) {
    outcome.refused.push({ path: file, reason: '不支持的文件类型：仅支持 .csv 和 .xlsx' });
    return outcome;
  }
  try {
    const xlsx = path.extname(file).toLowerCase() === '.xlsx';
    const opened = await openSourceTable(file).then((t) => ({ table: t, error: null }), (e: unknown) => ({ table: null, error: e }));
    // A correction workbook: every worksheet is loaded. It is read whole, also when
    // exceljs' streaming reader fails on it (it does on some multi-sheet workbooks).
    const correctionWorkbook = xlsx && (opened.table ? isCorrectionHeaders(opened.table.headers) : (await stat(file)).size <= CORRECTION_WORKBOOK_MAX_BYTES);
    if (correctionWorkbook) {
      if (opened.table) for await (const _ of opened.table.rows) break;
      // after a streaming failure this only tries whether it is a correction workbook
      const sheets = opened.table ? await planCorrectionWorkbook(file) : await planCorrectionWorkbook(file).catch(() => null);
      if (opened.table && !sheets) throw new Error('无法读取补正工作簿的工作表');
      if (sheets) {
        outcome.planned.push(...sheets.planned);
        outcome.refused.push(...sheets.refused);
        return outcome;
      }
    }
    if (!opened.table) throw opened.error;
    const table = opened.table;
    const isCorrection = isCorrectionHeaders(table.headers);
    const match = detectKind(table.headers);
    // release the stream: only the header was needed
    for await (const _ of table.rows) break;
    outcome.planned.push({ path: file, name: path.basename(file), size: (await stat(file)).size, sha256: await sha256Of(file), match: isCorrection ? correctionMatch(match) : match, isCorrection });
  } catch (e) {
    outcome.refused.push({ path: file, reason: (e as Error).message });
  }
  return outcome;
}

/** Lists the files under `paths` (directories are searched for CSV/XLSX) and detects each one's kind. */
export async function planLoad(paths: readonly string[]): Promise<PlannedFile[]> {
  const files = [...new Set((await Promise.all(paths.map(expand))).flat().map((f) => path.resolve(f)))].sort();
  const planned: PlannedFile[] = [];
  const refused: RefusedFile[] = [];
  // A few files at a time: opening a file and hashing it is mostly waiting for the disk.
  const outcomes = await mapWithConcurrency(files, PLAN_CONCURRENCY, planFile);
  for (const outcome of outcomes) {
    planned.push(...outcome.planned);
    refused.push(...outcome.refused);
  }
  if (refused.length > 0 || planned.length === 0) await discardPlan(planned);
  if (refused.length > 0) throw new LoadRefusedError(refused);
  if (planned.length === 0) throw new LoadRefusedError(paths.map((p) => ({ path: p, reason: '没有找到 CSV 或 XLSX 文件' })));
  // corrections after the exports they correct, so a full export in the same load does not wipe them
  return planned.sort((a, b) => a.match.spec.order - b.match.spec.order || Number(a.isCorrection) - Number(b.isCorrection) || (a.origin ?? a.path).localeCompare(b.origin ?? b.path));
}

/** Deletes what planning made for the load (the worksheet copies of correction workbooks). */
export async function discardPlan(planned: readonly PlannedFile[]): Promise<void> {
  await discardTemporaryFiles(planned);
}

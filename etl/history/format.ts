// The load history as a person reads it on a terminal (Chinese, aligned tables).
import { escapeControls, terminalText } from '../formats/control-chars.ts';
import { STATUS_TEXT, type Batch, type BatchFile } from './query.ts';
import { formatCount, renderTable, type Column } from './text-table.ts';

const SHORT_SHA = 12;

const two = (n: number) => String(n).padStart(2, '0');

/** Local time of the machine running the command, YYYY-MM-DD HH:mm:ss. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} 秒`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} 分 ${two(s % 60)} 秒`;
  return `${Math.floor(s / 3600)} 小时 ${two(Math.floor((s % 3600) / 60))} 分`;
}

export interface LineAccount {
  lines: number;
  blankRows: number;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
}

/**
 * How every line of a file is accounted for: "文件 12 行 = 表头 1 + 数据 10（导入 9 + 拒收 1）+ 空行 1".
 * What is neither data nor blank is the header (and line breaks inside quoted values).
 */
export function lineAccountText(a: LineAccount): string {
  const other = a.lines - a.blankRows - a.rowsRead;
  const parts = [`${other === 1 ? '表头' : '表头及值内换行'} ${formatCount(other)}`, `数据 ${formatCount(a.rowsRead)}（导入 ${formatCount(a.rowsLoaded)} + 拒收 ${formatCount(a.rowsRejected)}）`];
  if (a.blankRows > 0) parts.push(`空行 ${formatCount(a.blankRows)}`);
  return `文件 ${formatCount(a.lines)} 行 = ${parts.join(' + ')}`;
}

/** Months as runs: "2025-01 至 2025-03、2025-06" (YYYY-MM-01 in, sorted). */
export function monthsText(months: readonly string[]): string {
  const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7));
  const runs: [string, string][] = [];
  for (const m of months) {
    const last = runs.at(-1);
    if (last && index(m) === index(last[1]) + 1) last[1] = m;
    else runs.push([m, m]);
  }
  return runs.map(([a, b]) => (a === b ? a.slice(0, 7) : `${a.slice(0, 7)} 至 ${b.slice(0, 7)}`)).join('、');
}

/** What a file changed, for the files table. */
function fileChanges(f: BatchFile): string {
  if (f.changesUnbounded) return '全部月份';
  if (f.changedMonths === null) return '-';
  return f.changedMonths.length === 0 ? '无' : monthsText(f.changedMonths);
}

/** How the models were rebuilt by the batch. */
function refreshText(b: Batch): string | null {
  if (b.fullRefresh) return `  数据模型：全部重建（${b.fullRefresh}）`;
  if (b.changedMonths === null) return null;
  if (b.changedMonths.length === 0) return '  数据模型：增量构建，没有月份的数据变化';
  return `  数据模型：增量重建 ${b.changedMonths.length} 个月（${monthsText(b.changedMonths)}）`;
}

function fileNote(f: BatchFile): string {
  const parts: string[] = [];
  if (f.changesUnbounded) parts.push(f.changesUnbounded);
  if (f.isCorrection) parts.push('补正文件');
  if (f.forced) parts.push('强制重新导入');
  if (f.note) parts.push(f.note);
  return parts.join('；');
}

const fileLines = (f: BatchFile) => (f.linesTotal === null ? '-' : formatCount(f.linesTotal));

const outcomeText = (f: BatchFile) => (f.outcome === 'skipped' ? '跳过' : '已导入');

function batchHeading(b: Batch): string[] {
  const who = terminalText(b.host ? `${b.runBy}@${b.host}` : b.runBy);
  const lines = [`批次 ${b.batchId}  ${b.statusText}  执行人 ${who}  开始 ${formatTime(b.startedAt)}  用时 ${formatDuration(b.durationSeconds)}${b.finishedAt ? '' : '（尚未结束）'}`];
  if (b.status === 'succeeded') {
    const loaded = b.files.filter((f) => f.outcome === 'loaded').length;
    const skipped = b.files.length - loaded;
    lines.push(`  文件 ${b.files.length} 个（导入 ${loaded}，跳过 ${skipped}）；读取 ${formatCount(b.rowsRead)} 行，导入 ${formatCount(b.rowsLoaded)} 行，拒收 ${formatCount(b.rowsRejected)} 行（导入 + 拒收 = 读取）`);
  }
  const refresh = b.status === 'succeeded' ? refreshText(b) : null;
  if (refresh) lines.push(refresh);
  if (b.error) lines.push(`  错误：${escapeControls(b.error).replace(/\r?\n/g, '\n        ')}`);
  return lines;
}

function filesTable(b: Batch, full: boolean): string {
  const columns: Column[] = [
    { title: '文件', maxWidth: full ? undefined : 44 },
    { title: '类型' },
    { title: '格式' },
    ...(full ? [] : [{ title: 'SHA-256' }]),
    { title: '结果' },
    { title: '读取', align: 'right' as const },
    { title: '导入', align: 'right' as const },
    { title: '拒收', align: 'right' as const },
    { title: '说明', maxWidth: full ? undefined : 60 },
    { title: '变更月份', maxWidth: full ? undefined : 30 },
    { title: '文件行数', align: 'right' as const },
  ];
  const rows = b.files.map((f) => [
    f.name,
    `${f.kind}.${f.kindTitle}`,
    f.format || '-',
    ...(full ? [] : [f.sha256.slice(0, SHORT_SHA)]),
    outcomeText(f),
    formatCount(f.rowsRead),
    formatCount(f.rowsLoaded),
    formatCount(f.rowsRejected),
    fileNote(f),
    fileChanges(f),
    fileLines(f),
  ]);
  return renderTable(columns, rows, '  ');
}

function noFiles(b: Batch): string[] {
  const why = b.statusText === STATUS_TEXT.running ? '导入尚未结束，文件在提交时记录' : '文件记录随事务回滚';
  return [`  （没有文件记录：${why}）导入路径：${terminalText(b.paths.join('、')) || '-'}`];
}

/** The list of `history`: each batch with its files (short checksums). */
export function formatHistory(batches: readonly Batch[]): string {
  if (batches.length === 0) return '还没有任何导入记录。';
  const out: string[] = [`导入记录（最近 ${batches.length} 批，最新的在前）`];
  for (const b of batches) {
    out.push('', ...batchHeading(b));
    if (b.files.length > 0) out.push(filesTable(b, false));
    else out.push(...noFiles(b));
  }
  return out.join('\n');
}

/** `history BATCH`: one batch in full, with whole checksums and paths. */
export function formatBatch(b: Batch): string {
  const out: string[] = [...batchHeading(b)];
  out.push(`  开始 ${formatTime(b.startedAt)}，结束 ${b.finishedAt ? formatTime(b.finishedAt) : '-'}`);
  out.push(`  导入路径：${terminalText(b.paths.join('、')) || '-'}`);
  if (b.files.length === 0) {
    out.push(...noFiles(b));
    return out.join('\n');
  }
  out.push('', filesTable(b, true));
  const accounted = b.files.filter((f) => f.outcome === 'loaded' && f.linesTotal !== null);
  if (accounted.length > 0) {
    out.push('', '  每一行的去向（行数 = 表头 + 数据 + 空行；数据 = 导入 + 拒收）：');
    for (const f of accounted) out.push(`  ${terminalText(f.name)}：${lineAccountText({ lines: f.linesTotal!, blankRows: f.blankRows ?? 0, rowsRead: f.rowsRead, rowsLoaded: f.rowsLoaded, rowsRejected: f.rowsRejected })}`);
  }
  out.push('', '  文件校验值（SHA-256）与位置：');
  out.push(renderTable([{ title: '文件' }, { title: 'SHA-256' }, { title: '位置' }], b.files.map((f) => [f.name, f.sha256, f.path]), '  '));
  const rejected = b.files.reduce((n, f) => n + f.rowsRejected, 0);
  if (rejected > 0) out.push('', `  拒收的行：npm run etl -- rejects ${b.batchId}（导出补正表：加 --export 文件.xlsx）`);
  return out.join('\n');
}

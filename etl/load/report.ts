// What a person running `npm run etl -- load` sees: a progress bar on a
// terminal, and a summary per file with the first rejected rows.
import cliProgress from 'cli-progress';
import { terminalText } from '../formats/control-chars.ts';
import { lineAccountText, monthsText } from '../history/format.ts';
import type { FileReport, LoadOptions, LoadReport } from './batch.ts';

const MAX_REJECTS_SHOWN = 20;

export function createLoadProgress(stream: NodeJS.WriteStream = process.stderr) {
  const bar = stream.isTTY
    ? new cliProgress.SingleBar({ format: '{file} |{bar}| {percentage}% | 文件 {index}/{total}', hideCursor: true, stream, clearOnComplete: true }, cliProgress.Presets.shades_classic)
    : null;
  let started = false;
  const callbacks: Pick<LoadOptions, 'onFileStart' | 'onProgress'> = {
    onFileStart(file, index, total) {
      if (!bar) {
        stream.write(`[${index + 1}/${total}] ${terminalText(file.name)}（${file.match.spec.title}）\n`);
        return;
      }
      if (started) bar.stop();
      bar.start(Math.max(file.size, 1), 0, { file: terminalText(file.name), index: index + 1, total });
      started = true;
    },
    onProgress(_file, bytes) {
      bar?.update(bytes);
    },
  };
  return {
    callbacks,
    log(msg: string) {
      if (bar && started) {
        bar.stop();
        started = false;
      }
      stream.write(`${msg}\n`);
    },
    stop() {
      if (bar && started) bar.stop();
    },
  };
}

const n = (x: number) => x.toLocaleString('zh-CN');
/** Text from a file (names, values, reasons quoting values) on one terminal line, escape sequences written out. */
const t = (x: string | null | undefined) => terminalText(x ?? '');

const accountOf = (f: FileReport) =>
  f.lines ? lineAccountText({ lines: f.lines.lines, blankRows: f.lines.blankRows, rowsRead: f.rowsRead, rowsLoaded: f.rowsLoaded, rowsRejected: f.rowsRejected }) : null;

export function formatLoadSummary(report: LoadReport): string {
  const lines: string[] = [`导入批次 ${report.batchId} 完成${report.modelsRun ? `（数据模型与测试用时 ${report.modelSeconds.toFixed(1)} 秒）` : '（没有新数据，未重建模型）'}`];
  if (report.refresh) {
    const { full, months } = report.refresh;
    lines.push(full ? `数据模型全部重建（${full}）` : months.length > 0 ? `数据模型增量重建 ${months.length} 个月（${monthsText(months)}）` : '数据模型增量构建：没有月份的数据变化');
  }
  lines.push('文件 | 类型 | 读取 | 导入 | 拒收 | 文件行数 | 说明');
  for (const f of report.files) {
    const note = [f.format, f.note].filter(Boolean).join('；');
    lines.push(`${t(f.name)} | ${f.kind}.${f.kindTitle} | ${n(f.rowsRead)} | ${n(f.rowsLoaded)} | ${n(f.rowsRejected)} | ${f.lines ? n(f.lines.lines) : '-'} | ${t(note)}`);
  }
  const total = (k: 'rowsRead' | 'rowsLoaded' | 'rowsRejected') => report.files.reduce((s, f) => s + f[k], 0);
  lines.push(`合计 | | ${n(total('rowsRead'))} | ${n(total('rowsLoaded'))} | ${n(total('rowsRejected'))} | |`);
  const accounted = report.files.filter((f) => f.lines);
  if (accounted.length > 0) {
    // checked by the load itself: a file whose lines do not add up fails the load
    lines.push('', '每一行的去向（文件行数 = 表头 + 数据 + 空行；数据 = 导入 + 拒收，已逐个文件核对）：');
    for (const f of accounted) lines.push(`  ${t(f.name)}：${accountOf(f)}`);
  }
  const rejected = report.files.flatMap((f) => f.rejects.map((r) => ({ file: f.name, ...r })));
  if (rejected.length > 0) {
    lines.push('', `拒收的行（文件、行号、列、原因），共 ${n(rejected.length)} 处${rejected.length > MAX_REJECTS_SHOWN ? `，以下为前 ${MAX_REJECTS_SHOWN} 处` : ''}：`);
    for (const r of rejected.slice(0, MAX_REJECTS_SHOWN)) {
      lines.push(`  ${t(r.file)} 第 ${r.rowNumber} 行 [${t(r.column ?? '-')}] ${t(r.reason)}${r.value ? `（值："${t(r.value)}"）` : ''}`);
    }
  }
  if (report.rectificationConflicts.length > 0) {
    lines.push('', `整改问题导入冲突 ${n(report.rectificationConflicts.length)} 处（应用内的修改晚于文件，保留应用内的值）：`);
    for (const c of report.rectificationConflicts.slice(0, MAX_REJECTS_SHOWN)) {
      lines.push(`  ${t(c.number)} [${t(c.field)}] 文件："${t(c.fileValue)}"，应用内："${t(c.applicationValue)}"`);
    }
  }
  return lines.join('\n');
}

export function printLoadSummary(report: LoadReport): void {
  console.log(formatLoadSummary(report));
}

// The rejected rows of a batch as a person reads them on a terminal, grouped by file.
import { terminalText } from '../formats/control-chars.ts';
import { formatCount, renderTable } from '../history/text-table.ts';
import type { BatchRejects } from './query.ts';

/** `rejects`: per file, one line per rejected cell (row, column, value, reason); at most `limit` rows per file. */
export function formatRejects(rejects: BatchRejects, limit: number): string {
  const rows = rejects.files.reduce((n, f) => n + f.rows.length, 0);
  const cells = rejects.files.reduce((n, f) => n + f.rows.reduce((m, r) => m + r.errors.length, 0), 0);
  const out = [`批次 ${rejects.batchId} 的拒收行：${rejects.files.length} 个文件，${formatCount(rows)} 行，${formatCount(cells)} 处错误`];
  for (const file of rejects.files) {
    out.push('', `${terminalText(file.fileName)}（${file.kind}.${file.kindTitle}）：拒收 ${formatCount(file.rows.length)} 行`);
    const shown = file.rows.slice(0, limit);
    const lines = shown.flatMap((r) => r.errors.map((e, i) => [i === 0 ? `第 ${r.rowNumber} 行` : '', e.column ?? '-', e.value ?? '', e.reason]));
    out.push(renderTable([{ title: '行' }, { title: '列' }, { title: '值', maxWidth: 30 }, { title: '原因' }], lines, '  '));
    if (file.rows.length > shown.length) out.push(`  ……另有 ${formatCount(file.rows.length - shown.length)} 行未显示（--limit 调整显示行数）`);
  }
  out.push('', `导出补正表（原表头与原值，改正后可直接重新导入）：npm run etl -- rejects ${rejects.batchId} --export 补正-批次${rejects.batchId}.xlsx`);
  return out.join('\n');
}

// Checks a reader makes on every row before the loader sees it, for problems
// that are about the file rather than a column's type: cells without a header,
// control characters, over-long fields. Each becomes a row-level reject with a
// reason; nothing is dropped without a word.
import { CONTROL_CHARS, describeControls, escapeControls } from '../formats/control-chars.ts';
import type { CellValue } from '../formats/values.ts';
import { MAX_FIELD_CHARS } from './csv-parse.ts';
import type { RowIssue } from './types.ts';

/** Characters of a rejected value kept in the reject table and shown. */
const SHOWN_VALUE_CHARS = 200;

/** A value as stored with a reject: control characters written out, long text cut. */
export function shownValue(text: string, length = text.length): string {
  const cut = text.length > SHOWN_VALUE_CHARS ? `${text.slice(0, SHOWN_VALUE_CHARS)}…（共 ${length.toLocaleString('zh-CN')} 个字符）` : text;
  return escapeControls(cut);
}

const isBlankCell = (cell: CellValue) => cell === null || (typeof cell === 'string' && cell.trim() === '');

export function columnName(headers: readonly string[], i: number): string {
  const h = headers[i]?.replace(/^\uFEFF/, '').trim();
  return h ? h : `第 ${i + 1} 列（无表头）`;
}

export function longFieldIssue(headers: readonly string[], i: number, text: string, length: number): RowIssue {
  return { column: columnName(headers, i), value: shownValue(text, length), reason: `值过长：${length.toLocaleString('zh-CN')} 个字符，超过单元格上限 ${MAX_FIELD_CHARS.toLocaleString('zh-CN')} 个字符` };
}

/** Row checks compiled once per file from its header row. */
export function rowChecks(headers: readonly string[]) {
  const width = headers.length;
  const blankHeaders = headers.flatMap((h, i) => (h.replace(/^\uFEFF/, '').trim() === '' ? [i] : []));

  /** Cells with a value under no header: beyond the header row, or under an empty header cell. */
  function unlabelled(cells: readonly CellValue[], issues: RowIssue[] | undefined): RowIssue[] | undefined {
    if (cells.length <= width && blankHeaders.length === 0) return issues;
    const found: number[] = [];
    for (const i of blankHeaders) if (i < cells.length && !isBlankCell(cells[i]!)) found.push(i);
    for (let i = width; i < cells.length; i++) if (!isBlankCell(cells[i]!)) found.push(i);
    if (found.length === 0) return issues;
    const out = issues ?? [];
    for (const i of found) {
      const reason = i >= width
        ? `该行第 ${i + 1} 列有值，但表头只有 ${width} 列：这个值不属于任何列（可能多了分隔符或少了表头）`
        : `第 ${i + 1} 列的表头为空，但该行在这一列有值：这个值不属于任何列`;
      out.push({ column: columnName(headers, i), value: shownValue(String(cells[i])), reason });
    }
    return out;
  }

  /** Text cells holding a control character (NUL, ESC, …). */
  function controls(cells: readonly CellValue[], issues: RowIssue[] | undefined): RowIssue[] | undefined {
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i];
      if (typeof cell !== 'string' || !CONTROL_CHARS.test(cell)) continue;
      (issues ??= []).push({ column: columnName(headers, i), value: shownValue(cell), reason: `含有控制字符 ${describeControls(cell)}：导出文件中不应有这类不可见字符` });
    }
    return issues;
  }

  return { unlabelled, controls };
}

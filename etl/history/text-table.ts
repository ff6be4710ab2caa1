// Plain-text tables for a terminal, aligned for Chinese text: CJK and
// full-width characters take two columns. Cells come from exported files and
// may hold escape sequences: they are printed written out (\x1B), never raw.
import { terminalText } from '../formats/control-chars.ts';

/** East Asian wide and full-width code points (Unicode UAX #11, W and F). */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Columns `text` takes on a terminal. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x300 && cp <= 0x36f) || cp === 0x200b) continue;
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

/** Cuts `text` to at most `max` columns, marking the cut with …. */
export function truncate(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = '';
  let width = 0;
  for (const ch of text) {
    const w = displayWidth(ch);
    if (width + w > max - 1) break;
    out += ch;
    width += w;
  }
  return `${out}…`;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

export interface Column {
  title: string;
  align?: 'left' | 'right';
  /** Longer cells are cut with …. */
  maxWidth?: number;
}

/** Renders rows under a header line and a rule; the last column is not padded. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[], indent = ''): string {
  const oneLine = (c: string) => terminalText(c.replace(/\s+/g, ' '));
  const cells = rows.map((row) => row.map((c, i) => (columns[i]!.maxWidth ? truncate(oneLine(c), columns[i]!.maxWidth!) : oneLine(c))));
  const widths = columns.map((c, i) => Math.max(displayWidth(c.title), ...cells.map((r) => displayWidth(r[i] ?? ''))));
  const line = (values: readonly string[]) =>
    indent + values.map((v, i) => (i === values.length - 1 && (columns[i]!.align ?? 'left') === 'left' ? v : pad(v, widths[i]!, columns[i]!.align ?? 'left'))).join('  ').trimEnd();
  return [line(columns.map((c) => c.title)), indent + widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export const formatCount = (n: number): string => n.toLocaleString('zh-CN');

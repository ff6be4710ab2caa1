// Control characters in exported values: NUL cannot be stored in PostgreSQL
// text at all, and escape sequences (ESC …) printed on a terminal clear the
// screen or forge output. A value holding one is rejected with its row; any
// text from a file that is printed goes through `escapeControls`.

/* eslint-disable no-control-regex -- matching control characters is this module's job */

/** C0 controls other than tab and line breaks, DEL, and C1 controls. */
export const CONTROL_CHARS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;
const CONTROL_CHARS_ALL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;
/** The same and tab, LF and CR: what a one-line terminal text must not hold. */
const TERMINAL_UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/g;

const visible = (ch: string): string => {
  switch (ch) {
    case '\n': return '\\n';
    case '\r': return '\\r';
    case '\t': return '\\t';
    default: return `\\x${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  }
};

/** `text` with its control characters written out (`\x1B`, `\x00`); tab and line breaks kept. */
export function escapeControls(text: string): string {
  return CONTROL_CHARS.test(text) ? text.replace(CONTROL_CHARS_ALL, visible) : text;
}

/** `text` safe to print on one terminal line: every control character written out, line breaks too. */
export function terminalText(text: string): string {
  return text.replace(TERMINAL_UNSAFE, visible);
}

/** Names the control characters of a value for a reject reason, e.g. "NUL（\x00）、ESC（\x1B）". */
export function describeControls(text: string): string {
  const names: Record<number, string> = { 0: 'NUL', 7: 'BEL', 8: 'BS', 0x1b: 'ESC', 0x7f: 'DEL' };
  const seen = new Set<string>();
  for (const m of text.matchAll(CONTROL_CHARS_ALL)) {
    const code = m[0].charCodeAt(0);
    seen.add(`${names[code] ?? '控制字符'}（${visible(m[0])}）`);
    if (seen.size >= 3) break;
  }
  return [...seen].join('、');
}

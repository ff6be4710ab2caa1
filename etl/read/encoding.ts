// The text encoding of a CSV export, and decoding it chunk by chunk without
// ever replacing a byte it cannot decode: UTF-8 (with or without BOM), GBK as
// Excel in China saves it (decoded as GB18030, which includes GBK), and UTF-16
// with a BOM (Excel's "Unicode text"). The encoding is judged on the head of the
// file; every later byte is checked as it is decoded, and a byte that does not
// fit refuses the file naming its line: a `�` in the warehouse is a value lost
// without a word.
import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { SourceReadError } from './types.ts';

export type TextEncoding = 'UTF-8' | 'UTF-8 BOM' | 'GBK' | 'UTF-16LE' | 'UTF-16BE';

/** Bytes judged before reading: the header and a few thousand rows. */
const HEAD_BYTES = 256 * 1024;

const SAVE_AS = '请用 Excel 另存为"CSV UTF-8（逗号分隔）"后重新导入';

/** Line breaks (CRLF, LF or CR once each) in `text`, so the line of a position is breaks + 1. */
export function countLineBreaks(text: string, from = 0, to = text.length): number {
  let breaks = 0;
  for (let k = text.indexOf('\n', from); k >= 0 && k < to; k = text.indexOf('\n', k + 1)) breaks++;
  for (let k = text.indexOf('\r', from); k >= 0 && k < to; k = text.indexOf('\r', k + 1)) if (text.charCodeAt(k + 1) !== 10) breaks++;
  return breaks;
}

/**
 * Offset of the first byte that is not valid UTF-8, or -1; a character cut
 * off at the end counts as valid when `more` bytes follow.
 */
export function firstInvalidUtf8(bytes: Uint8Array, more: boolean): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    if (i + need >= n) {
      // cut off by the end of the chunk: judged with the next one
      if (!more) return i;
      for (let k = i + 1; k < n; k++) if ((bytes[k]! & 0xc0) !== 0x80) return i;
      return -1;
    }
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Length of `bytes` without a UTF-8 character cut off at its end (judged with the next chunk). */
function completeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = n - 1;
  while (i >= 0 && n - i <= 3 && (bytes[i]! & 0xc0) === 0x80) i--;
  if (i < 0) return n;
  const lead = bytes[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i + need > n ? i : n;
}

function hex(bytes: Uint8Array, at: number): string {
  return Array.from(bytes.subarray(at, at + 2), (b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(' ');
}

/** Line (1-based) of byte `offset` of an ASCII-compatible head: LF and lone CR are line breaks. */
function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let k = 0; k < offset; k++) {
    if (bytes[k] === 10) line++;
    else if (bytes[k] === 13 && bytes[k + 1] !== 10) line++;
  }
  return line;
}

/** The encoding of `file`, judged on its head; refuses a head that is neither UTF-8 nor GBK. */
export async function detectEncoding(file: string): Promise<TextEncoding> {
  const handle = await open(file, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'UTF-8 BOM';
  if (head[0] === 0xff && head[1] === 0xfe) return 'UTF-16LE';
  if (head[0] === 0xfe && head[1] === 0xff) return 'UTF-16BE';
  const more = head.length === HEAD_BYTES;
  if (isUtf8(more ? head.subarray(0, completeUtf8Length(head)) : head)) return 'UTF-8';
  const bad = firstInvalidUtf8(head, more);
  if (bad < 0) return 'UTF-8';
  // A header line that is whole, valid UTF-8 with Chinese in it says UTF-8: a
  // GBK header essentially never is. Such a file has a damaged byte further on.
  const firstBreak = head.indexOf(10);
  if (firstBreak > 0 && bad > firstBreak && head.subarray(0, firstBreak).some((b) => b >= 0x80)) {
    throw new SourceReadError(`文件是 UTF-8 编码，但第 ${lineOfByte(head, bad)} 行含有不是 UTF-8 的字节（${hex(head, bad)}）：文件可能损坏或混入了其他编码的内容，${SAVE_AS}`);
  }
  const gbk = new TextDecoder('gb18030').decode(head, { stream: more });
  const gbBad = gbk.indexOf('\uFFFD');
  if (gbBad < 0) return 'GBK';
  throw new SourceReadError(`文件编码无法识别：不是 UTF-8，也不是 GBK（第 ${countLineBreaks(gbk, 0, gbBad) + 1} 行起无法解码），${SAVE_AS}`);
}

/**
 * Decodes the chunks of a GBK or UTF-16 file in turn with a fatal
 * TextDecoder: a byte that does not fit throws InvalidTextError. (UTF-8, nearly
 * every export, is decoded by the file stream itself and checked for U+FFFD:
 * see csv.ts.)
 */
export class ChunkDecoder {
  private readonly decoder: TextDecoder;

  constructor(readonly encoding: Exclude<TextEncoding, 'UTF-8' | 'UTF-8 BOM'>) {
    const label = encoding === 'GBK' ? 'gb18030' : encoding === 'UTF-16LE' ? 'utf-16le' : 'utf-16be';
    // ignoreBOM: false drops a leading BOM of UTF-16
    this.decoder = new TextDecoder(label, { fatal: true, ignoreBOM: false });
  }

  decode(chunk: Uint8Array): string {
    try {
      return this.decoder.decode(chunk, { stream: true });
    } catch {
      throw new InvalidTextError(this.decodedBeforeBadByte(chunk));
    }
  }

  end(): string {
    try {
      return this.decoder.decode();
    } catch {
      throw new InvalidTextError('');
    }
  }

  /** The text of `chunk` before its first undecodable byte, to name the line. */
  private decodedBeforeBadByte(chunk: Uint8Array): string {
    const text = new TextDecoder(this.encoding === 'GBK' ? 'gb18030' : this.encoding.toLowerCase()).decode(chunk);
    const bad = text.indexOf('\uFFFD');
    return bad < 0 ? text : text.slice(0, bad);
  }
}

/** A byte the file's encoding cannot decode; `before` is the chunk's text up to it. */
export class InvalidTextError extends Error {
  constructor(readonly before: string) {
    super('invalid text');
  }
}

/** The refusal of a file with an undecodable byte on `line`. */
export function invalidTextMessage(encoding: TextEncoding, line: number): string {
  if (encoding === 'GBK') return `文件按 GBK 编码读取，但第 ${line} 行含有不是 GBK 的字节：文件可能损坏或混入了其他编码的内容（不是 UTF-8，也不是 GBK），${SAVE_AS}`;
  if (encoding.startsWith('UTF-16')) return `文件是 ${encoding} 编码，但第 ${line} 行含有无效的字符：文件可能已损坏，${SAVE_AS}`;
  return `文件是 UTF-8 编码，但第 ${line} 行含有不是 UTF-8 的字节（或替换字符 U+FFFD）：文件可能损坏或混入了其他编码的内容，${SAVE_AS}`;
}

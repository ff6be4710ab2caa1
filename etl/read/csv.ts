// Streams a CSV export (UTF-8 with or without BOM, or GBK as Excel in China
// saves it) through papaparse's parser, one chunk of text at a time.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { rowsOf, SourceReadError, type SourceRow, type SourceTable } from './types.ts';

const SNIFF_BYTES = 256 * 1024;
/** Text parsed per batch: a few thousand rows, large enough that per-batch costs vanish. */
const READ_CHUNK_BYTES = 64 * 1024;

/** UTF-8 unless the first bytes are not valid UTF-8, in which case GBK (GB18030 decodes GBK and more). */
export async function sniffEncoding(file: string): Promise<'utf8' | 'gb18030'> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buf, 0, SNIFF_BYTES, 0);
    const head = buf.subarray(0, bytesRead);
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
      return 'utf8';
    } catch {
      return 'gb18030';
    }
  } finally {
    await handle.close();
  }
}

/** The line ending of a file, from its first chunk of text (as papaparse guesses it). */
function lineEnding(text: string): '\r\n' | '\n' | '\r' {
  const lf = text.indexOf('\n');
  if (lf > 0 && text[lf - 1] === '\r') return '\r\n';
  if (lf < 0 && text.includes('\r')) return '\r';
  return '\n';
}

/**
 * Parsed records of a text stream, one batch per chunk of text. Papaparse's core
 * parser is driven chunk by chunk: pulling the next chunk only when the loader
 * asks for the next batch is the back-pressure, and no callback runs per row.
 */
async function* records(text: AsyncIterable<string>): AsyncGenerator<string[][]> {
  let parser: Papa.Parser | null = null;
  let partial = '';
  for await (const chunk of text) {
    const input = partial + chunk;
    parser ??= new Papa.Parser({ delimiter: ',', newline: lineEnding(input) });
    // ignoreLastRow: the last row may continue in the next chunk; it is kept for then
    const result = parser.parse(input, 0, true) as Papa.ParseResult<string[]>;
    partial = input.substring(result.meta.cursor);
    if (result.data.length > 0) yield result.data;
  }
  if (partial !== '') {
    parser ??= new Papa.Parser({ delimiter: ',', newline: lineEnding(partial) });
    const result = parser.parse(partial, 0, false) as Papa.ParseResult<string[]>;
    if (result.data.length > 0) yield result.data;
  }
}

export async function openCsv(file: string): Promise<SourceTable> {
  const encoding = await sniffEncoding(file);
  const input = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
  let consumed = 0;
  input.on('data', (chunk) => { consumed += chunk.length; });
  const text: AsyncIterable<string> = encoding === 'utf8' ? input.setEncoding('utf8') : (input.pipe(iconv.decodeStream(encoding)) as unknown as Readable);
  const iterator = records(text);

  let first: string[][] = [];
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      if (next.value.length > 0) {
        first = next.value;
        break;
      }
    }
  } catch (e) {
    throw new SourceReadError(`无法解析 CSV：${(e as Error).message}`);
  }
  if (first.length === 0) throw new SourceReadError('文件为空：没有表头行');
  const headers = first[0]!.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h));

  async function* batches(): AsyncGenerator<SourceRow[]> {
    // The header is row 1; blank lines still count, as in a spreadsheet.
    let rowNumber = 1;
    const toRows = (records: string[][]): SourceRow[] => {
      const out: SourceRow[] = [];
      for (const record of records) {
        rowNumber++;
        if (record.length === 1 && record[0]!.trim() === '') continue;
        if (record.every((c) => c.trim() === '')) continue;
        out.push({ rowNumber, cells: record });
      }
      return out;
    };
    try {
      const rest = toRows(first.slice(1));
      if (rest.length > 0) yield rest;
      for await (const records of iterator) {
        const rows = toRows(records);
        if (rows.length > 0) yield rows;
      }
    } catch (e) {
      throw new SourceReadError(`CSV 格式错误（约第 ${rowNumber} 行）：${(e as Error).message}`);
    } finally {
      input.destroy();
    }
  }

  const all = batches();
  return { headers, batches: all, rows: rowsOf(all), bytesRead: () => consumed, format: encoding === 'utf8' ? 'CSV UTF-8' : 'CSV GBK' };
}

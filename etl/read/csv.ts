// Streams a CSV export (UTF-8 with or without BOM, or GBK as Excel in China
// saves it) with papaparse, pausing the parser while the loader catches up.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { rowsOf, SourceReadError, type SourceRow, type SourceTable } from './types.ts';

const SNIFF_BYTES = 256 * 1024;
/** Rows parsed ahead of the loader before the parser pauses. */
const BATCH_ROWS = 4096;

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

/** Parsed records of a text stream in batches, one array of cells each, with back-pressure. */
async function* records(text: Readable): AsyncGenerator<string[][]> {
  let buffer: string[][] = [];
  let parser: Papa.Parser | null = null;
  let paused = false;
  let done = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  Papa.parse<string[]>(text as unknown as Papa.LocalFile, {
    step(result, p) {
      parser = p;
      buffer.push(result.data);
      if (buffer.length >= BATCH_ROWS) {
        paused = true;
        p.pause();
        wake?.();
      }
    },
    complete() {
      done = true;
      wake?.();
    },
    error(e: Error) {
      failure = e;
      wake?.();
    },
  });
  for (;;) {
    if (buffer.length === 0) {
      if (failure) throw failure;
      if (done) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      continue;
    }
    const batch = buffer;
    buffer = [];
    yield batch;
    // resume only a parser we paused: papaparse's resume() polls forever otherwise
    if (paused) {
      paused = false;
      (parser as Papa.Parser | null)?.resume();
    }
  }
}

export async function openCsv(file: string): Promise<SourceTable> {
  const encoding = await sniffEncoding(file);
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  let consumed = 0;
  input.on('data', (chunk) => { consumed += chunk.length; });
  const text: Readable = encoding === 'utf8' ? input.setEncoding('utf8') : (input.pipe(iconv.decodeStream(encoding)) as unknown as Readable);
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

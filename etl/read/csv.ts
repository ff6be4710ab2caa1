// Streams a CSV export (UTF-8 with or without BOM, or GBK as Excel in China saves it).
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { SourceReadError, type SourceRow, type SourceTable } from './types.ts';

const SNIFF_BYTES = 256 * 1024;

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

export async function openCsv(file: string): Promise<SourceTable> {
  const encoding = await sniffEncoding(file);
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  let consumed = 0;
  input.on('data', (chunk) => { consumed += chunk.length; });
  const parser = input
    .pipe(iconv.decodeStream(encoding, { stripBOM: true }))
    .pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true }));
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; info: { records: number } }>;

  const first = await iterator.next().catch((e: Error) => {
    throw new SourceReadError(`无法解析 CSV：${e.message}`);
  });
  if (first.done) throw new SourceReadError('文件为空：没有表头行');
  const headers = first.value.record;

  async function* rows(): AsyncGenerator<SourceRow> {
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        const { record, info } = next.value;
        if (record.every((c) => c.trim() === '')) continue;
        yield { rowNumber: info.records, cells: record };
      }
    } catch (e) {
      throw new SourceReadError(`CSV 格式错误：${(e as Error).message}`);
    } finally {
      input.destroy();
    }
  }

  return { headers, rows: rows(), bytesRead: () => consumed, format: encoding === 'utf8' ? 'CSV UTF-8' : 'CSV GBK' };
}

// Streams a CSV export (UTF-8 with or without BOM, GBK as Excel in China saves
// it, or UTF-16 with a BOM) through the project's incremental parser
// (csv-parse.ts), one chunk of text at a time. Every line of the file is
// accounted for: the parser's lines are checked against the line breaks the
// decoded text holds, and a file whose records cannot be told apart (an
// unclosed quote) or whose bytes do not fit its encoding is refused, naming the
// line.
import { createReadStream } from 'node:fs';
import { CONTROL_CHARS } from '../formats/control-chars.ts';
import { CsvParser, CsvSyntaxError, type CsvRecord } from './csv-parse.ts';
import { ChunkDecoder, countLineBreaks, detectEncoding, invalidTextMessage, InvalidTextError } from './encoding.ts';
import { longFieldIssue, rowChecks } from './row-issues.ts';
import { rowsOf, SourceReadError, type LineCount, type SourceRow, type SourceTable } from './types.ts';

/** Bytes read and parsed per batch: a few thousand rows, large enough that per-batch costs vanish. */
const READ_CHUNK_BYTES = 64 * 1024;

/** UTF-8 or GBK (GB18030 decodes GBK and more), for COPY's ENCODING in the benchmark's floor. */
export async function sniffEncoding(file: string): Promise<'utf8' | 'gb18030'> {
  return (await detectEncoding(file)) === 'GBK' ? 'gb18030' : 'utf8';
}

/** Tab when the first line has tabs and no comma (Excel's "Unicode text" is tab-separated), else comma. */
function delimiterOf(text: string): ',' | '\t' {
  const end = text.search(/[\r\n]/);
  const first = end < 0 ? text : text.slice(0, end);
  return !first.includes(',') && first.includes('\t') ? '\t' : ',';
}

interface ParsedChunk {
  records: CsvRecord[];
  /** Whether the records may hold a control character (their text had one). */
  controls: boolean;
}

export async function openCsv(file: string): Promise<SourceTable> {
  const encoding = await detectEncoding(file);
  const input = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
  // UTF-8 is decoded by the stream itself (Node's decoder, the cheapest way):
  // it replaces a byte that is not UTF-8 with U+FFFD, and a U+FFFD in the text
  // refuses the file. Other encodings go through a fatal TextDecoder.
  const utf8 = encoding === 'UTF-8' || encoding === 'UTF-8 BOM';
  const source: AsyncIterable<string | Buffer> = utf8 ? input.setEncoding('utf8') : input;
  // line breaks of the decoded text, counted apart from the parser's
  let breaks = 0;
  let lastChar = -1;

  async function* chunks(): AsyncGenerator<ParsedChunk> {
    const decoder = utf8 ? null : new ChunkDecoder(encoding);
    let parser: CsvParser | null = null;
    // the record in progress holds text with a control character
    let carry = false;
    const parse = (text: string, last: boolean): ParsedChunk => {
      if (text.length > 0) {
        breaks += countLineBreaks(text);
        // a CRLF split between two chunks is one line break
        if (lastChar === 13 && text.charCodeAt(0) === 10) breaks--;
        lastChar = text.charCodeAt(text.length - 1);
      }
      parser ??= new CsvParser(delimiterOf(text));
      const records: CsvRecord[] = [];
      parser.push(text, records);
      if (last) parser.end(records);
      const controls = CONTROL_CHARS.test(text);
      const chunk = { records, controls: controls || carry };
      carry = records.length > 0 ? controls : carry || controls;
      return chunk;
    };
    try {
      for await (const piece of source) {
        const text = typeof piece === 'string' ? piece : decoder!.decode(piece);
        if (utf8) {
          const bad = text.indexOf('\uFFFD');
          if (bad >= 0) throw new InvalidTextError(text.slice(0, bad));
        }
        const chunk = parse(text, false);
        if (chunk.records.length > 0) yield chunk;
      }
      const chunk = parse(decoder ? decoder.end() : '', true);
      if (chunk.records.length > 0) yield chunk;
    } catch (e) {
      if (e instanceof InvalidTextError) throw new SourceReadError(invalidTextMessage(encoding, breaks + countLineBreaks(e.before) + 1));
      if (e instanceof CsvSyntaxError) throw new SourceReadError(`CSV 格式错误，${e.message}`);
      throw e;
    }
  }

  const iterator = chunks();
  let first: ParsedChunk | null = null;
  try {
    const next = await iterator.next();
    if (!next.done) first = next.value;
  } catch (e) {
    input.destroy();
    throw e;
  }
  if (!first) {
    input.destroy();
    throw new SourceReadError('文件为空：没有表头行');
  }
  const header = first.records[0]!;
  const headers = header.fields.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h));
  const count: LineCount = { lines: 0, headerLines: header.lines, blankRows: 0, rows: 0, innerBreaks: 0 };
  const checks = rowChecks(headers);

  async function* batches(): AsyncGenerator<SourceRow[]> {
    // The header is row 1; blank lines still count, as in a spreadsheet.
    let rowNumber = 1;
    const toRows = (records: readonly CsvRecord[], from: number, controls: boolean): SourceRow[] => {
      const out: SourceRow[] = [];
      for (let r = from; r < records.length; r++) {
        const record = records[r]!;
        const cells = record.fields;
        rowNumber++;
        if ((cells.length === 1 && cells[0]!.trim() === '') || cells.every((c) => c.trim() === '')) {
          count.blankRows += record.lines;
          continue;
        }
        count.rows++;
        count.innerBreaks += record.lines - 1;
        let issues = record.longField >= 0 ? [longFieldIssue(headers, record.longField, cells[record.longField]!, record.longLength)] : undefined;
        issues = checks.unlabelled(cells, issues);
        if (controls) issues = checks.controls(cells, issues);
        out.push(issues ? { rowNumber, cells, issues } : { rowNumber, cells });
      }
      return out;
    };
    try {
      const rest = toRows(first!.records, 1, first!.controls);
      if (rest.length > 0) yield rest;
      for await (const chunk of iterator) {
        const rows = toRows(chunk.records, 0, chunk.controls);
        if (rows.length > 0) yield rows;
      }
      count.lines = breaks + (lastChar === 10 || lastChar === 13 || lastChar < 0 ? 0 : 1);
      const accounted = count.headerLines + count.blankRows + count.rows + count.innerBreaks;
      if (accounted !== count.lines) {
        throw new SourceReadError(`行数核对不一致：文件有 ${count.lines} 行，读取时只对上 ${accounted} 行（表头 ${count.headerLines}、空行 ${count.blankRows}、数据 ${count.rows}、值内换行 ${count.innerBreaks}），文件未导入`);
      }
    } finally {
      input.destroy();
    }
  }

  const all = batches();
  return { headers, batches: all, rows: rowsOf(all), bytesRead: () => input.bytesRead, format: `CSV ${encoding === 'UTF-8 BOM' ? 'UTF-8' : encoding}`, lineCount: () => count };
}

// Output writers: streaming CSV (UTF-8 with BOM or GBK, CRLF, RFC 4180 quoting) and small XLSX files.
import { createWriteStream, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

/** A deliberate error to plant in one cell of one row (withErrors). */
export interface Plant {
  column: string;
  reason: string;
  mutate: (value: string) => string;
}

export interface PlantedError {
  file: string;
  row: number;
  column: string;
  reason: string;
}

const NEEDS_QUOTES = /[",\r\n]/;
const FLUSH_AT = 1 << 18; // characters buffered before handing a chunk to the stream

function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
}

/**
 * Writes one CSV file row by row. Rows are buffered into chunks; when the stream's buffer is full,
 * `needsDrain` is set and the producer should `await drain()` (back-pressure).
 */
export class CsvWriter {
  rows = 0;
  needsDrain = false;
  private buffer = '';
  private readonly stream: WriteStream;
  private failure: Error | undefined;
  private readonly columnIndex = new Map<string, number>();

  constructor(
    readonly path: string,
    readonly fileName: string,
    header: readonly string[],
    private readonly encoding: 'utf8-bom' | 'gbk',
    private readonly plants?: Map<number, Plant>,
    private readonly planted?: PlantedError[],
  ) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (err) => (this.failure = err));
    header.forEach((h, i) => this.columnIndex.set(h, i));
    if (encoding === 'utf8-bom') this.buffer = '\uFEFF';
    this.buffer += header.map(csvField).join(',') + '\r\n';
  }

  /** Appends one data row (its row number in the file is rows + 2: the header is row 1). */
  write(fields: string[]): void {
    this.rows++;
    if (this.plants) {
      const rowNumber = this.rows + 1;
      const plant = this.plants.get(rowNumber);
      if (plant) {
        const i = this.columnIndex.get(plant.column);
        if (i === undefined) throw new Error(`${this.fileName} has no column ${plant.column}`);
        fields[i] = plant.mutate(fields[i] ?? '');
        this.planted?.push({ file: this.fileName, row: rowNumber, column: plant.column, reason: plant.reason });
      }
    }
    let line = '';
    for (let i = 0; i < fields.length; i++) {
      if (i > 0) line += ',';
      const f = fields[i]!;
      line += NEEDS_QUOTES.test(f) ? csvField(f) : f;
    }
    this.buffer += line + '\r\n';
    if (this.buffer.length >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (this.failure) throw this.failure;
    if (this.buffer.length === 0) return;
    const chunk = this.encoding === 'gbk' ? iconv.encode(this.buffer, 'gbk') : Buffer.from(this.buffer, 'utf8');
    this.buffer = '';
    if (!this.stream.write(chunk)) this.needsDrain = true;
  }

  /** Waits until the stream has room again. */
  async drain(): Promise<void> {
    if (!this.needsDrain) return;
    // 'drain' may already have fired while another writer was awaited
    if (!this.stream.writableNeedDrain) {
      this.needsDrain = false;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        this.stream.off('error', onError);
        resolve();
      };
      const onError = (err: Error): void => {
        this.stream.off('drain', onDrain);
        reject(err);
      };
      this.stream.once('drain', onDrain);
      this.stream.once('error', onError);
    });
    this.needsDrain = false;
  }

  /** Flushes and closes; resolves with the number of data rows. */
  async close(): Promise<number> {
    this.flush();
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
    if (this.failure) throw this.failure;
    return this.rows;
  }
}

export type XlsxCell = string | number | Date | null;

export interface XlsxSheet {
  name: string;
  header: string[];
  rows: XlsxCell[][];
  widths?: number[];
  /** Excel number format for Date cells */
  dateFormat?: string;
}

/**
 * Writes an XLSX workbook (first sheet = the data). All timestamps inside the file, including the
 * zip entries' modification times, are set to `fixedDate` so the same input gives the same bytes.
 */
export async function writeXlsx(path: string, sheets: XlsxSheet[], fixedDate: Date, title = ''): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.title = title;
  wb.subject = '示例数据（虚构，仅供演示与测试）';
  wb.creator = '示例数据生成器';
  wb.lastModifiedBy = '示例数据生成器';
  wb.created = fixedDate;
  wb.modified = fixedDate;
  for (const sheet of sheets) {
    const ws = wb.addWorksheet(sheet.name);
    ws.addRow(sheet.header).font = { bold: true };
    for (const row of sheet.rows) ws.addRow(row);
    sheet.header.forEach((_, i) => {
      const col = ws.getColumn(i + 1);
      col.width = sheet.widths?.[i] ?? 14;
    });
    if (sheet.dateFormat) {
      ws.eachRow((row, rowNumber) => {
        if (rowNumber === 1) return;
        row.eachCell((cell) => {
          if (cell.value instanceof Date) cell.numFmt = sheet.dateFormat!;
        });
      });
    }
  }
  const buffer = Buffer.from(await wb.xlsx.writeBuffer());
  normaliseZipTimes(buffer, fixedDate);
  await writeFile(path, buffer);
}

/** Overwrites the DOS modification time/date of every entry of a zip file (local headers and central directory). */
export function normaliseZipTimes(zip: Buffer, date: Date): void {
  const dosTime = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2);
  const dosDate = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  // find the end-of-central-directory record
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file');
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let e = 0; e < entries; e++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('bad zip central directory');
    zip.writeUInt16LE(dosTime, p + 12);
    zip.writeUInt16LE(dosDate, p + 14);
    const local = zip.readUInt32LE(p + 42);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error('bad zip local header');
    zip.writeUInt16LE(dosTime, local + 10);
    zip.writeUInt16LE(dosDate, local + 12);
    p += 46 + zip.readUInt16LE(p + 28) + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
}

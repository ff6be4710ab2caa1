// An XLSX file is a zip archive. A few megabytes of zip can inflate to
// gigabytes (a zip bomb), and exceljs inflates whatever it is given, so the
// archive is checked before it reads it: the sizes its central directory
// declares must stay within limits, and each entry, inflated into a counter
// (nothing kept), must not grow past the size it declares.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import { SourceReadError } from './types.ts';

/** Largest inflated size of one part of the workbook (a worksheet, the shared strings). */
export const MAX_ENTRY_BYTES = 512 * 1024 * 1024;
/** Largest inflated size of the whole workbook. */
export const MAX_TOTAL_BYTES = 1024 * 1024 * 1024;
/** Largest inflated / compressed ratio of an entry over 1 MiB; worksheets of real exports stay far below it. */
export const MAX_RATIO = 200;
const RATIO_CHECKED_ABOVE = 1024 * 1024;

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const mb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(0)} MB` : `${Math.ceil(n / 1024)} KB`);

async function centralDirectory(file: string): Promise<{ entries: ZipEntry[]; fileSize: number }> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new SourceReadError('不是有效的 XLSX 文件（不是 zip 格式，或文件不完整）');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new SourceReadError('XLSX 文件使用了 ZIP64 格式（超过 4 GB），无法导入：请拆分后另存为 CSV');
    if (cdOffset + cdSize > size) throw new SourceReadError('不是有效的 XLSX 文件（zip 目录超出文件末尾）');
    const cd = Buffer.alloc(cdSize);
    await handle.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw new SourceReadError('不是有效的 XLSX 文件（zip 目录损坏）');
      const nameLength = cd.readUInt16LE(p + 28);
      entries.push({
        name: cd.toString('utf8', p + 46, p + 46 + nameLength),
        method: cd.readUInt16LE(p + 10),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localHeaderOffset: cd.readUInt32LE(p + 42),
      });
      p += 46 + nameLength + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    }
    return { entries, fileSize: size };
  } finally {
    await handle.close();
  }
}

/** Inflates an entry into a counter, stopping as soon as it passes the size it declares. */
async function inflatedSize(file: string, entry: ZipEntry): Promise<number> {
  const handle = await open(file, 'r');
  let dataStart: number;
  try {
    const local = Buffer.alloc(30);
    await handle.read(local, 0, 30, entry.localHeaderOffset);
    if (local.readUInt32LE(0) !== 0x04034b50) throw new SourceReadError(`不是有效的 XLSX 文件（zip 条目 ${entry.name} 损坏）`);
    dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await handle.close();
  }
  if (entry.compressedSize === 0) return 0;
  return new Promise<number>((resolve, reject) => {
    const source = createReadStream(file, { start: dataStart, end: dataStart + entry.compressedSize - 1 });
    const inflate = createInflateRaw();
    let total = 0;
    const stop = (e: Error | null, n?: number) => {
      source.destroy();
      inflate.destroy();
      if (e) reject(e);
      else resolve(n!);
    };
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > entry.size) stop(null, total);
    });
    inflate.on('end', () => stop(null, total));
    inflate.on('error', (e) => stop(new SourceReadError(`不是有效的 XLSX 文件（zip 条目 ${entry.name} 无法解压：${e.message}）`)));
    source.on('error', (e) => stop(e));
    source.pipe(inflate);
  });
}

/** Refuses an XLSX whose parts would inflate past the limits, before any reader inflates them. */
export async function checkZipBounds(file: string): Promise<void> {
  const { entries } = await centralDirectory(file);
  let total = 0;
  for (const e of entries) {
    total += e.size;
    if (e.size > MAX_ENTRY_BYTES) throw new SourceReadError(`XLSX 文件中的 ${e.name} 解压后有 ${mb(e.size)}，超过上限 ${mb(MAX_ENTRY_BYTES)}：请拆分文件或另存为 CSV 后导入`);
    if (e.size > RATIO_CHECKED_ABOVE && e.size > e.compressedSize * MAX_RATIO) {
      throw new SourceReadError(`XLSX 文件中的 ${e.name} 压缩比异常（${mb(e.compressedSize)} 解压后为 ${mb(e.size)}，超过 ${MAX_RATIO} 倍），疑似压缩炸弹，拒绝读取`);
    }
  }
  if (total > MAX_TOTAL_BYTES) throw new SourceReadError(`XLSX 文件解压后共 ${mb(total)}，超过上限 ${mb(MAX_TOTAL_BYTES)}：请拆分文件或另存为 CSV 后导入`);
  // The directory's sizes could be false: each part must inflate to no more than it declares.
  for (const e of entries) {
    if (e.method !== 8) {
      if (e.method !== 0) throw new SourceReadError(`XLSX 文件中的 ${e.name} 使用了不支持的压缩方式（${e.method}）`);
      if (e.size !== e.compressedSize) throw new SourceReadError(`XLSX 文件中的 ${e.name} 大小记录不一致，文件可能已损坏`);
      continue;
    }
    const actual = await inflatedSize(file, e);
    if (actual > e.size) throw new SourceReadError(`XLSX 文件中的 ${e.name} 解压后超过其记录的大小 ${mb(e.size)}，疑似压缩炸弹，拒绝读取`);
  }
}

// The floor: PostgreSQL's own server-side COPY of the same CSV files into
// unindexed tables of text columns (one per kind), in a fresh database. No
// parsing into types, no validation, no lineage columns: the least any load of
// these files can cost on this server. XLSX files are not part of it.
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { kindByNumber } from '../etl/formats/kinds.ts';
import { sniffEncoding } from '../etl/read/csv.ts';
import type { BenchData } from './data.ts';
import type { BenchServer } from './database.ts';

export interface FloorKind {
  kind: number;
  table: string;
  files: number;
  rows: number;
  seconds: number;
}

export interface FloorResult {
  seconds: number;
  rows: number;
  files: number;
  bytes: number;
  by_kind: FloorKind[];
  /** Files that are not CSV (left out of the floor, loaded by the project). */
  excluded: { file: string; kind: number; rows: number }[];
}

/** The header's column count, decoding the first bytes as the file's encoding. */
async function headerColumns(file: string, encoding: 'utf8' | 'gb18030'): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const text = encoding === 'utf8' ? buf.subarray(0, bytesRead).toString('utf8') : iconv.decode(buf.subarray(0, bytesRead), encoding);
    const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/)[0]!;
    const parsed = Papa.parse<string[]>(firstLine);
    return parsed.data[0]?.length ?? 0;
  } finally {
    await handle.close();
  }
}

export async function measureFloor(server: BenchServer, data: BenchData, log: (msg: string) => void): Promise<FloorResult> {
  const csv = data.files.filter((f) => path.extname(f.path).toLowerCase() === '.csv');
  const excluded = data.files.filter((f) => !csv.includes(f)).map((f) => ({ file: path.basename(f.path), kind: f.kind, rows: f.rows }));
  const plan = await Promise.all(
    csv.map(async (f) => {
      const encoding = await sniffEncoding(f.path);
      return { ...f, encoding, columns: await headerColumns(f.path, encoding), bytes: (await stat(f.path)).size };
    }),
  );
  const widths = new Map<number, number>();
  for (const f of plan) widths.set(f.kind, Math.max(widths.get(f.kind) ?? 0, f.columns));

  const db = await server.createDatabase('floor', { warehouse: false });
  const client = await db.pool.connect();
  try {
    for (const [kind, width] of widths) {
      const cols = Array.from({ length: width }, (_, i) => `c${i + 1} text`).join(', ');
      await client.query(`create table floor_k${kind} (${cols})`);
    }
    const byKind = new Map<number, FloorKind>();
    let rows = 0;
    let bytes = 0;
    log(`COPY 下限：${plan.length} 个 CSV 文件（${plan.filter((f) => f.encoding !== 'utf8').length} 个 GBK），服务器端 COPY 到无索引的 text 列表`);
    const started = performance.now();
    await client.query('begin');
    for (const f of plan) {
      const columns = Array.from({ length: f.columns }, (_, i) => `c${i + 1}`).join(', ');
      const encoding = f.encoding === 'utf8' ? 'UTF8' : 'GBK';
      const t0 = performance.now();
      const r = await client.query(`copy floor_k${f.kind} (${columns}) from ${client.escapeLiteral(f.path)} with (format csv, header true, encoding '${encoding}')`);
      const seconds = (performance.now() - t0) / 1000;
      const k = byKind.get(f.kind) ?? { kind: f.kind, table: kindByNumber(f.kind).table, files: 0, rows: 0, seconds: 0 };
      k.files++;
      k.rows += r.rowCount ?? 0;
      k.seconds += seconds;
      byKind.set(f.kind, k);
      rows += r.rowCount ?? 0;
      bytes += f.bytes;
    }
    await client.query('commit');
    const seconds = (performance.now() - started) / 1000;
    return { seconds, rows, files: plan.length, bytes, by_kind: [...byKind.values()].sort((a, b) => a.kind - b.kind), excluded };
  } finally {
    client.release();
    await db.drop();
  }
}

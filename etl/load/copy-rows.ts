// Streams rows into PostgreSQL with COPY (CSV format), with back-pressure.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const CHUNK_BYTES = 256 * 1024;

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field for COPY: NULL is an unquoted empty field; an empty string is quoted. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const s = String(value);
  if (s === '') return '""';
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly (string | number | null)[]): string {
  return values.map(csvField).join(',') + '\n';
}

/** COPYs CSV data (chunks of whole lines) into `table (columns)`, with back-pressure. */
export async function copyChunks(client: pg.ClientBase, table: string, columns: readonly string[], chunks: AsyncIterable<string | Uint8Array>): Promise<void> {
  const sql = `copy ${table} (${columns.join(', ')}) from stdin with (format csv)`;
  await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
}

/** COPYs the lines produced by `lines`, sent in chunks of about CHUNK_BYTES. */
export async function copyLines(client: pg.ClientBase, table: string, columns: readonly string[], lines: AsyncIterable<string>): Promise<void> {
  async function* chunks() {
    let buffer = '';
    for await (const line of lines) {
      buffer += line;
      if (buffer.length >= CHUNK_BYTES) {
        yield buffer;
        buffer = '';
      }
    }
    if (buffer) yield buffer;
  }
  await copyChunks(client, table, columns, chunks());
}

// What every file writer needs: where to write, the simulated city, and the planted-error bookkeeping.
import path from 'node:path';
import type { Timeline } from './calendar';
import type { PlantPlan } from './errors';
import { HEADERS, type Kind } from './headers';
import type { Population } from './population';
import type { RegionTree } from './regions';
import type { Standards } from './standards';
import { CsvWriter, type PlantedError } from './writers';

export interface GeneratedFile {
  path: string;
  kind: number;
  rows: number;
}

export interface Context {
  outDir: string;
  seed: number;
  scale: number;
  timeline: Timeline;
  regions: RegionTree;
  standards: Standards;
  pop: Population;
  plan?: PlantPlan;
  planted: PlantedError[];
  files: GeneratedFile[];
  progress: (message: string) => void;
}

export function openCsv(ctx: Context, kind: Kind, fileName: string, encoding: 'utf8-bom' | 'gbk' = 'utf8-bom'): CsvWriter {
  return new CsvWriter(path.join(ctx.outDir, fileName), fileName, HEADERS[kind], encoding, ctx.plan?.get(fileName), ctx.planted);
}

export async function closeCsv(ctx: Context, kind: Kind, writer: CsvWriter): Promise<void> {
  const rows = await writer.close();
  ctx.files.push({ path: writer.path, kind, rows });
}

/** Writes rows from an array with back-pressure. */
export async function writeAll<T>(ctx: Context, kind: Kind, fileName: string, items: Iterable<T>, toRow: (item: T) => string[], encoding: 'utf8-bom' | 'gbk' = 'utf8-bom'): Promise<void> {
  const writer = openCsv(ctx, kind, fileName, encoding);
  for (const item of items) {
    writer.write(toRow(item));
    if (writer.needsDrain) await writer.drain();
  }
  await closeCsv(ctx, kind, writer);
}

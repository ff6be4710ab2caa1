// Which kind of export a file is, judged from its header row alone.
import { KINDS, type KindSpec } from './kinds.ts';

export interface HeaderMatch {
  spec: KindSpec;
  /** header text → position in the row */
  positions: Map<string, number>;
  /** headers that belong to no column of the kind; kept in the raw layer */
  extraHeaders: string[];
}

export class UnknownKindError extends Error {}

export function normaliseHeader(header: string): string {
  return header.replace(/^\uFEFF/, '').trim();
}

function describeKinds(): string {
  return KINDS.map((k) => `  ${k.kind}. ${k.title}：${k.columns.filter((c) => c.required).map((c) => c.header).join('、')}`).join('\n');
}

export function detectKind(rawHeaders: readonly string[]): HeaderMatch {
  const headers = rawHeaders.map(normaliseHeader);
  const positions = new Map<string, number>();
  headers.forEach((h, i) => {
    if (h === '') return;
    if (positions.has(h)) throw new UnknownKindError(`表头"${h}"重复出现（第 ${positions.get(h)! + 1} 列和第 ${i + 1} 列）`);
    positions.set(h, i);
  });
  const candidates = KINDS.filter((k) => k.columns.every((c) => !c.required || positions.has(c.header)));
  if (candidates.length === 0) {
    throw new UnknownKindError(`表头与任何一类数据都不匹配。表头为：${headers.join('、') || '（空）'}\n可识别的数据类型及其必填列：\n${describeKinds()}`);
  }
  // Several kinds can match when one's required columns are a subset of another's: prefer the most specific.
  const best = candidates.reduce((a, b) => (b.columns.filter((c) => c.required).length > a.columns.filter((c) => c.required).length ? b : a));
  const known = new Set(best.columns.map((c) => c.header));
  return { spec: best, positions, extraHeaders: [...positions.keys()].filter((h) => !known.has(h)) };
}

// Before anything is written: which files, what kind each is, and whether any must be refused.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { detectKind, type HeaderMatch } from '../formats/detect.ts';
import { isSupportedFile, openSourceTable } from '../read/index.ts';

export interface PlannedFile {
  path: string;
  name: string;
  size: number;
  sha256: string;
  match: HeaderMatch;
}

export interface RefusedFile {
  path: string;
  reason: string;
}

export class LoadRefusedError extends Error {
  constructor(readonly refused: RefusedFile[]) {
    super(`以下文件被拒绝，本次未导入任何数据：\n${refused.map((r) => `- ${r.path}：${r.reason}`).join('\n')}`);
  }
}

async function expand(p: string): Promise<string[]> {
  const s = await stat(p).catch(() => null);
  if (!s) throw new LoadRefusedError([{ path: p, reason: '文件或目录不存在' }]);
  if (!s.isDirectory()) return [p];
  const entries = await readdir(p, { withFileTypes: true });
  const nested = await Promise.all(entries.filter((e) => !e.name.startsWith('.')).map((e) => {
    const full = path.join(p, e.name);
    return e.isDirectory() ? expand(full) : Promise.resolve(isSupportedFile(full) ? [full] : []);
  }));
  return nested.flat();
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Lists the files under `paths` (directories are searched for CSV/XLSX) and detects each one's kind. */
export async function planLoad(paths: readonly string[]): Promise<PlannedFile[]> {
  const files = [...new Set((await Promise.all(paths.map(expand))).flat().map((f) => path.resolve(f)))].sort();
  const planned: PlannedFile[] = [];
  const refused: RefusedFile[] = [];
  for (const file of files) {
    if (!isSupportedFile(file)) {
      refused.push({ path: file, reason: '不支持的文件类型：仅支持 .csv 和 .xlsx' });
      continue;
    }
    try {
      const table = await openSourceTable(file);
      const match = detectKind(table.headers);
      // release the stream: only the header was needed
      for await (const _ of table.rows) break;
      planned.push({ path: file, name: path.basename(file), size: (await stat(file)).size, sha256: await sha256Of(file), match });
    } catch (e) {
      refused.push({ path: file, reason: (e as Error).message });
    }
  }
  if (refused.length > 0) throw new LoadRefusedError(refused);
  if (planned.length === 0) throw new LoadRefusedError(paths.map((p) => ({ path: p, reason: '没有找到 CSV 或 XLSX 文件' })));
  return planned.sort((a, b) => a.match.spec.order - b.match.spec.order || a.path.localeCompare(b.path));
}

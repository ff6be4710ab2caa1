import path from 'node:path';
import { openCsv } from './csv.ts';
import { openXlsx } from './xlsx.ts';
import { SourceReadError, type SourceTable } from './types.ts';

export { SourceReadError, type LineCount, type RowIssue, type SourceRow, type SourceTable } from './types.ts';

export const SUPPORTED_EXTENSIONS = ['.csv', '.xlsx'] as const;

export function isSupportedFile(file: string): boolean {
  return (SUPPORTED_EXTENSIONS as readonly string[]).includes(path.extname(file).toLowerCase());
}

export async function openSourceTable(file: string): Promise<SourceTable> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return openCsv(file);
  if (ext === '.xlsx') return openXlsx(file);
  throw new SourceReadError(`不支持的文件类型"${ext}"：仅支持 CSV 和 XLSX`);
}

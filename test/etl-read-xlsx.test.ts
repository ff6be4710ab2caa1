// XLSX exports: the first worksheet, date cells, and workbooks whose parts come
// in an order the streaming reader cannot always follow.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSourceTable } from '../etl/read/index.ts';

let dir: string;

async function workbook(file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('数据');
  ws.addRow(['身份证号', '姓名', '死亡日期', '数据来源']);
  ws.addRow(['11010519491231002X', '张三', new Date(Date.UTC(2025, 0, 31)), '殡葬']);
  ws.addRow(['110105194912310021', '李四', '2025/2/1', '公安']);
  wb.addWorksheet('说明').addRow(['示例数据']);
  await wb.xlsx.writeFile(file);
}

async function readAll(file: string) {
  const table = await openSourceTable(file);
  const rows = [];
  for await (const batch of table.batches) rows.push(...batch);
  return { headers: table.headers, rows };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'xlsx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('XLSX reading', () => {
  it('reads the first worksheet with its row numbers and date cells', async () => {
    const file = path.join(dir, 'deaths.xlsx');
    await workbook(file);
    const { headers, rows } = await readAll(file);
    expect(headers).toEqual(['身份证号', '姓名', '死亡日期', '数据来源']);
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 3]);
    expect(rows[0]!.cells[2]).toEqual(new Date(Date.UTC(2025, 0, 31)));
    expect(rows[1]!.cells[2]).toBe('2025/2/1');
  });

  it('reads a workbook whose workbook.xml comes after its worksheets', async () => {
    const source = path.join(dir, 'ordered.xlsx');
    await workbook(source);
    const zip = await JSZip.loadAsync(await readFile(source));
    const names = Object.keys(zip.files).filter((n) => !zip.files[n]!.dir);
    const last = ['xl/workbook.xml', 'xl/_rels/workbook.xml.rels'];
    const reordered = new JSZip();
    for (const name of [...names.filter((n) => !last.includes(n)), ...last]) {
      reordered.file(name, await zip.files[name]!.async('nodebuffer'));
    }
    const file = path.join(dir, 'reordered.xlsx');
    await writeFile(file, await reordered.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    for (let i = 0; i < 4; i++) {
      const { headers, rows } = await readAll(file);
      expect(headers[1]).toBe('姓名');
      expect(rows.map((r) => r.cells[1])).toEqual(['张三', '李四']);
    }
  });
});

// Every table of a notice as one workbook (one sheet per table): numbers stay
// numbers, shown with the notice's units, so staff can compute with them.
import ExcelJS from 'exceljs';
import type { Cell, NoticeDocument, NoticeTable } from './document.ts';

/** The numeric form of a cell as Excel should hold it: the value and its number format. */
export function excelValue(cell: Cell): { value: number | string; numFmt?: string } {
  const m = /^(-?[\d,]+(?:\.(\d+))?)(?:\s*(.*))?$/.exec(cell.text);
  if (cell.value == null || !m) return { value: cell.text };
  const digits = m[2]?.length ?? 0;
  const unit = (m[3] ?? '').trim();
  const number = `#,##0${digits > 0 ? `.${'0'.repeat(digits)}` : ''}`;
  if (unit === '%') return { value: cell.value, numFmt: `0.${'0'.repeat(Math.max(digits, 2))}"%"` };
  if (unit === '万元') return { value: cell.value / 10_000, numFmt: `${number}" 万元"` };
  return { value: cell.value, numFmt: unit ? `${number}" ${unit.replace(/"/g, '')}"` : number };
}

function sheetName(index: number, title: string, used: Set<string>): string {
  const base = `表${index} ${title}`.replace(/[[\]:*?/\\]/g, '').slice(0, 31);
  let name = base;
  for (let k = 2; used.has(name); k++) name = `${base.slice(0, 28)}_${k}`;
  used.add(name);
  return name;
}

export function allTables(doc: NoticeDocument): NoticeTable[] {
  return doc.sections.flatMap((s) => s.tables);
}

export async function renderXlsx(doc: NoticeDocument): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = doc.issuer;
  wb.title = doc.title;
  const used = new Set<string>();
  allTables(doc).forEach((t, i) => {
    const ws = wb.addWorksheet(sheetName(i + 1, t.title, used));
    ws.addRow([`${doc.number ? `${doc.number} ` : ''}${doc.title}`]).font = { bold: true, size: 12 };
    ws.addRow([`表${i + 1} ${t.title}（${doc.region.name}，${doc.period.label}）`]);
    const header = ws.addRow(t.columns);
    header.font = { bold: true };
    header.eachCell((c) => {
      c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };
      c.border = { bottom: { style: 'thin' } };
    });
    for (const r of t.rows) {
      const row = ws.addRow(r.map((c) => excelValue(c).value));
      r.forEach((c, k) => {
        const fmt = excelValue(c).numFmt;
        if (fmt) row.getCell(k + 1).numFmt = fmt;
      });
    }
    if (t.note) ws.addRow([`注：${t.note}`]);
    ws.columns.forEach((col, k) => {
      const widest = Math.max(t.columns[k]?.length ?? 4, ...t.rows.map((r) => r[k]?.text.length ?? 0));
      col.width = Math.min(60, Math.max(8, widest * 2 + 2));
    });
    ws.views = [{ state: 'frozen', ySplit: 3 }];
  });
  if (used.size === 0) wb.addWorksheet('无表格').addRow(['本通报没有表格']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

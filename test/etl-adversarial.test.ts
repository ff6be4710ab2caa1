// A county clerk's ordinary mistakes and an adversary's files (issue 11): no
// row is lost or corrupted without a word. Each file is either accounted for
// line by line (loaded + rejected = read, read + header + blank = the file's
// lines) or refused with a message naming the file, the line and the problem.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, type LoadOptions } from '../etl/load/batch.ts';
import { LoadRefusedError } from '../etl/load/plan.ts';
import { MAX_NEW_PARTITIONS_PER_FILE, MAX_PARTITIONS_PER_TABLE } from '../etl/load/partitions.ts';
import { formatLoadSummary } from '../etl/load/report.ts';
import { formatBatch, formatHistory } from '../etl/history/format.ts';
import { getBatch, listBatches } from '../etl/history/query.ts';
import { formatRejects } from '../etl/rejects/format.ts';
import { readRejects } from '../etl/rejects/query.ts';
import { runCli } from './fixtures/etl-cli.ts';
import { pid, VIL_A1, writeSmallCity } from './fixtures/small-city.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let root: string;
/** A dbt project without models: these tests are about the files, not the marts. */
let noModels: string;

const HEADER = '救助编号,身份证号,姓名,区划代码,救助日期,救助金额,救助人数,救助类型,致困原因,审批方式';
const relief = (id: string, o: { name?: string; amount?: string; persons?: string } = {}) =>
  `${id},${pid(1)},${o.name ?? '张三'},${VIL_A1},2025-01-05,${o.amount ?? '100'},${o.persons ?? '1'},急难型,疾病,县级审批`;

let dirs = 0;
async function dirWith(files: Record<string, string | Buffer>): Promise<string> {
  const dir = path.join(root, `case-${++dirs}`);
  await mkdir(dir);
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  return dir;
}

const load = (paths: string[], options: Partial<LoadOptions> = {}) =>
  runLoad(db.pool, paths, { runBy: 'test', projectDir: noModels, refreshRollups: false, ...options });

async function reliefIds(prefix: string): Promise<string[]> {
  const r = await db.pool.query<{ relief_id: string }>(`select relief_id from raw.temp_relief where relief_id like $1 order by 1`, [`${prefix}%`]);
  return r.rows.map((x) => x.relief_id);
}

async function rejectsOf(batchId: number) {
  const r = await db.pool.query<{ file_name: string; row_number: number; column_name: string; value: string; reason: string }>(
    `select file_name, row_number, column_name, value, reason from etl.rejects where batch_id = $1 order by file_name, row_number, column_name`,
    [batchId],
  );
  return r.rows;
}

beforeAll(async () => {
  db = await createTestDatabase();
  root = await mkdtemp(path.join(os.tmpdir(), 'etl-adversarial-'));
  noModels = path.join(root, 'no-models');
  await mkdir(path.join(noModels, 'models'), { recursive: true });
  await writeFile(path.join(noModels, 'dbt_project.yml'), "name: none\nversion: '1.0.0'\nconfig-version: 2\nprofile: none\nmodel-paths: [\"models\"]\n");
  const city = path.join(root, 'city');
  await writeSmallCity(city);
  await load([path.join(city, 'regions.xlsx')]);
});

afterAll(async () => {
  await db?.drop();
  await rm(root, { recursive: true, force: true });
});

describe('rows are never lost silently', () => {
  it('refuses a CSV with an unclosed quote, naming the file and the line, and loads nothing of the batch', async () => {
    const dir = await dirWith({
      'ok.csv': [HEADER, relief('Q-OK')].join('\r\n') + '\r\n',
      'quote.csv': [HEADER, relief('Q1'), relief('Q2', { name: '"张三' }), relief('Q3'), relief('Q4')].join('\r\n') + '\r\n',
    });
    const error = await load([dir]).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('quote.csv');
    expect((error as Error).message).toMatch(/第 3 行：引号没有闭合/);
    expect(await reliefIds('Q')).toEqual([]);
    const batch = await db.pool.query(`select status, error from etl.batches order by batch_id desc limit 1`);
    expect(batch.rows[0]).toMatchObject({ status: 'failed' });
    expect(batch.rows[0].error).toContain('quote.csv');
  });

  it('loads every row of a file whose header ends in CRLF and whose rows end in LF', async () => {
    const dir = await dirWith({ 'mixed.csv': `${HEADER}\r\n${[relief('M1'), relief('M2'), relief('M3')].join('\n')}\n` });
    const report = await load([dir]);
    expect(report.files[0]).toMatchObject({ rowsRead: 3, rowsLoaded: 3, rowsRejected: 0 });
    expect(await reliefIds('M')).toEqual(['M1', 'M2', 'M3']);
  });

  it('rejects an amount past numeric(14,2), a count past int4 and a NUL byte as rows naming file, row and column; the rest loads', async () => {
    const dir = await dirWith({
      'ranges.csv': [HEADER, relief('R1'), relief('R2', { amount: '1000000000000' }), relief('R3', { persons: '3000000000' }), relief('R4', { name: '张\u0000三' }), relief('R5', { amount: '"999,999,999,999.99"' })].join('\r\n') + '\r\n',
      'other.csv': [HEADER, relief('S1'), relief('S2')].join('\r\n') + '\r\n',
    });
    const report = await load([dir]);
    expect(report.files.find((f) => f.name === 'ranges.csv')).toMatchObject({ rowsRead: 5, rowsLoaded: 2, rowsRejected: 3 });
    expect(report.files.find((f) => f.name === 'other.csv')).toMatchObject({ rowsLoaded: 2 });
    expect(await reliefIds('R')).toEqual(['R1', 'R5']);
    expect(await reliefIds('S')).toEqual(['S1', 'S2']);
    const rejects = await rejectsOf(report.batchId);
    expect(rejects.map((r) => [r.file_name, r.row_number, r.column_name])).toEqual([['ranges.csv', 3, '救助金额'], ['ranges.csv', 4, '救助人数'], ['ranges.csv', 5, '姓名']]);
    expect(rejects[0]!.reason).toContain('金额超出范围');
    expect(rejects[1]!.reason).toContain('数值超出范围');
    expect(rejects[2]!.reason).toContain('NUL');
    expect(rejects[2]!.value).toBe('张\\x00三');
    const amount = await db.pool.query(`select amount_yuan::text as a from raw.temp_relief where relief_id = 'R5'`);
    expect(amount.rows[0].a).toBe('999999999999.99');
  });

  it('refuses a UTF-8 file with an invalid byte after the first 256 KiB, naming the line; no U+FFFD is stored', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => relief(`U${String(i).padStart(5, '0')}`, { name: '张三丰' }));
    const bad = Buffer.from(`${relief('UBAD', { name: 'XX' })}\r\n`).toString('latin1').replace('XX', '\u00ff\u00fe');
    const head = Buffer.from([HEADER, ...rows].join('\r\n') + '\r\n');
    expect(head.length).toBeGreaterThan(256 * 1024);
    const dir = await dirWith({ 'late.csv': Buffer.concat([head, Buffer.from(bad, 'latin1'), Buffer.from(relief('ULAST') + '\r\n')]) });
    const error = await load([dir]).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('late.csv');
    expect((error as Error).message).toContain('第 3002 行含有不是 UTF-8 的字节');
    expect(await reliefIds('U')).toEqual([]);
    const replaced = await db.pool.query(`select count(*)::int as n from raw.temp_relief where person_name like '%' || chr(65533) || '%'`);
    expect(replaced.rows[0].n).toBe(0);
  });

  it('refuses invalid bytes near the start with a message about the encoding, not a garbled header list', async () => {
    const damaged = Buffer.concat([Buffer.from(`${HEADER}\r\n`), Buffer.from([0x41, 0xff, 0xfe, 0x2c]), Buffer.from(`${relief('V1')}\r\n`)]);
    const neither = Buffer.from([0xff, 0xff, 0x80, 0x2c, 0x80, 0x0d, 0x0a, 0xff]);
    const dir = await dirWith({ 'damaged.csv': damaged, 'neither.csv': neither });
    const error = await load([dir]).catch((e: Error) => e);
    expect(error).toBeInstanceOf(LoadRefusedError);
    const message = (error as Error).message;
    expect(message).toMatch(/damaged\.csv：文件是 UTF-8 编码，但第 2 行含有不是 UTF-8 的字节（0xFF 0xFE）/);
    expect(message).toMatch(/neither\.csv：文件编码无法识别：不是 UTF-8，也不是 GBK（第 1 行起无法解码）/);
    expect(message).not.toContain('表头与任何一类数据都不匹配');
  });

  it('decodes UTF-16 with a BOM, comma- or tab-separated (Excel\'s Unicode text)', async () => {
    const text = [HEADER, relief('W1', { name: '王五' }), relief('W2', { name: '𠀀丽' })].join('\r\n') + '\r\n';
    const tabs = [HEADER, relief('W3', { name: '赵六' })].join('\r\n').replace(/,/g, '\t') + '\r\n';
    const be = Buffer.from('\uFEFF' + [HEADER, relief('W4')].join('\n'), 'utf16le').swap16();
    const dir = await dirWith({ 'utf16.csv': Buffer.from('\uFEFF' + text, 'utf16le'), 'unicode.txt.csv': Buffer.from('\uFEFF' + tabs, 'utf16le'), 'be.csv': be });
    const report = await load([dir]);
    expect(report.files.map((f) => [f.name, f.format, f.rowsLoaded])).toEqual([['be.csv', 'CSV UTF-16BE', 1], ['unicode.txt.csv', 'CSV UTF-16LE', 1], ['utf16.csv', 'CSV UTF-16LE', 2]]);
    const names = await db.pool.query(`select relief_id, person_name from raw.temp_relief where relief_id like 'W%' order by 1`);
    expect(names.rows).toEqual([{ relief_id: 'W1', person_name: '王五' }, { relief_id: 'W2', person_name: '𠀀丽' }, { relief_id: 'W3', person_name: '赵六' }, { relief_id: 'W4', person_name: '张三' }]);
  });

  it('rejects an XLSX formula cell without a cached value (and a formula error) instead of storing [object Object]', async () => {
    const file = path.join(await dirWith({}), 'formulas.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(HEADER.split(','));
    ws.addRow(relief('X1').split(','));
    const noValue = relief('X2').split(',');
    ws.addRow(noValue);
    ws.getCell('F3').value = { formula: 'F2*2' } as ExcelJS.CellFormulaValue;
    ws.addRow(relief('X3').split(','));
    ws.getCell('F4').value = { formula: 'F2*3', result: 300 } as ExcelJS.CellFormulaValue;
    ws.addRow(relief('X4').split(','));
    ws.getCell('C5').value = { formula: '1/0', result: { error: '#DIV/0!' } } as ExcelJS.CellFormulaValue;
    await wb.xlsx.writeFile(file);
    const report = await load([file]);
    expect(report.files[0]).toMatchObject({ rowsRead: 4, rowsLoaded: 2, rowsRejected: 2 });
    const rejects = await rejectsOf(report.batchId);
    expect(rejects.map((r) => [r.row_number, r.column_name])).toEqual([[3, '救助金额'], [5, '姓名']]);
    expect(rejects[0]!.reason).toContain('公式单元格没有可用的计算结果（公式 F2*2 未计算或计算出错）');
    expect(rejects[1]!.reason).toContain('公式 1/0');
    const amounts = await db.pool.query(`select relief_id, amount_yuan::text as a from raw.temp_relief where relief_id like 'X%' order by 1`);
    expect(amounts.rows).toEqual([{ relief_id: 'X1', a: '100.00' }, { relief_id: 'X3', a: '300.00' }]);
    const stored = await db.pool.query(`select count(*)::int as n from raw.temp_relief where person_name = '[object Object]'`);
    expect(stored.rows[0].n).toBe(0);
  });

  it('rejects a row with values under no header, with a reason; empty trailing cells are fine', async () => {
    const dir = await dirWith({ 'extra.csv': [HEADER, relief('E1'), `${relief('E2')},多出来的值`, `${relief('E3')},,`].join('\r\n') + '\r\n' });
    const report = await load([dir]);
    expect(report.files[0]).toMatchObject({ rowsRead: 3, rowsLoaded: 2, rowsRejected: 1 });
    const [reject] = await rejectsOf(report.batchId);
    expect(reject).toMatchObject({ row_number: 3, column_name: '第 11 列（无表头）', value: '多出来的值' });
    expect(reject!.reason).toContain('表头只有 10 列');
    expect(await reliefIds('E')).toEqual(['E1', 'E3']);
  });

  it('refuses an XLSX zip bomb before reading it, whether its directory tells the truth or not', async () => {
    const spaces = Buffer.alloc(64 * 1024 * 1024, 0x20);
    const bomb = deflateRawSync(spaces, { level: 9 });
    const honest = zipOf([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }, { name: 'xl/worksheets/sheet1.xml', compressed: bomb, size: spaces.length }]);
    const lying = zipOf([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }, { name: 'xl/worksheets/sheet1.xml', compressed: bomb, size: 4096 }]);
    expect(honest.length).toBeLessThan(200 * 1024);
    const dir = await dirWith({ 'honest.xlsx': honest, 'lying.xlsx': lying });
    const error = await load([dir]).catch((e: Error) => e);
    expect(error).toBeInstanceOf(LoadRefusedError);
    expect((error as Error).message).toMatch(/honest\.xlsx：XLSX 文件中的 xl\/worksheets\/sheet1\.xml 压缩比异常.*疑似压缩炸弹/);
    expect((error as Error).message).toMatch(/lying\.xlsx：XLSX 文件中的 xl\/worksheets\/sheet1\.xml 解压后超过其记录的大小/);
  });

  it('rejects a row with a 50 MB field, quickly and with a shortened value; the other rows load', async () => {
    const huge = `"${'x'.repeat(50 * 1024 * 1024)}"`;
    const dir = await dirWith({ 'huge.csv': [HEADER, relief('H1'), relief('H2', { name: huge }), relief('H3')].join('\r\n') + '\r\n' });
    const report = await load([dir]);
    expect(report.files[0]).toMatchObject({ rowsRead: 3, rowsLoaded: 2, rowsRejected: 1 });
    const [reject] = await rejectsOf(report.batchId);
    expect(reject).toMatchObject({ row_number: 3, column_name: '姓名' });
    expect(reject!.reason).toContain('值过长：52,428,800 个字符，超过单元格上限 32,767 个字符');
    expect(reject!.value.length).toBeLessThan(300);
    expect(await reliefIds('H')).toEqual(['H1', 'H3']);
  });

  it('escapes ANSI sequences of rejected values and file names in load, rejects and history output', async () => {
    const forged = '\u001b[2J\u001b[H全部导入成功';
    const name = 'esc\u001b[31m.csv';
    const dir = await dirWith({ [name]: [HEADER, relief('A1X'), relief('A2X', { name: forged })].join('\r\n') + '\r\n' });
    const report = await load([dir]);
    expect(report.files[0]).toMatchObject({ rowsLoaded: 1, rowsRejected: 1 });
    const [reject] = await rejectsOf(report.batchId);
    expect(reject!.reason).toContain('ESC');
    const outputs = [
      formatLoadSummary(report),
      formatRejects(await readRejects(db.pool, report.batchId), 50),
      formatHistory(await listBatches(db.pool, 3)),
      formatBatch((await getBatch(db.pool, report.batchId))!),
    ];
    const cli = await runCli(db.url, ['rejects', String(report.batchId)]);
    expect(cli.code, cli.stderr).toBe(0);
    const history = await runCli(db.url, ['history', String(report.batchId)]);
    expect(history.code, history.stderr).toBe(0);
    outputs.push(cli.stdout, history.stdout);
    for (const text of outputs) {
      expect(text).not.toContain('\u001b');
      expect(text).toContain('esc\\x1B[31m.csv');
    }
    expect(outputs[0]).toContain('\\x1B[2J\\x1B[H全部导入成功');
    expect(cli.stdout).toContain('\\x1B[2J');
  });

  it('loads a file again with --force, and the history says so', async () => {
    const dir = await dirWith({ 'again.csv': [HEADER, relief('F1'), relief('F2')].join('\r\n') + '\r\n' });
    const first = await load([dir]);
    const skipped = await load([dir]);
    expect(skipped.files[0]).toMatchObject({ outcome: 'skipped' });
    await db.pool.query(`delete from raw.temp_relief where relief_id = 'F2'`);
    const forced = await load([dir], { force: true });
    expect(forced.files[0]).toMatchObject({ outcome: 'loaded', forced: true, rowsLoaded: 2 });
    expect(forced.files[0]!.note).toContain(`强制重新导入（内容与批次 ${first.batchId} 导入的文件相同）`);
    expect(await reliefIds('F')).toEqual(['F1', 'F2']);
    const recorded = await db.pool.query(`select forced from etl.batch_files where batch_id = $1`, [forced.batchId]);
    expect(recorded.rows).toEqual([{ forced: true }]);
    const batch = (await getBatch(db.pool, forced.batchId))!;
    expect(batch.files[0]).toMatchObject({ forced: true });
    expect(formatBatch(batch)).toContain('强制重新导入');
  });

  it('accounts for every line of every file: loaded + rejected = read, read + header + blank (+ line breaks in values) = lines', async () => {
    const city = path.join(root, 'city');
    const dir = await dirWith({
      'blanks.csv': [HEADER, relief('L1'), '', relief('L2', { amount: 'abc' }), ',,,,,,,,,', relief('L3', { name: '"两\r\n行"' })].join('\r\n') + '\r\n\r\n',
    });
    const report = await load([city, dir]);
    const loaded = report.files.filter((f) => f.outcome === 'loaded');
    expect(loaded.length).toBeGreaterThan(5);
    for (const f of loaded) {
      expect(f.rowsLoaded + f.rowsRejected, f.name).toBe(f.rowsRead);
      expect(f.lines!.rows, f.name).toBe(f.rowsRead);
      expect(f.lines!.headerLines + f.lines!.blankRows + f.rowsRead + f.lines!.innerBreaks, f.name).toBe(f.lines!.lines);
    }
    const blanks = report.files.find((f) => f.name === 'blanks.csv')!;
    expect(blanks).toMatchObject({ rowsRead: 3, rowsLoaded: 2, rowsRejected: 1, lines: { lines: 8, headerLines: 1, blankRows: 3, rows: 3, innerBreaks: 1 } });
    expect(formatLoadSummary(report)).toContain('blanks.csv：文件 8 行 = 表头及值内换行 2 + 数据 3（导入 2 + 拒收 1） + 空行 3');
    const files = await db.pool.query(`select file_name, rows_read, rows_loaded, rows_rejected, lines_total, blank_rows from etl.batch_files where batch_id = $1 and outcome = 'loaded'`, [report.batchId]);
    for (const f of files.rows) {
      expect(Number(f.rows_loaded) + Number(f.rows_rejected), f.file_name).toBe(Number(f.rows_read));
      expect(Number(f.lines_total), f.file_name).toBeGreaterThanOrEqual(Number(f.rows_read) + Number(f.blank_rows) + 1);
    }
    expect(formatBatch((await getBatch(db.pool, report.batchId))!)).toContain('每一行的去向');
  });
});

describe('partitions are bounded', () => {
  it('puts a payments file with 1,200 batch values past the limit into a default partition; the next load works', async () => {
    const payments = (batches: string[]) =>
      ['发放批次,所属月份,家庭编号,身份证号,救助类别,发放金额,发放日期,发放方式', ...batches.map((b, i) => `${b},2025-01,JT${i},${pid((i % 900) + 1)},城市低保,650.00,2025-01-05,银行卡`)].join('\r\n') + '\r\n';
    const many = Array.from({ length: 1200 }, (_, i) => `PB${String(i).padStart(4, '0')}`);
    const dir = await dirWith({ 'payments-many.csv': payments(many) });
    const partitionCount = async () =>
      (await db.pool.query<{ n: number }>(`select count(*)::int as n from pg_inherits where inhparent = 'raw.benefit_payments'::regclass`)).rows[0]!.n;
    const report = await load([dir]);
    expect(report.files[0]).toMatchObject({ rowsLoaded: 1200 });
    expect(report.files[0]!.note).toContain('超出分区上限');
    expect(await partitionCount()).toBe(MAX_NEW_PARTITIONS_PER_FILE + 1);
    const inDefault = async () => (await db.pool.query(`select count(*)::int as n from raw.benefit_payments_default`)).rows[0].n;
    expect(await inDefault()).toBe(1200 - MAX_NEW_PARTITIONS_PER_FILE);

    // the same file again replaces its batches wherever they live (60 more get
    // their own partition): no row twice, still within the bounds
    await load([dir], { force: true });
    const total = await db.pool.query(`select count(*)::int as n, count(distinct payment_batch)::int as b from raw.benefit_payments`);
    expect(total.rows[0]).toEqual({ n: 1200, b: 1200 });
    expect(await partitionCount()).toBe(2 * MAX_NEW_PARTITIONS_PER_FILE + 1);
    expect(await inDefault()).toBe(1200 - 2 * MAX_NEW_PARTITIONS_PER_FILE);
    expect(await partitionCount()).toBeLessThanOrEqual(MAX_PARTITIONS_PER_TABLE + 1);

    // the next ordinary load, with the real models and their tests, still works
    const city = path.join(root, 'city');
    const next = await runLoad(db.pool, [city, await dirWith({ 'payments-next.csv': payments(['FF202502-01']) })], { runBy: 'test', refreshRollups: false });
    expect(next.modelsRun).toBe(true);
    expect(await partitionCount()).toBe(2 * MAX_NEW_PARTITIONS_PER_FILE + 2);
  });
});

/** A zip archive by hand, so its central directory can declare any size. */
function zipOf(entries: { name: string; data?: Buffer; compressed?: Buffer; size?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const data = e.compressed ?? deflateRawSync(e.data!);
    const size = e.size ?? e.data!.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

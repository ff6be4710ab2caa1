// Tests of the synthetic data generator (etl/generate): determinism, validity, consistency, calibration, planted errors.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIdNumber } from '../etl/formats/id-number';
import { generateCity, type GenerateSummary } from '../etl/generate/index';

// ------------------------------------------------------------------ the documented formats (docs/source-exports.md)

const DOC_HEADERS: Record<number, string[]> = {
  1: ['区划代码', '区划名称', '层级', '上级区划代码', '城乡分类', '户籍人口'],
  2: ['区划代码', '标准类型', '标准金额', '计量单位', '生效日期'],
  3: ['统计月份', '家庭编号', '身份证号', '姓名', '与户主关系', '区划代码', '救助类别', '供养方式', '护理等级', '纳入日期', '月救助金额'],
  4: ['统计月份', '家庭编号', '身份证号', '姓名', '区划代码', '人口类别', '纳入监测日期'],
  5: ['发放批次', '所属月份', '家庭编号', '身份证号', '救助类别', '发放金额', '发放日期', '发放方式'],
  6: ['救助编号', '身份证号', '姓名', '区划代码', '救助日期', '救助金额', '救助人数', '救助类型', '致困原因', '审批方式', '户籍类型'],
  7: ['申请编号', '身份证号', '家庭编号', '区划代码', '申请类别', '发现渠道', '受理日期', '办结日期', '审核结果'],
  8: ['预警编号', '预警日期', '身份证号', '姓名', '区划代码', '预警来源', '预警事由', '预警等级', '处置状态', '处置结果', '处置日期'],
  9: ['数据日期', '户编号', '身份证号', '姓名', '区划代码', '人员类型', '风险是否消除'],
  10: ['身份证号', '姓名', '死亡日期', '数据来源'],
  11: ['核对编号', '核对日期', '身份证号', '区划代码', '核对事项', '核对结果'],
  12: ['问题编号', '发现日期', '问题来源', '区划代码', '问题类别', '问题描述', '涉及人数', '涉及金额', '整改期限', '责任单位', '整改状态', '整改完成日期', '回头看日期', '回头看结论'],
  13: ['干部身份证号', '干部姓名', '工作单位', '职务', '区划代码', '近亲属身份证号', '近亲属姓名', '关系', '备案日期', '数据日期'],
};

const REQUIRED: Record<number, string[]> = {
  1: ['区划代码', '区划名称', '层级', '户籍人口'],
  2: ['区划代码', '标准类型', '标准金额', '计量单位', '生效日期'],
  3: ['统计月份', '家庭编号', '身份证号', '姓名', '与户主关系', '区划代码', '救助类别', '纳入日期', '月救助金额'],
  4: ['统计月份', '家庭编号', '身份证号', '姓名', '区划代码', '人口类别', '纳入监测日期'],
  5: ['发放批次', '所属月份', '家庭编号', '身份证号', '救助类别', '发放金额', '发放日期'],
  6: ['救助编号', '身份证号', '姓名', '区划代码', '救助日期', '救助金额', '救助人数', '救助类型', '致困原因', '审批方式'],
  7: ['申请编号', '身份证号', '家庭编号', '区划代码', '申请类别', '发现渠道', '受理日期', '审核结果'],
  8: ['预警编号', '预警日期', '身份证号', '姓名', '区划代码', '预警来源', '预警事由', '预警等级', '处置状态'],
  9: ['数据日期', '户编号', '身份证号', '姓名', '区划代码', '人员类型'],
  10: ['身份证号', '姓名', '死亡日期', '数据来源'],
  11: ['核对编号', '核对日期', '身份证号', '区划代码', '核对事项', '核对结果'],
  12: ['问题编号', '发现日期', '问题来源', '区划代码', '问题类别', '问题描述', '整改期限', '责任单位', '整改状态'],
  13: ['干部身份证号', '干部姓名', '工作单位', '职务', '区划代码', '近亲属身份证号', '近亲属姓名', '关系', '数据日期'],
};

const ENUMS: Record<string, string[]> = {
  层级: ['市', '区县', '乡镇街道', '村社区'],
  城乡分类: ['城镇', '乡村'],
  标准类型: ['城市低保', '农村低保', '城市特困', '农村特困', '全护理', '半护理', '全自理'],
  计量单位: ['元/人·月', '元/人·年'],
  救助类别: ['城市低保', '农村低保', '城市特困', '农村特困'],
  供养方式: ['集中供养', '分散供养'],
  护理等级: ['全自理', '半护理', '全护理'],
  人口类别: ['特困人员', '低保对象', '低保边缘人口', '刚性支出困难人口', '其他困难人口'],
  发放方式: ['社会保障卡', '银行卡', '现金'],
  救助类型: ['急难型', '支出型'],
  致困原因: ['疾病', '意外事故', '自然灾害', '突发公共事件', '教育支出', '其他'],
  审批方式: ['乡镇备用金审批', '县级审批', '先行救助后补手续'],
  户籍类型: ['本地', '非本地'],
  申请类别: ['低保', '特困', '临时救助', '低保边缘认定', '刚性支出困难认定'],
  发现渠道: ['主动申请', '大数据预警', '入户走访', '部门转介', '热线求助'],
  审核结果: ['批准', '不予批准', '办理中'],
  预警来源: ['医保', '人社', '教育', '残联', '农业农村', '卫健', '公安', '住建', '殡葬', '民政'],
  预警等级: ['红', '橙', '黄', '蓝'],
  处置状态: ['待核查', '核查中', '已处置'],
  处置结果: ['纳入低保', '纳入特困', '给予临时救助', '转介专项救助', '认定低保边缘', '停发救助', '不符合条件'],
  人员类型: ['脱贫人口', '防止返贫监测对象'],
  风险是否消除: ['是', '否'],
  数据来源: ['殡葬', '公安', '卫健'],
  核对事项: ['新申请', '复核', '抽查'],
  核对结果: ['符合', '不符合', '疑似不符待核实'],
  问题来源: ['专项检查', '审计', '督查', '群众举报', '数据比对', '舆情'],
  问题类别: ['不符合条件享受', '应保未保', '资金发放不及时', '审核超时', '档案不规范', '近亲属未备案', '死亡未及时停发', '其他'],
  整改状态: ['待整改', '整改中', '已整改', '已销号'],
  回头看结论: ['通过', '未通过'],
  关系: ['配偶', '父母', '子女', '兄弟姐妹', '其他'],
};
const DATE_COLUMNS = new Set(['生效日期', '纳入日期', '纳入监测日期', '发放日期', '救助日期', '受理日期', '办结日期', '预警日期', '处置日期', '数据日期', '死亡日期', '核对日期', '发现日期', '整改期限', '整改完成日期', '回头看日期', '备案日期']);
const MONTH_COLUMNS = new Set(['统计月份', '所属月份']);
const AMOUNT_COLUMNS = new Set(['标准金额', '月救助金额', '发放金额', '救助金额', '涉及金额']);
const COUNT_COLUMNS = new Set(['户籍人口', '救助人数', '涉及人数']);
const REGION_COLUMNS = new Set(['区划代码', '上级区划代码']);
const ID_COLUMNS = new Set(['身份证号', '干部身份证号', '近亲属身份证号']);

/** Parses a date in one of the documented forms into 'YYYY-MM-DD', or undefined when invalid. */
function parseDate(raw: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw) ?? /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(raw) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(raw);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function parseMonth(raw: string): string | undefined {
  const m = /^(\d{4})[-/]?(\d{2})$/.exec(raw);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return undefined;
  return `${m[1]}-${m[2]}`;
}

function parseAmount(raw: string): number | undefined {
  if (!/^(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$/.test(raw)) return undefined;
  return Number(raw.replace(/,/g, ''));
}

// ------------------------------------------------------------------ reading the output

interface Table {
  file: string;
  kind: number;
  header: string[];
  rows: string[][];
}

function kindOf(file: string): number {
  return Number(/^(\d{2})-/.exec(file)?.[1]);
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object' && 'richText' in value) return value.richText.map((r) => r.text).join('');
  return String(value);
}

async function readTable(dir: string, file: string): Promise<Table> {
  const full = path.join(dir, file);
  const kind = kindOf(file);
  if (file.endsWith('.xlsx')) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(full);
    const ws = wb.worksheets[0]!;
    const all: string[][] = [];
    ws.eachRow((row) => {
      const values: string[] = [];
      for (let c = 1; c <= ws.columnCount; c++) values.push(cellText(row.getCell(c).value));
      all.push(values);
    });
    return { file, kind, header: all[0]!, rows: all.slice(1) };
  }
  const bytes = await readFile(full);
  const text = kind === 6 ? iconv.decode(bytes, 'gbk') : bytes.toString('utf8');
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new Error(`CSV parse errors: ${JSON.stringify(parsed.errors.slice(0, 3))}`);
  const records = parsed.data;
  return { file, kind, header: records[0]!, rows: records.slice(1) };
}

async function readAll(dir: string): Promise<Table[]> {
  const files = (await readdir(dir)).filter((f) => /\.(csv|xlsx)$/.test(f)).sort();
  return Promise.all(files.map((f) => readTable(dir, f)));
}

function column(t: Table, name: string): number {
  const i = t.header.indexOf(name);
  if (i < 0) throw new Error(`${t.file} has no column ${name}`);
  return i;
}

interface Problem {
  file: string;
  row: number;
  column: string;
}

/** Checks every cell by the rules of source-exports.md; returns the failing cells. */
function validate(tables: Table[], regionCodes: Set<string>): Problem[] {
  const problems: Problem[] = [];
  for (const t of tables) {
    const required = new Set(REQUIRED[t.kind]);
    t.rows.forEach((row, r) => {
      t.header.forEach((name, c) => {
        const v = (row[c] ?? '').trim();
        const bad = (): void => void problems.push({ file: t.file, row: r + 2, column: name });
        if (v === '') {
          if (required.has(name)) bad();
          return;
        }
        if (ID_COLUMNS.has(name) && !checkIdNumber(v).ok) bad();
        else if (REGION_COLUMNS.has(name) && (!/^\d{12}$/.test(v) || !regionCodes.has(v))) bad();
        else if (DATE_COLUMNS.has(name) && !parseDate(v)) bad();
        else if (MONTH_COLUMNS.has(name) && !parseMonth(v)) bad();
        else if (AMOUNT_COLUMNS.has(name) && parseAmount(v) === undefined) bad();
        else if (COUNT_COLUMNS.has(name) && !/^\d+$/.test(v)) bad();
        else if (ENUMS[name] && !ENUMS[name]!.includes(v)) bad();
      });
    });
  }
  return problems;
}

async function hashDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of (await readdir(dir)).sort()) out[f] = createHash('sha256').update(await readFile(path.join(dir, f))).digest('hex');
  return out;
}

// ------------------------------------------------------------------ tests

const dirs: string[] = [];
async function tempDir(label: string): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), `gen-${label}-`));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const SMALL = { months: 3, seed: 7, endMonth: '2024-06', withErrors: false, scale: 0.05 } as const;

describe('generateCity at a small scale', () => {
  let dir = '';
  let summary: GenerateSummary;
  let tables: Table[] = [];
  let regionCodes = new Set<string>();

  beforeAll(async () => {
    dir = await tempDir('small');
    summary = await generateCity({ ...SMALL, outDir: dir });
    tables = await readAll(dir);
    const regions = tables.find((t) => t.kind === 1)!;
    regionCodes = new Set(regions.rows.map((r) => r[0]!));
  }, 120_000);

  it('writes every kind with the expected file names', async () => {
    const files = (await readdir(dir)).sort();
    expect(files).toContain('01-行政区划.xlsx');
    expect(files).toContain('02-救助标准.csv');
    expect(files).toContain('10-死亡人员信息.csv');
    expect(files).toContain('12-整改问题清单.xlsx');
    expect(files).toContain('09-脱贫人口和防返贫监测对象-20240630.csv');
    for (const d of ['20240430', '20240531', '20240630']) expect(files).toContain(`13-干部近亲属备案-${d}.csv`);
    for (const prefix of ['03-低保特困在册人员', '04-低收入人口监测名单', '05-资金发放明细', '06-临时救助记录', '07-救助申请审核确认', '08-预警信息', '11-家庭经济状况核对']) {
      for (const m of ['202404', '202405', '202406']) expect(files).toContain(`${prefix}-${m}.csv`);
    }
    expect(files).not.toContain('planted-errors.json');
    expect(new Set(summary.files.map((f) => f.kind))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]));
    for (const f of summary.files) {
      const t = tables.find((x) => x.file === path.basename(f.path))!;
      expect(t.rows.length, f.path).toBe(f.rows);
      expect(f.rows, f.path).toBeGreaterThan(0);
    }
  });

  it('uses exactly the documented headers', () => {
    for (const t of tables) expect(t.header, t.file).toEqual(DOC_HEADERS[t.kind]);
  });

  it('writes UTF-8 CSV with BOM and CRLF, and the temporary relief file in GBK', async () => {
    const roster = await readFile(path.join(dir, '03-低保特困在册人员-202406.csv'));
    expect([...roster.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(roster.includes(Buffer.from('\r\n'))).toBe(true);
    expect(roster.toString('utf8').replace(/\r\n/g, '').includes('\n')).toBe(false);
    const relief = await readFile(path.join(dir, '06-临时救助记录-202406.csv'));
    expect(relief[0]).not.toBe(0xef);
    expect(iconv.decode(relief, 'gbk').startsWith('救助编号,身份证号')).toBe(true);
  });

  it('is deterministic: the same options give byte-identical files', async () => {
    const again = await tempDir('again');
    await generateCity({ ...SMALL, outDir: again });
    expect(await hashDir(again)).toEqual(await hashDir(dir));
    const other = await tempDir('other-seed');
    await generateCity({ ...SMALL, seed: 8, outDir: other });
    const a = await hashDir(dir);
    const b = await hashDir(other);
    expect(b['03-低保特困在册人员-202406.csv']).not.toBe(a['03-低保特困在册人员-202406.csv']);
  }, 120_000);

  it('has only valid rows: IDs, region codes, dates, months, amounts, enumerations, required cells', () => {
    expect(validate(tables, regionCodes)).toEqual([]);
    let ids = 0;
    for (const t of tables) {
      const i = t.header.indexOf('身份证号');
      if (i < 0) continue;
      for (const row of t.rows) {
        const id = row[i]!;
        expect(checkIdNumber(id).ok, `${t.file}: ${id}`).toBe(true);
        ids++;
      }
    }
    expect(ids).toBeGreaterThan(1000);
  });

  it('has a consistent region tree with the fictional province code 99 and summed populations', () => {
    const t = tables.find((x) => x.kind === 1)!;
    const byCode = new Map(t.rows.map((r) => [r[0]!, r]));
    const city = t.rows.find((r) => r[2] === '市')!;
    expect(city[0]).toBe('990100000000');
    expect(city[1]).toContain('示例数据');
    const childrenSum = new Map<string, number>();
    for (const r of t.rows) {
      expect(r[0]).toMatch(/^9901\d{8}$/);
      if (r[2] === '市') continue;
      expect(byCode.has(r[3]!), r[0]).toBe(true);
      childrenSum.set(r[3]!, (childrenSum.get(r[3]!) ?? 0) + Number(r[5]));
    }
    for (const [parent, sum] of childrenSum) expect(Number(byCode.get(parent)![5]), parent).toBe(sum);
    expect(t.rows.filter((r) => r[2] === '区县')).toHaveLength(5);
    const villages = t.rows.filter((r) => r[2] === '村社区');
    expect(villages.length).toBeGreaterThan(5 * 10 * 8 - 1);
    for (const v of villages) expect(v[0]!.slice(0, 9) + '000').toBe(v[3]);
    expect(Number(city[5])).toBeGreaterThan(0.05 * 1_500_000);
    expect(Number(city[5])).toBeLessThan(0.05 * 1_700_000);
  });

  it('keeps the lists consistent with each other', () => {
    const roster = tables.find((t) => t.file === '03-低保特困在册人员-202406.csv')!;
    const low = tables.find((t) => t.file === '04-低收入人口监测名单-202406.csv')!;
    const pay = tables.find((t) => t.file === '05-资金发放明细-202406.csv')!;
    // one payment per roster row, same amount
    expect(pay.rows.length).toBe(roster.rows.length);
    const rosterAmount = new Map(roster.rows.map((r) => [r[1] + '|' + r[2], r[10]]));
    for (const p of pay.rows) expect(rosterAmount.get(p[2] + '|' + p[3])).toBe(p[5]);
    // every roster person is on the low-income list with the same household
    const lowKeys = new Set(low.rows.map((r) => r[2] + '|' + r[1]));
    const onLow = roster.rows.filter((r) => lowKeys.has(r[2] + '|' + r[1])).length;
    expect(onLow / roster.rows.length).toBeGreaterThan(0.99);
    // tekun-only columns
    const cat = column(roster, '救助类别');
    for (const r of roster.rows) {
      const tekun = r[cat]!.endsWith('特困');
      expect(r[column(roster, '供养方式')] !== '', r.join()).toBe(tekun);
      expect(r[column(roster, '护理等级')] !== '', r.join()).toBe(tekun);
    }
    // inclusion dates before the month; each household has one head
    const heads = new Map<string, number>();
    for (const r of roster.rows) {
      expect(parseDate(r[9]!)! < '2024-06-01').toBe(true);
      if (r[4] === '本人') heads.set(r[1]!, (heads.get(r[1]!) ?? 0) + 1);
    }
    for (const hh of new Set(roster.rows.map((r) => r[1]!))) expect(heads.get(hh), hh).toBe(1);
  });

  it('puts approved dibao/tekun applicants on the roster from the following month', () => {
    const apps = tables.filter((t) => t.kind === 7).flatMap((t) => t.rows);
    const rosterOf = (m: string): Set<string> =>
      new Set(tables.find((t) => t.file === `03-低保特困在册人员-${m}.csv`)!.rows.map((r) => r[2] + '|' + r[1]));
    const next: Record<string, Set<string>> = { '2024-04': rosterOf('202405'), '2024-05': rosterOf('202406') };
    let checked = 0;
    for (const a of apps) {
      if (a[8] !== '批准' || !['低保', '特困'].includes(a[4]!)) continue;
      const decided = parseDate(a[7]!)!.slice(0, 7);
      const set = next[decided];
      if (!set) continue;
      expect(set.has(a[1] + '|' + a[2]), a.join()).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
    // pending applications have no decision date
    for (const a of apps) expect(a[8] === '办理中').toBe(a[7] === '');
  });

  it('lists cadres and their close relatives, and plants unfiled relatives on the roster and two near misses', () => {
    const lists = new Map(tables.filter((t) => t.kind === 13).map((t) => [t.rows[0]![9]!, t]));
    expect([...lists.keys()].sort()).toEqual(['2024-04-30', '2024-05-31', '2024-06-30']);
    const rosters = new Map(tables.filter((t) => t.kind === 3).map((t) => [t.rows[0]![0]!, new Map(t.rows.map((r) => [r[2]!, r]))]));
    const months = [...rosters.keys()].sort();
    const monthEnd = (m: string) => parseDate(`${m}-${new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5)), 0)).getUTCDate()}`)!;
    const last = lists.get('2024-06-30')!;
    const cadres = new Set(last.rows.map((r) => r[0]));
    // max(6, round(300 × 0.05)) register cadres, plus one for each relative placed on a roster
    expect(cadres.size).toBeGreaterThanOrEqual(15);
    expect(cadres.size).toBeLessThan(40);
    const posts = ['村党支部书记', '村委会主任', '社区党支部书记', '社区居委会主任', '民政经办人员', '乡镇干部'];
    for (const r of last.rows) expect(posts, r.join()).toContain(r[3]);
    for (const [listOn, t] of lists) for (const r of t.rows) if (r[8] !== '') expect(r[8]! <= listOn, r.join()).toBe(true);

    // the rule, worked out from the files: on the month's roster, no filing on or before its last day
    // in the list in force (the list dated on that last day)
    const findings = new Set<string>();
    const onRoster = new Set<string>();
    for (const m of months) {
      const list = lists.get(monthEnd(m))!;
      for (const r of list.rows) {
        if (!rosters.get(m)!.has(r[5]!)) continue;
        onRoster.add(r[5]!);
        if (r[8] === '' || r[8]! > monthEnd(m)) findings.add(`${m} ${r[5]}`);
      }
    }
    const relatives = new Set(tables.filter((t) => t.kind === 13).flatMap((t) => t.rows.map((r) => r[5])));
    expect(onRoster.size / relatives.size).toBeLessThan(0.15);
    const unfiledPersons = new Set([...findings].map((f) => f.split(' ')[1]));
    // max(2, round(5 × 0.05)) never filed, plus the relative filed a day late
    expect(unfiledPersons.size).toBe(3);
    // filed before inclusion: the filing precedes the roster's 纳入日期
    const filedEarly = last.rows.filter((r) => r[8] !== '' && [...rosters.values()].some((ro) => ro.has(r[5]!) && r[8]! < ro.get(r[5]!)![9]!));
    expect(filedEarly.length).toBeGreaterThanOrEqual(2);
    // near miss: filed on the last day of the first month listed
    const onMonthEnd = months.filter((m) => lists.get(monthEnd(m))!.rows.some((r) => r[8] === monthEnd(m) && rosters.get(m)!.has(r[5]!)));
    expect(onMonthEnd).toHaveLength(1);
    // filed the day after the month's end: a finding in that month, none the month after
    const dayAfter = months.slice(0, -1).filter((m, i) => {
      const next = months[i + 1]!;
      return lists.get(monthEnd(next))!.rows.some((r) => {
        const d = new Date(`${monthEnd(m)}T00:00:00Z`);
        d.setUTCDate(d.getUTCDate() + 1);
        return r[8] === d.toISOString().slice(0, 10) && findings.has(`${m} ${r[5]}`) && !findings.has(`${next} ${r[5]}`) && rosters.get(next)!.has(r[5]!);
      });
    });
    expect(dayAfter).toHaveLength(1);
  });

  it('respects the township reserve-fund limit for temporary relief', () => {
    for (const t of tables.filter((x) => x.kind === 6)) {
      for (const r of t.rows) if (r[9] === '乡镇备用金审批') expect(Number(r[5])).toBeLessThanOrEqual(4 * 500 * 1.1);
    }
  });
});

describe('generateCity calibration (scale 0.2, 6 months)', () => {
  let tables: Table[] = [];

  beforeAll(async () => {
    const dir = await tempDir('calibration');
    await generateCity({ outDir: dir, months: 6, seed: 1, endMonth: '2024-06', withErrors: false, scale: 0.2 });
    tables = await readAll(dir);
  }, 180_000);

  it('matches the figures of docs/domain.md', () => {
    const roster = tables.find((t) => t.file === '03-低保特困在册人员-202406.csv')!;
    const low = tables.find((t) => t.file === '04-低收入人口监测名单-202406.csv')!;
    const urban = roster.rows.filter((r) => r[6] === '城市低保').length;
    const rural = roster.rows.filter((r) => r[6] === '农村低保').length;
    const tekun = roster.rows.filter((r) => r[6]!.endsWith('特困')).length;
    // 34,856 dibao persons (8,211 urban) and ~4,000 tekun per 1.6 million
    expect((urban + rural) / 0.2).toBeGreaterThan(33_000);
    expect((urban + rural) / 0.2).toBeLessThan(37_000);
    expect(urban / (urban + rural)).toBeCloseTo(8211 / 34856, 1);
    expect(tekun / 0.2).toBeGreaterThan(3_500);
    expect(tekun / 0.2).toBeLessThan(4_500);
    const hh = new Set(roster.rows.filter((r) => r[6]!.endsWith('低保')).map((r) => r[1])).size;
    expect((urban + rural) / hh).toBeGreaterThan(1.7);
    expect((urban + rural) / hh).toBeLessThan(2.1);

    const count = (c: string): number => low.rows.filter((r) => r[5] === c).length;
    const dibao = count('低保对象');
    expect(count('低保边缘人口') / dibao).toBeCloseTo(0.466, 1);
    expect(Math.abs(count('低保边缘人口') / dibao - 0.466)).toBeLessThan(0.02);
    expect(Math.abs(count('刚性支出困难人口') / dibao - 0.145)).toBeLessThan(0.01);

    // alleviated / relapse-watch persons on dibao or tekun at the quarter end
    const snapshot = tables.find((t) => t.file === '09-脱贫人口和防返贫监测对象-20240630.csv')!;
    const onRoster = new Set(roster.rows.map((r) => r[2]));
    const share = (type: string): number => {
      const xs = snapshot.rows.filter((r) => r[5] === type);
      return xs.filter((r) => onRoster.has(r[2])).length / xs.length;
    };
    expect(Math.abs(share('脱贫人口') - 0.2181)).toBeLessThan(0.02);
    expect(Math.abs(share('防止返贫监测对象') - 0.4494)).toBeLessThan(0.03);
    const alleviated = snapshot.rows.filter((r) => r[5] === '脱贫人口').length;
    expect(alleviated / 0.2).toBeGreaterThan(48_000);
    expect(alleviated / 0.2).toBeLessThan(55_000);

    // temporary relief: ~3,035 person-times per half year, ~1,283 yuan per person-time
    const relief = tables.filter((t) => t.kind === 6).flatMap((t) => t.rows);
    const personTimes = relief.reduce((a, r) => a + Number(r[6]), 0);
    const paid = relief.reduce((a, r) => a + Number(r[5]), 0);
    expect(personTimes / 0.2).toBeGreaterThan(3035 * 0.85);
    expect(personTimes / 0.2).toBeLessThan(3035 * 1.15);
    expect(paid / personTimes).toBeGreaterThan(1283 * 0.85);
    expect(paid / personTimes).toBeLessThan(1283 * 1.15);

    // proactive discovery ~30 % of approved applications; one county lags, one leads
    const apps = tables.filter((t) => t.kind === 7).flatMap((t) => t.rows).filter((r) => r[8] === '批准');
    const proactive = (xs: string[][]): number => xs.filter((r) => ['大数据预警', '入户走访', '部门转介'].includes(r[5]!)).length / xs.length;
    expect(Math.abs(proactive(apps) - 0.3)).toBeLessThan(0.05);
    const byCounty = new Map<string, string[][]>();
    for (const r of apps) byCounty.set(r[3]!.slice(0, 6), [...(byCounty.get(r[3]!.slice(0, 6)) ?? []), r]);
    const rates = [...byCounty.values()].map(proactive).sort((a, b) => a - b);
    expect(rates[0]).toBeLessThan(0.22);
    expect(rates[rates.length - 1]).toBeGreaterThan(0.38);
    const decided = tables.filter((t) => t.kind === 7).flatMap((t) => t.rows).filter((r) => r[8] !== '办理中');
    const approvedShare = decided.filter((r) => r[8] === '批准').length / decided.length;
    expect(approvedShare).toBeGreaterThan(0.65);
    expect(approvedShare).toBeLessThan(0.85);

    // verifications ~2,000 a month, 5–6 % flagged (不符合 or 疑似不符待核实: the calibration's 5.65 % of
    // verifications raising warnings); the mismatch indicator counts 不符合 only (domain.md)
    const checks = tables.filter((t) => t.kind === 11).flatMap((t) => t.rows);
    expect(checks.length / 6 / 0.2).toBeGreaterThan(1_800);
    const mismatch = checks.filter((r) => r[5] !== '符合').length / checks.length;
    expect(mismatch).toBeGreaterThan(0.035);
    expect(mismatch).toBeLessThan(0.08);

    // payments mostly by the 10th
    const payments = tables.filter((t) => t.kind === 5).flatMap((t) => t.rows);
    const onTime = payments.filter((r) => Number(parseDate(r[6]!)!.slice(8)) <= 10).length / payments.length;
    expect(onTime).toBeGreaterThan(0.95);
    expect(onTime).toBeLessThan(1);
  });

  it('plants the integrity problems: paid after death, listed twice in a month', () => {
    const deaths = tables.find((t) => t.kind === 10)!.rows;
    const rosters = tables.filter((t) => t.kind === 3).map((t) => ({ month: t.rows[0]![0]!, ids: t.rows.map((r) => r[2]!) }));
    let paidAfterDeath = 0;
    for (const d of deaths) {
      const deathMonth = parseDate(d[2]!)!.slice(0, 7);
      if (rosters.some((r) => r.month > deathMonth && r.ids.includes(d[0]!))) paidAfterDeath++;
    }
    expect(paidAfterDeath).toBeGreaterThanOrEqual(2);
    expect(paidAfterDeath).toBeLessThan(10);
    let twice = 0;
    for (const r of rosters) twice += r.ids.length - new Set(r.ids).size;
    expect(twice).toBeGreaterThanOrEqual(2);
  });
});

describe('generateCity withErrors', () => {
  it('plants exactly the errors listed in planted-errors.json', async () => {
    const dir = await tempDir('errors');
    const summary = await generateCity({ ...SMALL, withErrors: true, outDir: dir });
    const listed = JSON.parse(await readFile(path.join(dir, 'planted-errors.json'), 'utf8')) as GenerateSummary['plantedErrors'];
    expect(listed).toEqual(summary.plantedErrors);
    expect(listed.length).toBeGreaterThanOrEqual(8);
    expect(listed.length).toBeLessThanOrEqual(15);
    expect(new Set(listed.map((e) => e.reason)).size).toBe(listed.length);
    expect(new Set(listed.map((e) => kindOf(e.file))).size).toBeGreaterThanOrEqual(5);

    const tables = await readAll(dir);
    const regionCodes = new Set(tables.find((t) => t.kind === 1)!.rows.map((r) => r[0]!));
    const key = (p: { file: string; row: number; column: string }): string => `${p.file}#${p.row}#${p.column}`;
    expect(validate(tables, regionCodes).map(key).sort()).toEqual(listed.map(key).sort());
  }, 120_000);
});

// Kind 13 (干部近亲属备案) end to end: the contract (headers, validation),
// loading (CSV and XLSX, rejects with file/row/column/reason, idempotence, a
// list replaced by a re-export of its date), and the integrity check "close
// relatives of cadres without a filing" on the hand-made city of
// test/fixtures/integrity/cadre-relatives-city.ts, in the mart, the union of
// all findings and the Cube view `integrity`.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectKind, UnknownKindError } from '../etl/formats/detect.ts';
import { idCheckChar } from '../etl/formats/id-number.ts';
import { kindByNumber } from '../etl/formats/kinds.ts';
import { validateRow } from '../etl/formats/validate.ts';
import { runLoad } from '../etl/load/batch.ts';
import { exportRejects } from '../etl/rejects/export.ts';
import { readRejects } from '../etl/rejects/query.ts';
import { C1, C3, C4, csv, REGISTER_HEADERS, registerRows, rosterName, writeCadreRelativesCity } from './fixtures/integrity/cadre-relatives-city.ts';
import { CITY, COUNTY_A, COUNTY_B, TOWN_A2, VIL_A1, VIL_A2, VIL_B1, pid } from './fixtures/small-city.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

type Row = Record<string, unknown>;
const wrongCheck = (id: string) => id.slice(0, 17) + (idCheckChar(id.slice(0, 17)) === '1' ? '2' : '1');

// ---------------------------------------------------------------------------- the contract

describe('the contract of kind 13', () => {
  const spec = kindByNumber(13);
  const good: Record<string, string> = {
    干部身份证号: C1.id, 干部姓名: C1.name, 工作单位: C1.unit, 职务: C1.post, 区划代码: VIL_A1,
    近亲属身份证号: pid(601), 近亲属姓名: '亲属601', 关系: '父母', 备案日期: '2025/3/1', 数据日期: '20250331',
  };
  const headers = [...REGISTER_HEADERS].reverse();
  const match = detectKind(headers);
  const cells = (over: Record<string, string>) => headers.map((h) => ({ ...good, ...over })[h]!);
  const ctx = { regionCodes: new Set([VIL_A1]) };

  it('is known by its headers, in any order; the filing date may be left out', () => {
    expect(match.spec.kind).toBe(13);
    expect(detectKind(REGISTER_HEADERS.filter((h) => h !== '备案日期')).spec.kind).toBe(13);
    expect(spec).toMatchObject({ title: '干部近亲属备案', table: 'cadre_relatives', replace: { by: 'partition', column: 'list_on' } });
  });

  it('is listed with its required columns when a file matches no kind', () => {
    expect(() => detectKind(['甲', '乙'])).toThrow(UnknownKindError);
    expect(() => detectKind(['甲', '乙'])).toThrow('13. 干部近亲属备案：干部身份证号、干部姓名、工作单位、职务、区划代码、近亲属身份证号、近亲属姓名、关系、数据日期');
    expect(() => detectKind(REGISTER_HEADERS.filter((h) => h !== '关系'))).toThrow(UnknownKindError);
  });

  it('types a good row, dates in any documented form', () => {
    expect(validateRow(match, cells({}), ctx)).toMatchObject({
      ok: true,
      values: { cadre_id_number: C1.id, relative_id_number: pid(601), relation: '父母', filed_on: '2025-03-01', list_on: '2025-03-31', region_code: VIL_A1 },
    });
    expect(validateRow(match, cells({ 备案日期: '' }), ctx)).toMatchObject({ ok: true, values: { filed_on: null } });
  });

  it.each([
    ['干部身份证号', wrongCheck(C1.id), '身份证号校验位错误'],
    ['近亲属身份证号', wrongCheck(pid(601)), '身份证号校验位错误'],
    ['区划代码', '990199001001', '区划代码 990199001001 不在行政区划表中'],
    ['关系', '表兄弟', '不在允许范围内'],
    ['备案日期', '2025-02-30', '日期不存在'],
    ['数据日期', '', '必填项为空'],
    ['近亲属身份证号', C1.id, '近亲属身份证号与干部身份证号相同'],
    ['备案日期', '2025-04-01', '备案日期（2025-04-01）晚于数据日期（2025-03-31）'],
  ])('rejects %s = "%s" naming the column and the reason', (header, value, reason) => {
    const r = validateRow(match, cells({ [header]: value }), ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatchObject({ column: header, value });
      expect(r.errors[0]!.reason).toContain(reason);
    }
  });
});

// ---------------------------------------------------------------------------- loading and the check

let platform: TestPlatform;
let dir: string;
let admin: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  dir = await mkdtemp(path.join(os.tmpdir(), 'cadre-relatives-'));
  await writeCadreRelativesCity(path.join(dir, 'city'));
  admin = await platform.token({ role: 'admin', region: CITY });
}, 120_000);

afterAll(async () => {
  await platform?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const query = async (sql: string, params: unknown[] = []): Promise<Row[]> =>
  (await platform.db.pool.query(sql, params)).rows.map((r: Row) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString().slice(0, 10) : v])));

const findingKey = (month: string, relative: number, cadre: { id: string }) => `cadre_relative_unfiled:${month}:${pid(relative)}:${cadre.id}`;

/** Worked out by hand in the fixture's header comment. */
const EXPECTED = [
  findingKey('2025-01-01', 601, C1),
  findingKey('2025-01-01', 608, C4),
  findingKey('2025-02-01', 601, C1),
  findingKey('2025-02-01', 604, C1),
  findingKey('2025-03-01', 601, C1),
  findingKey('2025-03-01', 607, C1),
  findingKey('2025-03-01', 607, C3),
].sort();

const findingIds = async () => (await query('select finding_id from marts.fct_integrity_cadre_relatives order by finding_id')).map((r) => r.finding_id);

describe('loading the register', () => {
  it('detects kind 13 in CSV and XLSX and loads every list into its own partition', async () => {
    const report = await runLoad(platform.db.pool, [path.join(dir, 'city')], { runBy: 'test' });
    expect(report.files.flatMap((f) => f.rejects)).toEqual([]);
    const registers = report.files.filter((f) => f.name.startsWith('register-')).map((f) => [f.name, f.kind, f.format, f.rowsLoaded]);
    expect(registers).toEqual([
      ['register-2025-01-20.csv', 13, 'CSV UTF-8', 3],
      ['register-2025-02-28.csv', 13, 'CSV UTF-8', 6],
      ['register-2025-03-31.csv', 13, 'CSV UTF-8', 8],
      ['register-2025-04-20.xlsx', 13, 'XLSX', 8],
    ]);
    const partitions = await query(`select tableoid::regclass::text as part, list_on, count(*)::int as n from raw.cadre_relatives group by 1, 2 order by 2`);
    expect(partitions).toEqual([
      { part: 'raw.cadre_relatives_p20250120', list_on: '2025-01-20', n: 3 },
      { part: 'raw.cadre_relatives_p20250228', list_on: '2025-02-28', n: 6 },
      { part: 'raw.cadre_relatives_p20250331', list_on: '2025-03-31', n: 8 },
      { part: 'raw.cadre_relatives_p20250420', list_on: '2025-04-20', n: 8 },
    ]);
    // Excel date cells read as dates
    expect(await query(`select filed_on from raw.cadre_relatives where list_on = '2025-04-20' and relative_id_number = $1`, [pid(601)])).toEqual([{ filed_on: '2025-04-18' }]);
  });
});

describe('close relatives of cadres without a filing', () => {
  it('finds exactly the unfiled relatives on the month\'s roster, against the list in force', async () => {
    expect(await findingIds()).toEqual(EXPECTED);
  });

  it('names the cadre, unit, post, relation and filing in the evidence, placed by the listing that counts', async () => {
    const [jan] = await query(`select * from marts.fct_integrity_cadre_relatives where finding_id = $1`, [findingKey('2025-01-01', 601, C1)]);
    expect(jan).toMatchObject({
      month_start: '2025-01-01', id_number: pid(601), person_name: rosterName(601), region_code: VIL_A1, category: '城市低保',
      relation: '父母', cadre_id_number: C1.id, cadre_name: C1.name, work_unit: C1.unit, post: C1.post, cadre_region_code: VIL_A1,
      is_same_county: true, list_on: '2025-01-20', filed_on: null, is_never_filed: true,
    });
    expect(jan!.evidence).toBe(`2025年1月在册城市低保，系中共甲一街道甲一社区支部委员会社区党支部书记干部甲（干部身份证号 ${C1.id}，任职区划 ${VIL_A1}）的父母；未备案（干部近亲属备案名单 2025-01-20）`);
    // dibao and tekun in March: the tekun listing (A2) counts; one finding for each of the two cadres
    const mar607 = await query(`select cadre_id_number, region_code, category, relation, is_same_county from marts.fct_integrity_cadre_relatives where id_number = $1 order by relation`, [pid(607)]);
    expect(mar607).toEqual([
      { cadre_id_number: C3.id, region_code: VIL_A2, category: '城市特困', relation: '其他', is_same_county: false },
      { cadre_id_number: C1.id, region_code: VIL_A2, category: '城市特困', relation: '兄弟姐妹', is_same_county: true },
    ].sort((a, b) => (a.relation < b.relation ? -1 : 1)));
  });

  it('leaves alone a filing on the month\'s last day, and a filing the day after clears only the months after', async () => {
    const byPerson = async (n: number) => (await query(`select month_start from marts.fct_integrity_cadre_relatives where id_number = $1 order by 1`, [pid(n)])).map((r) => r.month_start);
    expect(await byPerson(603)).toEqual([]); // filed 2025-02-28
    expect(await byPerson(604)).toEqual(['2025-02-01']); // filed 2025-03-01
    expect(await byPerson(602)).toEqual([]); // filed before inclusion
    expect(await byPerson(605)).toEqual([]); // on no roster
    expect(await byPerson(606)).toEqual([]); // on the low-income roster only
    expect(await byPerson(608)).toEqual(['2025-01-01']); // C4 is not in the later lists
    // December has no list in force; April's list (2025-04-20) holds 601's filing of 2025-04-18
    expect(await byPerson(601)).toEqual(['2025-01-01', '2025-02-01', '2025-03-01']);
  });

  it('is one check of the union of all findings, with its Chinese title and the region\'s county and township', async () => {
    const rows = await query(`select * from marts.fct_integrity_findings where check_code = 'cadre_relative_unfiled' order by finding_id`);
    expect(rows.map((r) => r.finding_id)).toEqual(EXPECTED);
    expect(rows.every((r) => r.check_title === '干部近亲属未备案' && r.check_order === 9 && r.amount_yuan === null && r.is_region_known === true)).toBe(true);
    expect(rows.find((r) => r.id_number === pid(604))).toMatchObject({ county_code: COUNTY_A, county_name: '甲区', region_code: VIL_A1, person_name: rosterName(604) });
    expect(rows.find((r) => r.id_number === pid(608))).toMatchObject({ county_code: COUNTY_B, county_name: '乙县', township_name: '乙一镇', region_code: VIL_B1 });
  });

  it('is counted by the view `integrity`, within the token\'s region', async () => {
    // 607, on the dibao and the tekun roster in March, is also a finding of "multiple rosters"
    const all = await platform.load({ measures: ['integrity.findings', 'integrity.persons'], dimensions: ['integrity.check_code', 'integrity.check_title'], order: [['integrity.check_code', 'asc']] }, admin);
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.data).toEqual([
      { 'integrity.check_code': 'cadre_relative_unfiled', 'integrity.check_title': '干部近亲属未备案', 'integrity.findings': '7', 'integrity.persons': '4' },
      { 'integrity.check_code': 'multiple_rosters', 'integrity.check_title': '重复在册（同月在两类名单或两个区划登记）', 'integrity.findings': '1', 'integrity.persons': '1' },
    ]);
    const onlyThis = [{ member: 'integrity.check_code', operator: 'equals', values: ['cadre_relative_unfiled'] }];
    const byMonth = await platform.load({ measures: ['integrity.findings'], filters: onlyThis, timeDimensions: [{ dimension: 'integrity.month', granularity: 'month', dateRange: ['2024-12-01', '2025-04-30'] }], order: [['integrity.month', 'asc']] }, admin);
    expect(byMonth.status, JSON.stringify(byMonth.body)).toBe(200);
    expect(byMonth.body.data.map((r: Row) => [String(r['integrity.month.month']).slice(0, 7), Number(r['integrity.findings'])])).toEqual([['2025-01', 2], ['2025-02', 2], ['2025-03', 3]]);
    const countyB = await platform.load({ measures: ['integrity.findings'], dimensions: ['integrity.check_code'] }, await platform.token({ role: 'staff', region: COUNTY_B }));
    expect(countyB.status).toBe(200);
    expect(countyB.body.data).toEqual([{ 'integrity.check_code': 'cadre_relative_unfiled', 'integrity.findings': '1' }]);
    // township A2: 607 in March, once for each of the two cadres (and once as listed twice)
    const townA2 = await platform.load({ measures: ['integrity.findings'], filters: onlyThis }, await platform.token({ role: 'inspector', region: TOWN_A2 }));
    expect(townA2.status).toBe(200);
    expect(townA2.body.data).toEqual([{ 'integrity.findings': '2' }]);
  });

  it('describes the check in /meta, in Chinese', async () => {
    const res = await platform.app.inject({ url: '/cubejs-api/v1/meta', headers: { authorization: admin } });
    const view = (res.json().cubes as { name: string; description: string; dimensions: Row[] }[]).find((c) => c.name === 'integrity')!;
    expect(view.description).toContain('干部近亲属未备案');
    const checkCode = view.dimensions.find((d) => d.name === 'integrity.check_code')!;
    expect(checkCode.description).toContain('cadre_relative_unfiled（干部近亲属未备案');
  });
});

describe('loading the register again', () => {
  it('rejects bad rows with file, row, column and reason, and loads the good ones', async () => {
    const bad = path.join(dir, 'bad');
    await mkdir(bad);
    const listOn = '2025-05-31'; // after the data's last month: no month uses it
    const [row] = registerRows('2025-03-31').map((r) => ({ ...r, 数据日期: listOn }));
    const rows = [
      row!,
      { ...row!, 干部身份证号: wrongCheck(C1.id) },
      { ...row!, 近亲属身份证号: wrongCheck(pid(601)) },
      { ...row!, 区划代码: '990199001001' },
      { ...row!, 关系: '表兄弟' },
      { ...row!, 备案日期: '2025-02-30' },
      { ...row!, 近亲属身份证号: C1.id },
      { ...row!, 备案日期: '2025-06-01' },
      { ...row!, 近亲属身份证号: pid(609), 数据日期: '2025-13-01' },
    ];
    await writeFile(path.join(bad, 'register-bad.csv'), csv(REGISTER_HEADERS, rows));
    const report = await runLoad(platform.db.pool, [bad], { runBy: 'test' });
    expect(report.files.map((f) => [f.kind, f.rowsRead, f.rowsLoaded, f.rowsRejected])).toEqual([[13, 9, 1, 8]]);
    const rejects = await query(`select file_name, kind, row_number, column_name, reason from etl.rejects where batch_id = $1 order by row_number`, [report.batchId]);
    expect(rejects.map((r) => [r.file_name, r.kind, r.row_number, r.column_name])).toEqual([
      ['register-bad.csv', 13, 3, '干部身份证号'],
      ['register-bad.csv', 13, 4, '近亲属身份证号'],
      ['register-bad.csv', 13, 5, '区划代码'],
      ['register-bad.csv', 13, 6, '关系'],
      ['register-bad.csv', 13, 7, '备案日期'],
      ['register-bad.csv', 13, 8, '近亲属身份证号'],
      ['register-bad.csv', 13, 9, '备案日期'],
      ['register-bad.csv', 13, 10, '数据日期'],
    ]);
    expect(rejects.map((r) => r.reason)).toEqual([
      expect.stringContaining('身份证号校验位错误'),
      expect.stringContaining('身份证号校验位错误'),
      '区划代码 990199001001 不在行政区划表中',
      expect.stringContaining('不在允许范围内'),
      expect.stringContaining('日期不存在'),
      '近亲属身份证号与干部身份证号相同',
      '备案日期（2025-06-01）晚于数据日期（2025-05-31）',
      expect.stringContaining('日期'),
    ]);
    expect(await query(`select list_on, count(*)::int as n from raw.cadre_relatives where list_on = $1 group by 1`, [listOn])).toEqual([{ list_on: listOn, n: 1 }]);
    // a list dated after every month changes no month's findings
    expect(await findingIds()).toEqual(EXPECTED);
  });

  it('exports the rejects for correction, and a corrected row joins its list without replacing it', async () => {
    const batch = (await query(`select max(batch_id)::int as b from etl.rejects where kind = 13`))[0]!.b as number;
    const exported = path.join(dir, 'register-fix.xlsx');
    const summary = await exportRejects(await readRejects(platform.db.pool, batch), exported);
    expect(summary.sheets.map((s) => [s.name, s.rows])).toEqual([['register-bad', 8]]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(exported);
    const sheet = wb.getWorksheet('register-bad')!;
    expect((sheet.getRow(1).values as string[]).slice(1)).toEqual([...REGISTER_HEADERS, '错误说明', '补正来源']);
    // staff fix the relation of the row of 表兄弟 (row 6 of the file, the 4th rejected) and drop the others
    const relation = REGISTER_HEADERS.indexOf('关系') + 1;
    expect(sheet.getRow(5).getCell(relation).value).toBe('表兄弟');
    sheet.getRow(5).getCell(relation).value = '其他';
    sheet.getRow(5).getCell(REGISTER_HEADERS.indexOf('近亲属身份证号') + 1).value = pid(605);
    for (const r of [9, 8, 7, 6, 4, 3, 2]) sheet.spliceRows(r, 1);
    const corrected = path.join(dir, 'register-fixed.xlsx');
    await wb.xlsx.writeFile(corrected);
    const report = await runLoad(platform.db.pool, [corrected], { runBy: 'test' });
    expect(report.files.map((f) => [f.kind, f.rowsLoaded, f.rowsRejected])).toEqual([[13, 1, 0]]);
    expect(await query(`select relative_id_number, relation from raw.cadre_relatives where list_on = '2025-05-31' order by source_file`)).toEqual([
      { relative_id_number: pid(601), relation: '父母' },
      { relative_id_number: pid(605), relation: '其他' },
    ]);
    expect(await findingIds()).toEqual(EXPECTED);
  });

  it('changes nothing when the same file is loaded twice', async () => {
    const before = await query(`select list_on, count(*)::int as n from raw.cadre_relatives group by 1 order by 1`);
    const report = await runLoad(platform.db.pool, [path.join(dir, 'city', 'register-2025-02-28.csv'), path.join(dir, 'city', 'register-2025-04-20.xlsx')], { runBy: 'test' });
    expect(report.files.map((f) => f.outcome)).toEqual(['skipped', 'skipped']);
    expect(await query(`select list_on, count(*)::int as n from raw.cadre_relatives group by 1 order by 1`)).toEqual(before);
    expect(await findingIds()).toEqual(EXPECTED);
  });

  it('replaces a list by a newer export of its date, and the month it is in force for follows', async () => {
    // February's list exported again: 601 filed on 2025-02-20, 604 left out
    const again = path.join(dir, 'again');
    await mkdir(again);
    const rows = registerRows('2025-02-28')
      .filter((r) => r.近亲属身份证号 !== pid(604))
      .map((r) => (r.近亲属身份证号 === pid(601) ? { ...r, 备案日期: '2025-02-20' } : r));
    await writeFile(path.join(again, 'register-2025-02-28-v2.csv'), csv(REGISTER_HEADERS, rows));
    const report = await runLoad(platform.db.pool, [again], { runBy: 'test' });
    expect(report.files.map((f) => [f.kind, f.outcome, f.rowsLoaded])).toEqual([[13, 'loaded', 5]]);
    expect(await query(`select count(*)::int as n, count(*) filter (where source_file = 'register-2025-02-28-v2.csv')::int as v2 from raw.cadre_relatives where list_on = '2025-02-28'`)).toEqual([{ n: 5, v2: 5 }]);
    // February loses both of its findings; March still uses the list of 2025-03-31, where 601 has no filing
    expect(await findingIds()).toEqual(EXPECTED.filter((id) => !id.startsWith('cadre_relative_unfiled:2025-02-01:')));
    // the other lists are untouched
    expect(await query(`select list_on, count(*)::int as n from raw.cadre_relatives where list_on <> '2025-02-28' group by 1 order by 1`)).toEqual([
      { list_on: '2025-01-20', n: 3 }, { list_on: '2025-03-31', n: 8 }, { list_on: '2025-04-20', n: 8 }, { list_on: '2025-05-31', n: 2 },
    ]);
  });
});

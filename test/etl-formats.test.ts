import { describe, expect, it } from 'vitest';
import { detectKind, UnknownKindError } from '../etl/formats/detect.ts';
import { checkIdNumber, idCheckChar } from '../etl/formats/id-number.ts';
import { kindByNumber, KINDS } from '../etl/formats/kinds.ts';
import { validateRow } from '../etl/formats/validate.ts';
import { parseAmount, parseDate, parseMonth } from '../etl/formats/values.ts';

const headersOf = (kind: number) => kindByNumber(kind).columns.map((c) => c.header);
const validId = (body17: string) => body17 + idCheckChar(body17);
const ID = validId('11010519491231002');

describe('ID numbers (GB 11643)', () => {
  it('accepts the standard example and a lower-case x', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(checkIdNumber('11010519491231002x')).toEqual({ ok: true, value: '11010519491231002X' });
  });
  it('rejects a wrong check digit, saying which one is expected', () => {
    const r = checkIdNumber('110105194912310021');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('应为 X');
  });
  it('rejects wrong lengths and letters', () => {
    expect(checkIdNumber('11010519491231002').ok).toBe(false);
    expect(checkIdNumber('1101051949123100AX').ok).toBe(false);
  });
});

describe('dates, months and amounts', () => {
  it.each([
    ['2024-06-30', '2024-06-30'],
    ['2024/6/30', '2024-06-30'],
    ['20240630', '2024-06-30'],
  ])('date %s', (input, expected) => expect(parseDate(input)).toEqual({ ok: true, value: expected }));
  it('reads Excel date cells and serial numbers', () => {
    expect(parseDate(new Date(Date.UTC(2024, 5, 30)))).toEqual({ ok: true, value: '2024-06-30' });
    expect(parseDate(45473)).toEqual({ ok: true, value: '2024-06-30' });
  });
  it.each(['2024-02-30', '2023-02-29', '2024-13-01', '30/06/2024', 'abc', ''])('rejects date %s', (input) => expect(parseDate(input).ok).toBe(false));
  it.each([
    ['2024-06', '2024-06-01'],
    ['2024/06', '2024-06-01'],
    ['202406', '2024-06-01'],
  ])('month %s', (input, expected) => expect(parseMonth(input)).toEqual({ ok: true, value: expected }));
  it.each(['2024-13', '2024-00', '24-06', '2024-06-01'])('rejects month %s', (input) => expect(parseMonth(input).ok).toBe(false));
  it.each([
    ['1283', '1283.00'],
    ['1283.5', '1283.50'],
    ['1,283.50', '1283.50'],
    ['0', '0.00'],
  ])('amount %s', (input, expected) => expect(parseAmount(input)).toEqual({ ok: true, value: expected }));
  it('rejects negative and malformed amounts', () => {
    const negative = parseAmount('-5');
    expect(negative.ok).toBe(false);
    if (!negative.ok) expect(negative.reason).toContain('负数');
    expect(parseAmount(-5).ok).toBe(false);
    for (const bad of ['abc', '12,34', '1.234', '1 283']) expect(parseAmount(bad).ok).toBe(false);
  });
});

describe('kind detection from headers', () => {
  it('knows every kind by its headers, in any order, with extra columns', () => {
    for (const spec of KINDS) {
      const headers = [...spec.columns.map((c) => c.header)].reverse().concat(['备注']);
      const match = detectKind(headers);
      expect(match.spec.kind).toBe(spec.kind);
      expect(match.extraHeaders).toEqual(['备注']);
    }
  });
  it('strips a BOM and spaces from headers', () => {
    const headers = headersOf(10).map((h, i) => (i === 0 ? `\uFEFF ${h} ` : h));
    expect(detectKind(headers).spec.kind).toBe(10);
  });
  it('refuses unknown headers listing the kinds and their required columns', () => {
    expect(() => detectKind(['甲', '乙'])).toThrow(UnknownKindError);
    expect(() => detectKind(['甲', '乙'])).toThrow(/低保特困在册人员：统计月份、家庭编号、身份证号/);
  });
  it('refuses a file missing one required column', () => {
    expect(() => detectKind(headersOf(6).filter((h) => h !== '救助人数'))).toThrow(UnknownKindError);
  });
  it('refuses duplicate headers', () => {
    expect(() => detectKind([...headersOf(10), '姓名'])).toThrow(/重复/);
  });
});

describe('row validation', () => {
  const regionCodes = new Set(['990101001001']);
  const relief = detectKind(headersOf(6));
  const row = (overrides: Record<string, string>) =>
    relief.spec.columns.map((c) => overrides[c.header] ?? ({
      救助编号: 'LS-1', 身份证号: ID, 姓名: '王芳', 区划代码: '990101001001', 救助日期: '2025-01-15', 救助金额: '1,000.00',
      救助人数: '2', 救助类型: '急难型', 致困原因: '疾病', 审批方式: '县级审批', 户籍类型: '本地',
    } as Record<string, string>)[c.header]!);

  it('types a good row', () => {
    const r = validateRow(relief, row({}), { regionCodes });
    expect(r).toMatchObject({ ok: true, values: { amount_yuan: '1000.00', persons_relieved: '2', relief_on: '2025-01-15' } });
  });

  it.each([
    ['身份证号', ID.slice(0, 17) + (ID[17] === '1' ? '2' : '1'), '校验位'],
    ['区划代码', '990199001001', '不在行政区划表中'],
    ['区划代码', '99010100100', '12位数字'],
    ['救助日期', '2025-02-30', '日期不存在'],
    ['救助金额', '-100', '负数'],
    ['救助人数', '1.5', '非负整数'],
    ['救助类型', '紧急型', '不在允许范围内'],
    ['姓名', '', '必填项为空'],
  ])('rejects %s = "%s" naming the column', (header, value, reason) => {
    const r = validateRow(relief, row({ [header]: value }), { regionCodes });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatchObject({ column: header, value });
      expect(r.errors[0]!.reason).toContain(reason);
    }
  });

  it('reports every bad cell of a row', () => {
    const r = validateRow(relief, row({ 救助金额: 'abc', 救助日期: '' }), { regionCodes });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.column).sort()).toEqual(['救助日期', '救助金额'].sort());
  });

  it('keeps extra columns', () => {
    const withExtra = detectKind([...headersOf(6), '经办人']);
    const r = validateRow(withExtra, [...row({}), '李明'], { regionCodes });
    expect(r).toMatchObject({ ok: true, extra: { 经办人: '李明' } });
  });

  const applications = detectKind(headersOf(7));
  const app = (decision: string, decided: string, accepted = '2025-01-02') =>
    applications.spec.columns.map((c) => ({
      申请编号: 'SQ-1', 身份证号: ID, 家庭编号: 'JT1', 区划代码: '990101001001', 申请类别: '低保', 发现渠道: '入户走访',
      受理日期: accepted, 办结日期: decided, 审核结果: decision,
    } as Record<string, string>)[c.header]!);
  it('applies the row rules of applications', () => {
    expect(validateRow(applications, app('批准', '2025-01-20'), { regionCodes }).ok).toBe(true);
    expect(validateRow(applications, app('办理中', ''), { regionCodes }).ok).toBe(true);
    const undecided = validateRow(applications, app('批准', ''), { regionCodes });
    expect(undecided).toMatchObject({ ok: false, errors: [{ column: '办结日期' }] });
    const pending = validateRow(applications, app('办理中', '2025-01-20'), { regionCodes });
    expect(pending).toMatchObject({ ok: false, errors: [{ column: '办结日期' }] });
    const backwards = validateRow(applications, app('批准', '2025-01-01'), { regionCodes });
    expect(backwards).toMatchObject({ ok: false, errors: [{ column: '办结日期' }] });
  });

  const regions = detectKind(headersOf(1));
  const region = (level: string, parent: string, population: string) =>
    regions.spec.columns.map((c) => ({ 区划代码: '990101000000', 区划名称: '甲区', 层级: level, 上级区划代码: parent, 城乡分类: '城镇', 户籍人口: population } as Record<string, string>)[c.header]!);
  it('applies the row rules of regions', () => {
    expect(validateRow(regions, region('区县', '990100000000', '6000'), { regionCodes: null }).ok).toBe(true);
    expect(validateRow(regions, region('市', '', '10000'), { regionCodes: null }).ok).toBe(true);
    expect(validateRow(regions, region('村社区', '990101001000', ''), { regionCodes: null }).ok).toBe(true);
    expect(validateRow(regions, region('区县', '', '6000'), { regionCodes: null })).toMatchObject({ ok: false, errors: [{ column: '上级区划代码' }] });
    expect(validateRow(regions, region('区县', '990100000000', ''), { regionCodes: null })).toMatchObject({ ok: false, errors: [{ column: '户籍人口' }] });
  });

  const roster = detectKind(headersOf(3));
  it('rejects care fields on dibao rows', () => {
    const cells = roster.spec.columns.map((c) => ({
      统计月份: '2025-01', 家庭编号: 'JT1', 身份证号: ID, 姓名: '王芳', 与户主关系: '本人', 区划代码: '990101001001',
      救助类别: '城市低保', 供养方式: '集中供养', 护理等级: '', 纳入日期: '2024-01-01', 月救助金额: '500',
    } as Record<string, string>)[c.header]!);
    expect(validateRow(roster, cells, { regionCodes })).toMatchObject({ ok: false, errors: [{ column: '供养方式' }] });
  });
});

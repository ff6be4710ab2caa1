// Parsers for the value formats of the source exports (see README, "Source exports").
// Each returns the canonical text written to the warehouse, or a Chinese reason.
export type Parsed = { ok: true; value: string } | { ok: false; reason: string };

const ok = (value: string): Parsed => ({ ok: true, value });
const fail = (reason: string): Parsed => ({ ok: false, reason });
const pad2 = (n: number) => String(n).padStart(2, '0');

/** A cell as read from CSV (text) or XLSX (text, number or date). */
export type CellValue = string | number | Date | null;

/** Years a date of these exports can fall in; anything else is a typing error. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;
/** numeric(14,2): twelve digits before the point. */
export const MAX_AMOUNT_DIGITS = 12;
export const MAX_AMOUNT = 999_999_999_999.99;
/** integer (int4). */
export const MAX_COUNT = 2_147_483_647;

function isRealDate(y: number, m: number, d: number): boolean {
  if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

// Excel serial day 25569 is 1970-01-01 (the 1900 leap-year bug is before it).
function excelSerialToDate(serial: number): Date {
  return new Date(Math.round((serial - 25569) * 86400000));
}

function formatDate(date: Date): string {
  return `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
}

/** Exports repeat the same few hundred dates and months millions of times: parse each text once. */
export function memoised(parse: (text: string) => Parsed): (text: string) => Parsed {
  const cache = new Map<string, Parsed>();
  return (text) => {
    let r = cache.get(text);
    if (r === undefined) {
      r = parse(text);
      if (cache.size < 100_000) cache.set(text, r);
    }
    return r;
  };
}

const parseDateText = memoised((text) => {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text) ?? /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(text) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return fail(`日期格式无法识别："${text}"（应为 2024-06-30、2024/6/30 或 20240630）`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isRealDate(y, mo, d)) return fail(`日期不存在："${text}"`);
  return ok(`${y}-${pad2(mo)}-${pad2(d)}`);
});

const parseMonthText = memoised((text) => {
  const m = /^(\d{4})-(\d{1,2})$/.exec(text) ?? /^(\d{4})\/(\d{1,2})$/.exec(text) ?? /^(\d{4})(\d{2})$/.exec(text);
  if (!m) return fail(`月份格式无法识别："${text}"（应为 2024-06、2024/06 或 202406）`);
  const [y, mo] = [Number(m[1]), Number(m[2])];
  if (y < 1900 || y > 2100 || mo < 1 || mo > 12) return fail(`月份不存在："${text}"`);
  return ok(`${y}-${pad2(mo)}-01`);
});

const outOfRange = (text: string) => fail(`日期超出范围："${text}"（应在 ${MIN_YEAR} 年到 ${MAX_YEAR} 年之间）`);

function dateCell(date: Date): Parsed {
  if (Number.isNaN(date.getTime())) return fail('日期单元格无效');
  const y = date.getUTCFullYear();
  return y < MIN_YEAR || y > MAX_YEAR ? outOfRange(formatDate(date)) : ok(formatDate(date));
}

export function parseDate(cell: CellValue): Parsed {
  if (cell instanceof Date) return dateCell(cell);
  if (typeof cell === 'number') {
    if (cell > 20000 && cell < 80000) return dateCell(excelSerialToDate(cell));
    cell = String(cell);
  }
  return parseDateText((cell ?? '').trim());
}

/** A month, stored as its first day. */
export function parseMonth(cell: CellValue): Parsed {
  if (cell instanceof Date) {
    const d = dateCell(cell);
    return d.ok ? ok(`${d.value.slice(0, 7)}-01`) : d;
  }
  return parseMonthText(String(cell ?? '').trim());
}

const amountTooLarge = (text: string) => fail(`金额超出范围："${text}"（最大 999,999,999,999.99 元）`);

/** Yuan with at most two decimals; thousands separators allowed; never negative; within numeric(14,2). */
export function parseAmount(cell: CellValue): Parsed {
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return fail('金额无效');
    if (cell < 0) return fail(`金额不能为负数：${cell}`);
    const fixed = cell.toFixed(2);
    // 999999999999.995 rounds up to thirteen digits
    if (cell > MAX_AMOUNT || fixed.length > MAX_AMOUNT_DIGITS + 3) return amountTooLarge(String(cell));
    return ok(fixed);
  }
  const text = String(cell ?? '').trim();
  if (/^-/.test(text)) return fail(`金额不能为负数："${text}"`);
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$/.test(text)) return fail(`金额格式无法识别："${text}"（应为 1283、1283.5 或 1,283.50）`);
  // exact, digit by digit: no rounding through a float
  const [whole, fraction = ''] = text.replace(/,/g, '').split('.');
  const digits = whole!.replace(/^0+(?=\d)/, '');
  if (digits.length > MAX_AMOUNT_DIGITS) return amountTooLarge(text);
  return ok(`${digits}.${fraction.padEnd(2, '0')}`);
}

/** A count of persons: a whole number ≥ 0, within integer (int4). */
export function parseCount(cell: CellValue): Parsed {
  const text = typeof cell === 'number' ? String(cell) : String(cell ?? '').trim().replace(/,/g, '');
  if (!/^\d+$/.test(text)) return fail(`应为非负整数："${String(cell ?? '')}"`);
  const n = Number(text);
  if (n > MAX_COUNT) return fail(`数值超出范围："${String(cell ?? '')}"（最大 ${MAX_COUNT.toLocaleString('zh-CN')}）`);
  return ok(String(n));
}

export function parseRegionCode(cell: CellValue): Parsed {
  const text = String(cell ?? '').trim();
  if (!/^\d{12}$/.test(text)) return fail(`区划代码应为12位数字："${text}"`);
  return ok(text);
}

export function parseEnum(cell: CellValue, allowed: readonly string[]): Parsed {
  const text = String(cell ?? '').trim();
  if (!allowed.includes(text)) return fail(`取值"${text}"不在允许范围内（${allowed.join(' / ')}）`);
  return ok(text);
}

export function parseText(cell: CellValue): Parsed {
  if (cell instanceof Date) return ok(formatDate(cell));
  return ok(String(cell ?? '').trim());
}

export function isBlank(cell: CellValue): boolean {
  if (cell === null) return true;
  if (typeof cell !== 'string') return false;
  // Most cells start with a printable character: no need to trim those.
  const first = cell.charCodeAt(0);
  if (first > 0x20 && first < 0x7f) return false;
  return cell.trim() === '';
}

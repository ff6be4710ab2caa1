// GB 11643-1999 citizen ID numbers: 17 digits + a mod-11 check character.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
const ZERO = 48;

/** The weighted digit sum of the first 17 characters, or -1 if one is not a digit. */
function weightedSum(text: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    sum += digit * WEIGHTS[i]!;
  }
  return sum;
}

/** The check character for the first 17 digits of an ID number. */
export function idCheckChar(first17: string): string {
  const sum = first17.length === 17 ? weightedSum(first17) : -1;
  if (sum < 0) throw new Error(`ID body must be 17 digits, got "${first17}"`);
  return CHECK_CHARS[sum % 11]!;
}

const BAD_FORMAT = { ok: false, reason: '身份证号应为18位（前17位数字，末位为数字或X）' } as const;

/** Normalises an ID number (upper-case X) or returns why it is invalid. */
export function checkIdNumber(raw: string): { ok: true; value: string } | { ok: false; reason: string } {
  // Character checks rather than regular expressions: the loader runs this on every roster row.
  const value = raw.length === 18 && raw.charCodeAt(17) !== 120 /* x */ ? raw : raw.trim().toUpperCase();
  if (value.length !== 18) return BAD_FORMAT;
  const sum = weightedSum(value);
  const last = value[17]!;
  if (sum < 0 || !((last >= '0' && last <= '9') || last === 'X')) return BAD_FORMAT;
  const expected = CHECK_CHARS[sum % 11]!;
  if (last !== expected) return { ok: false, reason: `身份证号校验位错误：应为 ${expected}，实为 ${last}` };
  return { ok: true, value };
}

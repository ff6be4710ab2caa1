// GB 11643-1999 citizen ID numbers: 17 digits + a mod-11 check character.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The check character for the first 17 digits of an ID number. */
export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error(`ID body must be 17 digits, got "${first17}"`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** Normalises an ID number (upper-case X) or returns why it is invalid. */
export function checkIdNumber(raw: string): { ok: true; value: string } | { ok: false; reason: string } {
  const value = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, reason: '身份证号应为18位（前17位数字，末位为数字或X）' };
  const expected = idCheckChar(value.slice(0, 17));
  if (value[17] !== expected) return { ok: false, reason: `身份证号校验位错误：应为 ${expected}，实为 ${value[17]}` };
  return { ok: true, value };
}

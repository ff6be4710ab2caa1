// Small shared helpers.

/** Plain code-unit string comparison (locale independent, so output never depends on the machine). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Cents as a yuan amount with two decimals: 51237 -> "512.37". */
export function yuan(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  const frac = abs % 100;
  return sign + Math.floor(abs / 100) + '.' + (frac < 10 ? '0' + frac : String(frac));
}

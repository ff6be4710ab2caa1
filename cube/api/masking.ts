// Personal data leave the server masked, for every role: ID numbers keep their
// first 6 and last 4 characters, names their first and last character. Full
// values are revealed one record at a time (cube/api/persons.ts), audited.
import { z } from 'zod';

export const MASK_KINDS = ['id_number', 'name', 'text'] as const;
export type MaskKind = (typeof MASK_KINDS)[number];

/** `419801199001011234` → `419801********1234`. */
export function maskIdNumber(value: string): string {
  const v = value.trim();
  if (v.length <= 10) return '*'.repeat(v.length);
  return `${v.slice(0, 6)}${'*'.repeat(v.length - 10)}${v.slice(-4)}`;
}

/** `张三丰` → `张*丰`, `张三` → `张*`, `欧阳娜娜` → `欧**娜`. */
export function maskName(value: string): string {
  const chars = [...value.trim()];
  if (chars.length <= 1) return chars.length === 1 ? '*' : '';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** 18-character ID numbers inside free text (evidence, keys). */
const ID_IN_TEXT = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;

export function maskText(value: string): string {
  return value.replace(ID_IN_TEXT, (id) => maskIdNumber(id));
}

export function maskValue(kind: MaskKind, value: unknown): unknown {
  if (typeof value !== 'string' || value === '') return value;
  switch (kind) {
    case 'id_number':
      return maskIdNumber(value);
    case 'name':
      return maskName(value);
    case 'text':
      return maskText(value);
  }
}

/** A view's person-level members (short names) and how each is masked; read from the view's meta. */
export const maskedMembersSchema = z.record(z.string().min(1), z.enum(MASK_KINDS));
export type MaskedMembers = z.infer<typeof maskedMembersSchema>;

/** Masks, in place, every person-level member of `view` in Cube result rows. */
export function maskRows(view: string, masked: MaskedMembers, rows: Record<string, unknown>[]): void {
  const columns = Object.entries(masked).map(([member, kind]) => [`${view}.${member}`, kind] as const);
  for (const row of rows) {
    for (const [column, kind] of columns) {
      if (column in row) row[column] = maskValue(kind, row[column]);
    }
  }
}

// The notice template (templates.yml) and the targets (targets.yml), validated
// once when read: a typo in a member or an operator is a clear Chinese error.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { z } from 'zod';

export const NOTICES_DIR = path.dirname(fileURLToPath(import.meta.url));

const member = z.string().regex(/^[a-z_]+\.[a-z_]+$/, '指标应写成"视图.成员"，如 indicators.low_income_coverage_rate');
const figureRef = z.union([member.transform((m) => ({ member: m })), z.object({
  member,
  unit: z.enum(['万元', '元']).optional(),
  digits: z.number().int().min(0).max(4).optional(),
}).strict()]);
export type FigureRef = { member: string; unit?: '万元' | '元'; digits?: number };

const templateSchema = z.object({
  document: z.object({
    issuer: z.string().min(1),
    recipients: z.object({ city: z.string().min(1), county: z.string().min(1) }),
    copy_to: z.string().min(1),
    number_pattern: z.object({ monthly: z.string().includes('{n}'), quarterly: z.string().includes('{n}') }),
    requirement_days: z.number().int().min(1).max(90),
  }),
  kinds: z.object({ monthly: z.object({ title: z.string() }), quarterly: z.object({ title: z.string() }) }),
  sections: z.object({
    headline: z.string(), ranking: z.string(), targets: z.string(), integrity: z.string(), rectification: z.string(), problems: z.string(),
  }),
  figures: z.array(z.object({ group: z.string().min(1), members: z.array(figureRef).min(1) })).min(1),
  ranking: z.array(member).min(1),
  charts: z.array(z.object({ type: z.enum(['ranking', 'trend']), member })).default([]),
  drafting: z.object({
    falling: z.string(), target: z.string(), overdue: z.string(),
    requirement_falling: z.string(), requirement_target: z.string(), requirement_overdue: z.string(), requirement_general: z.string(),
  }),
});
export type NoticeTemplate = z.infer<typeof templateSchema>;

const targetSchema = z.object({
  member,
  op: z.enum(['>=', '<=']),
  value: z.number(),
  label: z.string().min(1),
}).strict();
export type Target = z.infer<typeof targetSchema>;
const targetsSchema = z.object({ targets: z.array(targetSchema) });

async function readYaml<T>(file: string, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = YAML.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`通报配置文件 ${file} 无法读取：${(e as Error).message}`, { cause: e });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`通报配置文件 ${path.basename(file)} 有误：${parsed.error.issues.map((i) => `${i.path.join('.') || '(根)'} ${i.message}`).join('；')}`);
  }
  return parsed.data;
}

export interface NoticeConfig {
  template: NoticeTemplate;
  targets: Target[];
}

export async function readNoticeConfig(dir = NOTICES_DIR): Promise<NoticeConfig> {
  const [template, targets] = await Promise.all([
    readYaml(path.join(dir, 'templates.yml'), templateSchema),
    readYaml(path.join(dir, 'targets.yml'), targetsSchema),
  ]);
  return { template, targets: targets.targets };
}

/** `{name}` placeholders filled from `values`; an unknown placeholder stays as written. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (all, key: string) => (key in values ? String(values[key]) : all));
}

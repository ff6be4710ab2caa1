// A notice as one typed JSON document: what the API returns, what the .docx,
// the .xlsx, the editor and the print view all read, and what issuing freezes.
import { z } from 'zod';

/** A Cube REST query, kept as sent so a reviewer can run it again. */
export const cubeQuerySchema = z.record(z.string(), z.unknown());

const changeSchema = z.object({
  kind: z.enum(['pp', 'pct']),
  delta: z.number().nullable(),
  /** `上升 0.35 个百分点`, `增长 2.1%`, `持平`, `无可比数据`. */
  text: z.string(),
});

export const figureSchema = z.object({
  member: z.string(),
  title: z.string(),
  /** The member's unit (`%`, `人`, `元`…) and the unit shown (`万元` where the template says). */
  unit: z.string(),
  displayUnit: z.string(),
  higherIsBetter: z.boolean().nullable(),
  value: z.number().nullable(),
  text: z.string(),
  previous: z.number().nullable(),
  previousText: z.string(),
  yearAgo: z.number().nullable(),
  yearAgoText: z.string(),
  mom: changeSchema,
  yoy: changeSchema,
  query: cubeQuerySchema,
  previousQuery: cubeQuerySchema,
  yearAgoQuery: cubeQuerySchema,
});
export type Figure = z.infer<typeof figureSchema>;

export const cellSchema = z.object({ text: z.string(), value: z.number().nullable().optional() });
export type Cell = z.infer<typeof cellSchema>;

export const tableSchema = z.object({
  id: z.string(),
  title: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.array(cellSchema)),
  /** The Cube queries the cells come from (current period first). */
  queries: z.array(cubeQuerySchema),
  note: z.string().optional(),
});
export type NoticeTable = z.infer<typeof tableSchema>;

export const chartSchema = z.object({
  id: z.string(),
  kind: z.enum(['ranking', 'trend']),
  caption: z.string(),
  /** The input of the dashboard's option builder (dashboard/src/charts/ranking.ts or trend.ts). */
  input: z.record(z.string(), z.unknown()),
  queries: z.array(cubeQuerySchema),
});
export type NoticeChart = z.infer<typeof chartSchema>;

const regionRefSchema = z.object({ code: z.string(), name: z.string() });

export const problemSchema = z.object({
  id: z.string(),
  rule: z.enum(['falling', 'target', 'overdue', 'manual']),
  region: regionRefSchema.nullable(),
  member: z.string().nullable(),
  text: z.string().min(1),
});
export type Problem = z.infer<typeof problemSchema>;

export const requirementSchema = z.object({ id: z.string(), text: z.string().min(1) });
export type Requirement = z.infer<typeof requirementSchema>;

export const targetMissSchema = z.object({
  member: z.string(),
  label: z.string(),
  op: z.enum(['>=', '<=']),
  target: z.number(),
  targetText: z.string(),
  regions: z.array(regionRefSchema.extend({ value: z.number(), text: z.string() })),
  query: cubeQuerySchema,
});
export type TargetMiss = z.infer<typeof targetMissSchema>;

export const rectificationItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  county: z.string(),
  deadline: z.string().nullable(),
  state: z.string(),
  followUp: z.string(),
  overdue: z.boolean(),
});

const base = { heading: z.string(), paragraphs: z.array(z.string()), tables: z.array(tableSchema), charts: z.array(chartSchema) };

export const sectionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('headline'), ...base, groups: z.array(z.object({ title: z.string(), figures: z.array(figureSchema) })) }),
  z.object({ type: z.literal('ranking'), ...base }),
  z.object({ type: z.literal('targets'), ...base, misses: z.array(targetMissSchema) }),
  z.object({ type: z.literal('integrity'), ...base, total: z.number() }),
  z.object({
    type: z.literal('rectification'), ...base,
    /** Where the list came from: the rectification module's items, or only the Cube view's counts. */
    source: z.enum(['items', 'counts']),
    items: z.array(rectificationItemSchema),
  }),
  z.object({ type: z.literal('problems'), ...base, problems: z.array(problemSchema), requirements: z.array(requirementSchema), edited: z.boolean() }),
]);
export type NoticeSection = z.infer<typeof sectionSchema>;
export type SectionOf<T extends NoticeSection['type']> = Extract<NoticeSection, { type: T }>;

export const noticeDocumentSchema = z.object({
  version: z.literal(1),
  kind: z.enum(['monthly', 'quarterly']),
  period: z.object({ code: z.string(), label: z.string(), start: z.string(), end: z.string(), granularity: z.enum(['month', 'quarter']) }),
  region: z.object({ code: z.string(), name: z.string(), level: z.enum(['city', 'county']) }),
  /** The level ranked: counties for a city, townships for a county. */
  subLevel: z.enum(['county', 'township']),
  subLevelTitle: z.string(),
  title: z.string(),
  issuer: z.string(),
  recipients: z.string(),
  copyTo: z.string(),
  /** Filled on issue. */
  number: z.string().nullable(),
  issuedOn: z.string().nullable(),
  /** 更正通报: the notice it corrects (number and title as issued). */
  corrects: z.object({ id: z.number(), number: z.string().nullable(), title: z.string() }).nullable(),
  intro: z.string(),
  generatedAt: z.string(),
  /** The newest succeeded load (etl.batches.id) the figures were computed from. */
  dataBatchId: z.number().nullable(),
  sections: z.array(sectionSchema),
});
export type NoticeDocument = z.infer<typeof noticeDocumentSchema>;

/** What staff may change in a draft (PATCH). */
export const noticeEditSchema = z.object({
  title: z.string().trim().min(4, '标题至少 4 个字').max(200).optional(),
  intro: z.string().trim().min(1, '导语不能为空').max(4000).optional(),
  problems: z.array(z.object({ id: z.string().optional(), text: z.string().trim().min(1, '问题内容不能为空').max(2000) })).max(100).optional(),
  requirements: z.array(z.object({ id: z.string().optional(), text: z.string().trim().min(1, '要求内容不能为空').max(2000) })).max(100).optional(),
}).strict();
export type NoticeEdit = z.infer<typeof noticeEditSchema>;

const CHINESE_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
export function chineseOrdinal(n: number): string {
  return CHINESE_NUMERALS[n - 1] ?? String(n);
}

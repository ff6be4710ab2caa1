// The notices API (/api/notices…), behind the auth plugin's token check.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { regionCodeSchema } from '../auth/principal.ts';
import type { SemanticLayer } from '../cube/api/semantic-layer.ts';
import { readNoticeConfig } from './config.ts';
import { NoticeError } from './cube-source.ts';
import { noticeEditSchema } from './document.ts';
import { PeriodError } from './period.ts';
import { rectificationSourceFor } from './rectification-items.ts';
import { NoticeStore } from './store.ts';
import { renderChartSvg } from './charts.ts';
import { renderXlsx } from './xlsx.ts';

export interface NoticesOptions {
  pool: pg.Pool;
  layer: SemanticLayer;
}

const periodSchema = z.string().trim().regex(/^\d{4}-(\d{2}|Q[1-4])$/i, '统计期格式不对：月度写 2024-06，季度写 2024-Q2').transform((s) => s.toUpperCase());
const kindSchema = z.enum(['monthly', 'quarterly'], { error: '通报种类 kind 应为 monthly（月度通报）或 quarterly（季度通报）' });

const createSchema = z.object({
  period: periodSchema.optional(),
  region: regionCodeSchema.optional(),
  kind: kindSchema.optional(),
  /** The issued notice this draft corrects (更正通报); period, region and kind are taken from it. */
  corrects: z.coerce.number().int().positive().optional(),
}).strict().refine((b) => b.period !== undefined || b.corrects !== undefined, { message: '缺少统计期 period（如 2024-06 或 2024-Q2）' });

const listSchema = z.object({
  period: periodSchema.optional(),
  region: regionCodeSchema.optional(),
  kind: kindSchema.optional(),
  state: z.enum(['拟稿', '待审核', '已签发'], { error: '状态 state 应为 拟稿、待审核 或 已签发' }).optional(),
  q: z.string().trim().max(100, '搜索词最多 100 字').optional(),
  limit: z.coerce.number().int().min(1).max(200, '每页最多 200 条').default(50),
  offset: z.coerce.number().int().min(0).default(0),
}).strict();

const idSchema = z.object({ id: z.coerce.number({ error: '通报编号应为数字' }).int().positive('通报编号应为正整数') });
const commentSchema = z.object({ comment: z.string().trim().max(2000, '意见最多 2000 字').optional() }).strict();
const returnSchema = z.object({ comment: z.string({ error: '退回须填写意见 comment' }).trim().min(1, '退回须填写意见 comment').max(2000, '意见最多 2000 字') }).strict();

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new NoticeError(r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}：${i.message}` : i.message)).join('；'));
  return r.data;
}

export async function noticesPlugin(app: FastifyInstance, { pool, layer }: NoticesOptions): Promise<void> {
  const config = await readNoticeConfig();
  const store = new NoticeStore(pool, { layer, pool, config, rectification: await rectificationSourceFor(pool) });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof NoticeError) return reply.status(error.status).send({ error: error.message });
    if (error instanceof PeriodError) return reply.status(400).send({ error: error.message });
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) request.log.error(error);
    return reply.status(status).send({ error: status >= 500 ? '服务器内部错误，请联系管理员查看日志' : (error as Error).message });
  });

  const idOf = (request: FastifyRequest) => parse(idSchema, request.params).id;

  app.post('/api/notices', async (request, reply) => {
    const body = parse(createSchema, request.body);
    const notice = await store.create(request.principal, { period: body.period ?? '', region: body.region, kind: body.kind, corrects: body.corrects });
    return reply.status(201).send(notice);
  });

  app.get('/api/notices', async (request) => store.list(request.principal, parse(listSchema, request.query)));

  app.get('/api/notices/:id', async (request) => store.get(request.principal, idOf(request)));

  app.patch('/api/notices/:id', async (request) => store.edit(request.principal, idOf(request), parse(noticeEditSchema, request.body)));

  app.post('/api/notices/:id/refresh', async (request) => store.refresh(request.principal, idOf(request)));
  app.post('/api/notices/:id/submit', async (request) => store.submit(request.principal, idOf(request), parse(commentSchema, request.body).comment ?? null));
  app.post('/api/notices/:id/return', async (request) => store.return(request.principal, idOf(request), parse(returnSchema, request.body).comment));
  app.post('/api/notices/:id/issue', async (request) => store.issue(request.principal, idOf(request), parse(commentSchema, request.body).comment ?? null));

  const attachment = (reply: FastifyReply, fileName: string, type: string) =>
    reply.header('content-type', type).header('content-disposition', `attachment; filename="notice.${fileName.split('.').pop()}"; filename*=UTF-8''${encodeURIComponent(fileName)}`);

  app.get('/api/notices/:id/document.docx', async (request, reply) => {
    const { bytes, fileName } = await store.docx(request.principal, idOf(request));
    return attachment(reply, fileName, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document').send(bytes);
  });

  app.get('/api/notices/:id/tables.xlsx', async (request, reply) => {
    const id = idOf(request);
    const doc = await store.document(request.principal, id);
    return attachment(reply, `${doc.number ?? `通报${id}`}表格.xlsx`, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await renderXlsx(doc));
  });

  // A chart of the notice as SVG, for the print view (the browser has the fonts).
  app.get('/api/notices/:id/charts/:chart', async (request, reply) => {
    const id = idOf(request);
    const name = String((request.params as { chart: string }).chart).replace(/\.svg$/, '');
    const doc = await store.document(request.principal, id);
    const chart = doc.sections.flatMap((s) => s.charts).find((c) => c.id === `chart:${name}`);
    if (!chart) throw new NoticeError(`通报 ${id} 没有图表 ${name}`, 404);
    return reply.header('content-type', 'image/svg+xml; charset=utf-8').send(renderChartSvg(chart).svg);
  });
}

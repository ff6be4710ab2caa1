// The rectification API (整改与回头看) as a Fastify plugin, registered after
// the auth plugin, which sets request.principal on every /api route. Bodies
// and queries are checked with zod at the edge; refusals are {error} in Chinese.
import multipart from '@fastify/multipart';
import ExcelJS from 'exceljs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z, ZodError } from 'zod';
import { appendAudit } from '../audit/trail.ts';
import type { Principal } from '../auth/principal.ts';
import { downloadEvidence, uploadEvidence } from './evidence.ts';
import { EVIDENCE_MAX_BYTES } from './evidence-type.ts';
import {
  allItems, createItem, itemRegions, createItemSchema, getItem, itemIdOf, listItems, listQuerySchema, RectificationError, revealPersons, transitionItem, transitionSchema, type Db,
} from './items.ts';
import { acceptProposals, acceptSchema, bulkAcceptSchema, bulkDismissSchema, dismissProposals, dismissSchema, listProposals, proposalQuerySchema } from './proposals.ts';
import { inTransaction } from '../warehouse/transaction.ts';

export interface RectificationPluginOptions {
  pool: pg.Pool;
}

/** Rows an Excel export holds at most. */
const EXPORT_LIMIT = 20_000;

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => {
    const path = i.path.join('.');
    const unknownKeys = i.code === 'unrecognized_keys' ? `不认识的字段 ${i.keys.join('、')}` : i.message;
    return path ? `${path}：${unknownKeys}` : unknownKeys;
  });
  throw new RectificationError(400, `${where}有误：${issues.join('；')}`);
}

function principalOf(request: FastifyRequest): Principal {
  const principal = (request as { principal?: Principal }).principal;
  if (!principal) throw new RectificationError(401, '未登录：请先登录（缺少访问令牌）');
  return principal;
}

/** A file name for Content-Disposition: ASCII fallback plus the UTF-8 original. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export async function rectificationPlugin(app: FastifyInstance, options: RectificationPluginOptions): Promise<void> {
  const { pool } = options;
  const db: Db = pool;
  // one file per request, at most the evidence limit (one byte more tells it was cut)
  await app.register(multipart, { limits: { fileSize: EVIDENCE_MAX_BYTES, files: 1, fields: 0, parts: 1 } });

  app.setErrorHandler((error, request, reply: FastifyReply) => {
    if (error instanceof RectificationError) return reply.status(error.status).send({ error: error.message });
    const e = error as { code?: string; statusCode?: number; message: string };
    if (e.code === 'FST_REQ_FILE_TOO_LARGE') return reply.status(413).send({ error: `文件超过 ${EVIDENCE_MAX_BYTES / 1024 / 1024} MB 的上限` });
    if (e.code === '23505') return reply.status(409).send({ error: '该记录刚被他人修改（例如同一线索已被立项），请刷新后重试' });
    if (error instanceof ZodError) return reply.status(400).send({ error: error.issues.map((i) => i.message).join('；') });
    if (e.statusCode && e.statusCode < 500) return reply.status(e.statusCode).send({ error: `请求有误：${e.message}` });
    request.log.error(error);
    if (process.env.DEBUG_API_ERRORS) console.error(error);
    return reply.status(500).send({ error: '服务器内部错误，请联系管理员查看日志' });
  });

  type IdParams = { Params: { id: string } };

  app.get('/api/rectification', async (request) => {
    const query = parse(listQuerySchema, request.query, '查询条件');
    return listItems(db, principalOf(request), query);
  });

  app.post('/api/rectification', async (request, reply) => {
    const principal = principalOf(request);
    const input = parse(createItemSchema, request.body, '整改问题');
    const item = await inTransaction(pool, async (client) => getItem(client, principal, await createItem(client, principal, input)));
    return reply.status(201).send(item);
  });

  app.get('/api/rectification/export.xlsx', async (request, reply) => {
    const principal = principalOf(request);
    const { page: _page, page_size: _size, ...filters } = parse(listQuerySchema, request.query, '查询条件');
    const items = await allItems(db, principal, filters, EXPORT_LIMIT);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('整改台账');
    ws.columns = [
      { header: '问题编号', key: 'number', width: 16 },
      { header: '区划代码', key: 'region_code', width: 14 },
      { header: '区划名称', key: 'region_name', width: 14 },
      { header: '问题类别', key: 'category', width: 14 },
      { header: '问题来源', key: 'source', width: 10 },
      { header: '问题描述', key: 'description', width: 48 },
      { header: '涉及人数', key: 'person_count', width: 9 },
      { header: '涉及金额', key: 'amount', width: 12, style: { numFmt: '#,##0.00' } },
      { header: '责任单位', key: 'responsible_unit', width: 20 },
      { header: '发现日期', key: 'found_on', width: 12 },
      { header: '整改期限', key: 'deadline', width: 12 },
      { header: '整改状态', key: 'state', width: 9 },
      { header: '是否逾期', key: 'overdue', width: 9 },
      { header: '整改完成日期', key: 'completed_on', width: 13 },
    ];
    ws.getRow(1).font = { bold: true };
    for (const item of items) {
      const row = ws.addRow({ ...item, overdue: item.overdue ? '逾期' : '' });
      if (item.overdue) row.font = { color: { argb: 'FFCF1322' } };
    }
    const buffer = Buffer.from(await wb.xlsx.writeBuffer());
    await appendAudit(pool, { actor: principal, action: 'export', target: 'rectification:list', detail: { filters, rows: items.length, truncated: items.length === EXPORT_LIMIT } });
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', contentDisposition(`整改台账-${new Date().toISOString().slice(0, 10)}.xlsx`))
      .send(buffer);
  });

  app.get('/api/rectification/regions', async (request) => ({ regions: await itemRegions(db, principalOf(request)) }));

  app.get('/api/rectification/proposals', async (request) => {
    const principal = principalOf(request);
    const query = parse(proposalQuerySchema, request.query, '查询条件');
    const result = await listProposals(db, principal, query);
    // person-level rows (masked), audited as the integrity view's are
    await appendAudit(pool, { actor: principal, action: 'query_person_level', target: 'rectification:proposals', detail: { query, rows: result.proposals.length, total: result.total } });
    return result;
  });

  app.post('/api/rectification/proposals/accept', async (request, reply) => {
    const principal = principalOf(request);
    const { finding_ids, ...input } = parse(bulkAcceptSchema, request.body, '立项请求');
    const items = await inTransaction(pool, (client) => acceptProposals(client, principal, finding_ids, input));
    return reply.status(201).send({ items });
  });

  app.post('/api/rectification/proposals/dismiss', async (request) => {
    const principal = principalOf(request);
    const { finding_ids, reason } = parse(bulkDismissSchema, request.body, '排除请求');
    const dismissed = await inTransaction(pool, (client) => dismissProposals(client, principal, finding_ids, reason));
    return { dismissed };
  });

  app.post<IdParams>('/api/rectification/proposals/:id/accept', async (request, reply) => {
    const principal = principalOf(request);
    const input = parse(acceptSchema, request.body, '立项请求');
    const item = await inTransaction(pool, async (client) => {
      const [created] = await acceptProposals(client, principal, [request.params.id], input);
      return getItem(client, principal, created!.id);
    });
    return reply.status(201).send(item);
  });

  app.post<IdParams>('/api/rectification/proposals/:id/dismiss', async (request) => {
    const principal = principalOf(request);
    const { reason } = parse(dismissSchema, request.body, '排除请求');
    const [dismissed] = await inTransaction(pool, (client) => dismissProposals(client, principal, [request.params.id], reason));
    return dismissed;
  });

  app.get<IdParams>('/api/rectification/:id', async (request) => {
    const principal = principalOf(request);
    const item = await getItem(db, principal, itemIdOf(request.params.id));
    if (item.persons.length > 0) await appendAudit(pool, { actor: principal, action: 'query_person_level', target: `rectification:${item.id}`, detail: { persons: item.persons.length } });
    return item;
  });

  // the full persons of one item, for admin, inspector and staff within their region, audited
  app.post<IdParams>('/api/rectification/:id/persons/reveal', async (request) => {
    const principal = principalOf(request);
    const id = itemIdOf(request.params.id);
    const persons = await revealPersons(db, principal, id);
    await appendAudit(pool, { actor: principal, action: 'reveal', target: `rectification:${id}`, detail: { persons: persons.length } });
    return { id, persons };
  });

  app.post<IdParams>('/api/rectification/:id/transition', async (request) => {
    const principal = principalOf(request);
    const id = itemIdOf(request.params.id);
    const input = parse(transitionSchema, request.body, '状态变更');
    return inTransaction(pool, async (client) => {
      await transitionItem(client, principal, id, input);
      return getItem(client, principal, id);
    });
  });

  app.post<IdParams>('/api/rectification/:id/evidence', async (request, reply) => {
    const principal = principalOf(request);
    const id = itemIdOf(request.params.id);
    if (!request.isMultipart()) throw new RectificationError(400, '上传佐证材料须使用 multipart/form-data，文件放在 file 字段');
    const file = await request.file();
    if (!file) throw new RectificationError(400, '请求中没有文件');
    const bytes = await file.toBuffer();
    const evidence = await inTransaction(pool, (client) => uploadEvidence(client, principal, id, { fileName: file.filename, bytes }));
    return reply.status(201).send(evidence);
  });

  app.get<{ Params: { id: string; evidenceId: string } }>('/api/rectification/:id/evidence/:evidenceId', async (request, reply) => {
    const principal = principalOf(request);
    const id = itemIdOf(request.params.id);
    if (!/^\d{1,15}$/.test(request.params.evidenceId)) throw new RectificationError(404, `佐证材料 ${request.params.evidenceId} 不存在`);
    const file = await inTransaction(pool, (client) => downloadEvidence(client, principal, id, Number(request.params.evidenceId)));
    return reply
      .header('content-type', file.mediaType)
      .header('content-disposition', contentDisposition(file.fileName))
      .header('x-content-sha256', file.sha256)
      .header('x-content-type-options', 'nosniff')
      .send(file.content);
  });
}

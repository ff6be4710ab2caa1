// The rectification API on a real warehouse (the integrity city, whose checks
// give the proposals): who may do what, region confinement (404), evidence,
// the follow-up cycle and its count in the Cube view, overdue the same
// minute, proposals accepted and dismissed, the Excel export, the audit trail.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { maskIdNumber } from '../cube/api/masking.ts';
import { writeIntegrityCity } from './fixtures/integrity/integrity-city.ts';
import { CITY, COUNTY_A, COUNTY_B, VIL_A1, VIL_B1 } from './fixtures/small-city.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
let dir: string;
const tokens: Record<string, string> = {};
const NAMES: Record<string, string> = { admin: 'admin1', inspector: 'inspector1', staff: 'staff1', leader: 'leader1', countyA: 'county_a', countyAInspector: 'county_a_insp', countyB: 'county_b', leaderA: 'leader_a' };
let today: string;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');

beforeAll(async () => {
  platform = await startTestPlatform();
  dir = await mkdtemp(path.join(os.tmpdir(), 'rectification-api-'));
  await writeIntegrityCity(dir);
  await runLoad(platform.db.pool, [dir], { runBy: 'test' });
  const users = { admin: ['admin', CITY], inspector: ['inspector', CITY], staff: ['staff', CITY], leader: ['leader', CITY], countyA: ['staff', COUNTY_A], countyAInspector: ['inspector', COUNTY_A], countyB: ['staff', COUNTY_B], leaderA: ['leader', COUNTY_A] } as const;
  for (const [key, [role, region]] of Object.entries(users)) tokens[key] = await platform.userToken({ role, region, name: NAMES[key] });
  today = (await platform.db.pool.query(`select ((now() at time zone 'Asia/Shanghai')::date)::text as d`)).rows[0].d;
});

afterAll(async () => {
  await platform?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const addDays = (day: string, n: number) => new Date(Date.parse(day) + n * 86_400_000).toISOString().slice(0, 10);

async function api(method: 'GET' | 'POST', url: string, who: string, payload?: unknown) {
  const res = await platform.app.inject({ method, url, headers: { authorization: tokens[who]! }, payload: payload as never });
  return { status: res.statusCode, body: res.headers['content-type']?.toString().includes('json') ? res.json() : res.rawPayload, headers: res.headers };
}

async function upload(itemId: number, who: string, bytes: Buffer, filename: string) {
  const boundary = '----rectification-test';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await platform.app.inject({ method: 'POST', url: `/api/rectification/${itemId}/evidence`, headers: { authorization: tokens[who]!, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body });
  return { status: res.statusCode, body: res.json() };
}

const newItem = (over: Record<string, unknown> = {}) => ({
  region_code: VIL_A1, category: '不符合条件享受', source: '专项检查', description: '甲一社区2户家庭有车辆仍享受低保', responsible_unit: '甲区民政局', deadline: addDays(today, 30), ...over,
});

async function create(over: Record<string, unknown> = {}, who = 'inspector'): Promise<any> {
  const r = await api('POST', '/api/rectification', who, newItem(over));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

/** Puts an item into `state` directly (test setup), as if its history had got there. */
async function setState(id: number, state: string) {
  await platform.db.pool.query(`update app.rectification_items set state = $2 where item_id = $1`, [id, state]);
}

/** The `rectification` view for the current month (city, or one county by its code). */
const MEASURES = ['open_items', 'overdue_items', 'closed_items', 'closed_in_time_items', 'follow_ups', 'follow_ups_passed', 'follow_up_pass_rate'] as const;

async function rectificationNow(who: string, county?: string): Promise<Record<(typeof MEASURES)[number], number>> {
  const month = today.slice(0, 7);
  const last = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
  const measures = MEASURES;
  const { status, body } = await platform.load({
    measures: measures.map((m) => `rectification.${m}`),
    dimensions: county ? ['rectification.county_code'] : [],
    filters: county ? [{ member: 'rectification.county_code', operator: 'equals', values: [county] }] : [],
    timeDimensions: [{ dimension: 'rectification.month', dateRange: [`${month}-01`, last] }],
  }, tokens[who]!);
  expect(status, JSON.stringify(body)).toBe(200);
  const row = (body.data[0] ?? {}) as Record<string, string | null>;
  return Object.fromEntries(measures.map((m) => [m, row[`rectification.${m}`] == null ? 0 : Number(row[`rectification.${m}`])])) as Record<(typeof MEASURES)[number], number>;
}

describe('creating items', () => {
  it('answers 201 with the item, numbered ZG-<year>-<nnnn>, and audits the change', async () => {
    const item = await create({ persons: [{ id_number: '110101199003077774', name: '张三丰' }], amount: 1300.5 });
    expect(item).toMatchObject({
      region_code: VIL_A1, region_name: '甲一社区', category: '不符合条件享受', source: '专项检查', state: '待整改', overdue: false,
      responsible_unit: '甲区民政局', amount: 1300.5, person_count: 1, created_by: 'inspector1', origin: 'application', deadline: addDays(today, 30),
      persons: [{ id_number: '110101********7774', name: '张*丰' }],
    });
    expect(item.number).toMatch(new RegExp(`^ZG-${today.slice(0, 4)}-\\d{4}$`));
    expect(item.history).toEqual([expect.objectContaining({ from: null, to: '待整改', by: 'inspector1', deadline: addDays(today, 30) })]);
    const audit = await platform.db.pool.query(`select user_name, action, detail from app.audit_log where target = $1`, [`rectification:${item.id}`]);
    expect(audit.rows).toEqual([expect.objectContaining({ user_name: 'inspector1', action: 'change', detail: expect.objectContaining({ operation: 'create' }) })]);
    const next = await create();
    expect(Number(next.number.slice(-4))).toBe(Number(item.number.slice(-4)) + 1);
  });

  it('counts a deadline in official working days when the item says so', async () => {
    const item = await create({ deadline: undefined, deadline_days: 20, deadline_in_working_days: true, found_on: '2026-09-25' });
    // 2026-09-25 (Fri) + 20 working days, over the National Day week and its make-up workdays
    const expected = (await platform.db.pool.query(
      `select min(d.day)::text as d from ref.calendar_days s join ref.calendar_days d on d.is_workday and d.workday_number = s.workday_number + 20 where s.day = '2026-09-25'`,
    )).rows[0].d;
    expect(item).toMatchObject({ deadline: expected, deadline_days: 20, deadline_in_working_days: true });
    expect(expected > addDays('2026-09-25', 28)).toBe(true); // the holiday week pushes it past four calendar weeks
  });

  it('refuses county users and leaders, bad input and regions that do not exist', async () => {
    for (const who of ['countyA', 'leader', 'leaderA']) expect((await api('POST', '/api/rectification', who, newItem())).status).toBe(403);
    const bad = await api('POST', '/api/rectification', 'inspector', newItem({ category: '乱写', deadline: '2026-13-01' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/问题类别应为/);
    expect(bad.body.error).toMatch(/deadline/);
    expect((await api('POST', '/api/rectification', 'inspector', newItem({ region_code: '990199000000' }))).body.error).toBe('区划代码 990199000000 不在行政区划表中');
    expect((await api('POST', '/api/rectification', 'inspector', newItem({ persons: [{ id_number: '110101199003077775', name: '李四' }] }))).status).toBe(400);
    expect((await api('POST', '/api/rectification', 'inspector', newItem({ deadline: undefined }))).body.error).toMatch(/须给出整改期限/);
  });
});

describe('region confinement', () => {
  it('a county user sees and changes only their county, and another county answers 404', async () => {
    const inA = await create({ region_code: VIL_A1 });
    const inB = await create({ region_code: VIL_B1, responsible_unit: '乙县民政局' });
    expect((await api('GET', `/api/rectification/${inA.id}`, 'countyA')).status).toBe(200);
    const hidden = await api('GET', `/api/rectification/${inB.id}`, 'countyA');
    expect(hidden.status).toBe(404);
    expect(hidden.body.error).toBe(`整改问题 ${inB.id} 不存在或不在你的区划范围内`);
    expect((await api('GET', '/api/rectification/999999', 'countyA')).body.error).toBe(hidden.body.error.replace(String(inB.id), '999999'));
    expect((await api('POST', `/api/rectification/${inB.id}/transition`, 'countyA', { to: '整改中' })).status).toBe(404);
    expect((await upload(inB.id, 'countyA', PDF, 'a.pdf')).status).toBe(404);
    expect((await api('GET', `/api/rectification/${inB.id}/evidence/1`, 'countyA')).status).toBe(404);
    const list = await api('GET', '/api/rectification?page_size=200', 'countyA');
    expect(list.body.items.every((i: any) => i.region_code.startsWith('990101'))).toBe(true);
    expect(list.body.items.some((i: any) => i.id === inA.id)).toBe(true);
    expect((await api('GET', '/api/rectification?page_size=200', 'leader')).body.items.some((i: any) => i.id === inB.id)).toBe(true);
  });
});

describe('transitions, for each role', () => {
  const STATES = ['待整改', '整改中', '已整改', '回头看', '已销号'];
  // written out from the issue: who may make which move
  const MANAGERS = ['admin', 'inspector', 'staff'];
  const COUNTY = ['countyA', 'countyAInspector'];
  const ALLOWED: Record<string, string[]> = {
    '待整改>整改中': [...MANAGERS, ...COUNTY],
    '待整改>已整改': [...MANAGERS, ...COUNTY],
    '整改中>已整改': [...MANAGERS, ...COUNTY],
    '已整改>回头看': MANAGERS,
    '回头看>已销号': MANAGERS,
    '回头看>整改中': MANAGERS,
  };
  const ROLES = [...MANAGERS, ...COUNTY, 'leader', 'leaderA'];

  it('allows exactly the moves of the state machine, to exactly the roles that may make them', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const from of STATES) {
      for (const to of STATES) {
        for (const who of ROLES) {
          const item = await create();
          await setState(item.id, from);
          const evidence = to === '已整改' ? [(await upload(item.id, 'admin', PDF, '整改报告.pdf')).body.id] : undefined;
          const body = { to, note: '处理说明', evidence, ...(from === '回头看' && to === '整改中' ? { deadline: addDays(today, 15) } : {}) };
          const r = await api('POST', `/api/rectification/${item.id}/transition`, who, body);
          const allowed = ALLOWED[`${from}>${to}`];
          const want = who.startsWith('leader') ? 403 : !allowed ? 409 : allowed.includes(who) ? 200 : 403;
          outcomes.push(`${from}>${to} ${who}: ${r.status}`);
          expected.push(`${from}>${to} ${who}: ${want}`);
          if (r.status === 200) {
            expect(r.body.state).toBe(to);
            expect(r.body.history.at(-1)).toMatchObject({ from, to, by: NAMES[who] });
          } else {
            expect(typeof r.body.error).toBe('string');
            if (r.status === 409) expect(r.body.error).toContain(`从「${from}」改为「${to}」`);
          }
        }
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it('refuses a report of the fix without evidence, and evidence of another item', async () => {
    const item = await create();
    const other = await create();
    const r = await api('POST', `/api/rectification/${item.id}/transition`, 'countyA', { to: '已整改', note: '已整改' });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/佐证材料/);
    const foreign = (await upload(other.id, 'countyA', PDF, 'x.pdf')).body.id;
    const f = await api('POST', `/api/rectification/${item.id}/transition`, 'countyA', { to: '已整改', evidence: [foreign] });
    expect(f.status).toBe(400);
    expect(f.body.error).toMatch(/不属于整改问题/);
  });

  it('writes every change to the audit trail, and nothing when refused', async () => {
    const item = await create();
    await api('POST', `/api/rectification/${item.id}/transition`, 'countyA', { to: '整改中', note: '已交办' });
    await api('POST', `/api/rectification/${item.id}/transition`, 'countyA', { to: '已销号' });
    const audit = await platform.db.pool.query(`select user_name, detail->>'operation' as op, detail->>'to' as to from app.audit_log where target = $1 and action = 'change' order by id`, [`rectification:${item.id}`]);
    expect(audit.rows).toEqual([{ user_name: 'inspector1', op: 'create', to: null }, { user_name: 'county_a', op: 'transition', to: '整改中' }]);
  });
});

describe('evidence', () => {
  it('stores a file with its checksum and gives it back to those who may see the item, audited', async () => {
    const item = await create();
    const up = await upload(item.id, 'countyA', PDF, '整改报告.pdf');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ file_name: '整改报告.pdf', media_type: 'application/pdf', size: PDF.length, sha256: (await import('node:crypto')).createHash('sha256').update(PDF).digest('hex') });
    const down = await platform.app.inject({ url: `/api/rectification/${item.id}/evidence/${up.body.id}`, headers: { authorization: tokens.leader! } });
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(PDF)).toBe(true);
    expect(down.headers['content-type']).toBe('application/pdf');
    expect(down.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('整改报告.pdf')}`);
    const audit = await platform.db.pool.query(`select user_name from app.audit_log where action = 'download' and target = $1`, [`rectification:${item.id}`]);
    expect(audit.rows).toEqual([{ user_name: 'leader1' }]);
    expect((await upload(item.id, 'leader', PDF, 'a.pdf')).status).toBe(403);
  });

  it('accepts Word and images by their content', async () => {
    const item = await create();
    const zip = new JSZip();
    zip.file('[Content_Types].xml', '<Types/>');
    zip.file('word/document.xml', '<w:document/>');
    const docx = await zip.generateAsync({ type: 'nodebuffer' });
    expect((await upload(item.id, 'countyA', docx, '说明.docx')).body.media_type).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect((await upload(item.id, 'countyA', png, '现场.png')).body.media_type).toBe('image/png');
    // well above the JSON body limit (1 MB), within the evidence limit (20 MB)
    const scan = await upload(item.id, 'countyA', Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]), '扫描件.pdf');
    expect(scan.status).toBe(201);
    expect(scan.body.size).toBe(PDF.length + 5 * 1024 * 1024);
  });

  it('refuses a program renamed .pdf, an empty file and a file over 20 MB', async () => {
    const item = await create();
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00', 'latin1'), Buffer.alloc(200)]);
    const r = await upload(item.id, 'countyA', exe, 'report.pdf');
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('文件「report.pdf」的内容不是可接受的类型（PDF、PNG 图片、JPEG 图片、Word 文档（.docx）、Word 文档（.doc））；类型按文件内容识别，与扩展名无关');
    expect((await upload(item.id, 'countyA', Buffer.alloc(0), 'empty.pdf')).status).toBe(400);
    const big = Buffer.concat([PDF, Buffer.alloc(20 * 1024 * 1024)]);
    const tooBig = await upload(item.id, 'countyA', big, 'big.pdf');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error).toMatch(/20 MB/);
    const stored = await platform.db.pool.query(`select count(*)::int as n from app.rectification_evidence where item_id = $1`, [item.id]);
    expect(stored.rows[0].n).toBe(0);
  });
});

describe('the follow-up cycle and the rectification view', () => {
  it('a failed review returns the item to 整改中 with a new deadline and counts; a later pass counts as another review', async () => {
    const before = await rectificationNow('admin', COUNTY_A);
    const item = await create();
    const report = async () => {
      const ev = (await upload(item.id, 'countyA', PDF, '整改报告.pdf')).body.id;
      const r = await api('POST', `/api/rectification/${item.id}/transition`, 'countyA', { to: '已整改', note: '已整改', evidence: [ev] });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.history.at(-1).evidence).toEqual([expect.objectContaining({ id: ev, file_name: '整改报告.pdf' })]);
    };
    await report();
    expect((await api('POST', `/api/rectification/${item.id}/transition`, 'inspector', { to: '回头看' })).status).toBe(200);
    const failed = await api('POST', `/api/rectification/${item.id}/transition`, 'inspector', { to: '整改中', note: '仍有1户未退出', deadline: addDays(today, 20) });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ state: '整改中', deadline: addDays(today, 20) });
    expect(failed.body.history.at(-1)).toMatchObject({ from: '回头看', to: '整改中', review_result: '未通过', note: '仍有1户未退出', deadline: addDays(today, 20) });
    const afterFail = await rectificationNow('admin', COUNTY_A);
    expect(afterFail.follow_ups - before.follow_ups).toBe(1);
    expect(afterFail.follow_ups_passed - before.follow_ups_passed).toBe(0);
    await report();
    await api('POST', `/api/rectification/${item.id}/transition`, 'inspector', { to: '回头看' });
    const passed = await api('POST', `/api/rectification/${item.id}/transition`, 'inspector', { to: '已销号', note: '整改到位' });
    expect(passed.body.state).toBe('已销号');
    expect(passed.body.actions).toEqual([]);
    const after = await rectificationNow('admin', COUNTY_A);
    expect(after.follow_ups - before.follow_ups).toBe(2);
    expect(after.follow_ups_passed - before.follow_ups_passed).toBe(1);
    expect(after.closed_items - before.closed_items).toBe(1);
    expect(after.closed_in_time_items - before.closed_in_time_items).toBe(1);
  });

  it('counts an overdue item as overdue in the view the same minute', async () => {
    const before = await rectificationNow('admin');
    const beforeA = await rectificationNow('countyA', COUNTY_A);
    const item = await create({ found_on: addDays(today, -40), deadline: addDays(today, -1) });
    expect(item.overdue).toBe(true);
    const after = await rectificationNow('admin');
    expect(after.open_items - before.open_items).toBe(1);
    expect(after.overdue_items - before.overdue_items).toBe(1);
    expect((await rectificationNow('countyA', COUNTY_A)).overdue_items - beforeA.overdue_items).toBe(1);
    const listed = await api('GET', `/api/rectification?overdue=true&page_size=200`, 'countyA');
    expect(listed.body.items.map((i: any) => i.id)).toContain(item.id);
    expect(listed.body.items.every((i: any) => i.overdue)).toBe(true);
    // reported fixed: no longer open nor overdue, at once
    const ev = (await upload(item.id, 'countyA', PDF, 'r.pdf')).body.id;
    await api('POST', `/api/rectification/${item.id}/transition`, 'countyA', { to: '已整改', evidence: [ev] });
    const fixed = await rectificationNow('admin');
    expect([fixed.open_items, fixed.overdue_items]).toEqual([before.open_items, before.overdue_items]);
    expect(fixed.closed_items - after.closed_items).toBe(1);
    expect(fixed.closed_in_time_items - after.closed_in_time_items).toBe(0); // closed after its deadline
  });
});

describe('the list and its export', () => {
  it('pages on the server with a total, and filters', async () => {
    const all = await api('GET', '/api/rectification?page_size=5', 'admin');
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(5);
    const count = (await platform.db.pool.query(`select count(*)::int as n from app.rectification_items`)).rows[0].n;
    expect(all.body.total).toBe(count);
    const page2 = await api('GET', '/api/rectification?page_size=5&page=2', 'admin');
    expect(page2.body.items[0].id).toBeLessThan(all.body.items[4].id);
    const closed = await api('GET', `/api/rectification?state=${encodeURIComponent('已销号')}&region=${COUNTY_A}&q=${encodeURIComponent('车辆')}`, 'admin');
    expect(closed.body.total).toBeGreaterThan(0);
    expect(closed.body.items.every((i: any) => i.state === '已销号')).toBe(true);
    expect((await api('GET', '/api/rectification?state=done', 'admin')).status).toBe(400);
  });

  it('exports the filtered list to Excel, overdue in red, audited', async () => {
    const res = await platform.app.inject({ url: '/api/rectification/export.xlsx?overdue=true', headers: { authorization: tokens.inspector! } });
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as never);
    const ws = wb.getWorksheet('整改台账')!;
    const total = (await api('GET', '/api/rectification?overdue=true', 'inspector')).body.total;
    expect(ws.rowCount - 1).toBe(total);
    expect(ws.getRow(1).getCell(1).value).toBe('问题编号');
    expect(ws.getRow(2).getCell(13).value).toBe('逾期');
    expect(ws.getRow(2).font?.color?.argb).toBe('FFCF1322');
    const audit = await platform.db.pool.query(`select count(*)::int as n from app.audit_log where action = 'export' and target = 'rectification:list' and user_name = 'inspector1'`);
    expect(audit.rows[0].n).toBe(1);
  });
});

describe('proposals from the integrity checks', () => {
  const findingCount = async () => (await platform.db.pool.query(`select count(*)::int as n from marts.fct_integrity_findings`)).rows[0].n as number;

  it('proposes every finding not yet covered; accepting creates an item with the finding\'s persons', async () => {
    const total = await findingCount();
    const listed = await api('GET', '/api/rectification/proposals?page_size=500', 'inspector');
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(total);
    const death = listed.body.proposals.find((p: any) => p.check_code === 'paid_after_death');
    const finding = (await platform.db.pool.query(`select * from marts.fct_integrity_findings where finding_id = $1`, [death.id])).rows[0];
    expect(death).toMatchObject({ category: '死亡未及时停发', persons: [{ id_number: maskIdNumber(finding.id_number) }], amount: Number(finding.amount_yuan) });
    const accepted = await api('POST', `/api/rectification/proposals/${encodeURIComponent(death.id)}/accept`, 'inspector', { deadline: addDays(today, 30) });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    expect(accepted.body).toMatchObject({ source: '数据比对', category: '死亡未及时停发', origin: 'proposal', region_code: finding.region_code, person_count: 1, amount: Number(finding.amount_yuan), findings: [{ finding_id: death.id, facts_hash: death.facts_hash }] });
    expect(accepted.body.persons).toEqual([{ id_number: maskIdNumber(finding.id_number), name: expect.stringContaining('*') }]);
    const stored = await platform.db.pool.query(`select persons from app.rectification_items where item_id = $1`, [accepted.body.id]);
    expect(stored.rows[0].persons).toEqual([{ id_number: finding.id_number, name: finding.person_name }]);
    // the full persons, one item at a time: audited; leaders refused; another county 404
    const revealed = await api('POST', `/api/rectification/${accepted.body.id}/persons/reveal`, 'inspector');
    expect(revealed.status).toBe(200);
    expect(revealed.body.persons).toEqual([{ id_number: finding.id_number, name: finding.person_name }]);
    const revealAudit = await platform.db.pool.query(`select user_name, outcome from app.audit_log where action = 'reveal' and target = $1`, [`rectification:${accepted.body.id}`]);
    expect(revealAudit.rows).toEqual([{ user_name: 'inspector1', outcome: 'ok' }]);
    expect((await api('POST', `/api/rectification/${accepted.body.id}/persons/reveal`, 'leader')).status).toBe(403);
    const otherCounty = finding.region_code.startsWith(COUNTY_A.slice(0, 6)) ? 'countyB' : 'countyA';
    expect((await api('POST', `/api/rectification/${accepted.body.id}/persons/reveal`, otherCounty)).status).toBe(404);
    const viewed = await platform.db.pool.query(`select count(*)::int as n from app.audit_log where action = 'query_person_level' and target = 'rectification:proposals' and user_name = 'inspector1'`);
    expect(viewed.rows[0].n).toBeGreaterThan(0);
    const again = await api('GET', '/api/rectification/proposals?page_size=500', 'inspector');
    expect(again.body.total).toBe(total - 1);
    expect(again.body.proposals.some((p: any) => p.id === death.id)).toBe(false);
    expect((await api('POST', `/api/rectification/proposals/${encodeURIComponent(death.id)}/accept`, 'inspector', { deadline: addDays(today, 30) })).status).toBe(409);
  });

  it('accepts in bulk, refuses county users and leaders', async () => {
    const listed = (await api('GET', '/api/rectification/proposals?page_size=3', 'staff')).body.proposals.map((p: any) => p.id);
    expect((await api('POST', '/api/rectification/proposals/accept', 'countyA', { finding_ids: listed, deadline: addDays(today, 10) })).status).toBe(403);
    expect((await api('GET', '/api/rectification/proposals', 'leader')).status).toBe(403);
    const r = await api('POST', '/api/rectification/proposals/accept', 'staff', { finding_ids: listed.slice(0, 2), deadline_days: 15, deadline_in_working_days: true });
    expect(r.status).toBe(201);
    expect(r.body.items.map((i: any) => i.finding_id)).toEqual(listed.slice(0, 2));
  });

  it('does not propose a dismissed finding again unless its facts change', async () => {
    const [first, second] = (await api('GET', '/api/rectification/proposals?page_size=2', 'inspector')).body.proposals;
    expect((await api('POST', `/api/rectification/proposals/${encodeURIComponent(first.id)}/dismiss`, 'inspector', { reason: ' ' })).status).toBe(400);
    const d = await api('POST', '/api/rectification/proposals/dismiss', 'inspector', { finding_ids: [first.id, second.id], reason: '已核实，系同名不同人' });
    expect(d.status).toBe(200);
    const ids = async () => (await api('GET', '/api/rectification/proposals?page_size=500', 'inspector')).body.proposals.map((p: any) => p.id);
    expect(await ids()).not.toContain(first.id);
    expect(await ids()).not.toContain(second.id);
    const audit = await platform.db.pool.query(`select detail->>'reason' as reason from app.audit_log where target = $1`, [`integrity:${first.id}`]);
    expect(audit.rows).toEqual([{ reason: '已核实，系同名不同人' }]);
    // a later load finds the same finding with other facts (here: another amount or evidence)
    await platform.db.pool.query(`update marts.fct_integrity_findings set evidence = evidence || '（更正）' where finding_id = $1`, [first.id]);
    const back = (await api('GET', '/api/rectification/proposals?page_size=500', 'inspector')).body.proposals.find((p: any) => p.id === first.id);
    expect(back).toMatchObject({ dismissed_before: true });
    expect(back.facts_hash).not.toBe(first.facts_hash);
    expect(await ids()).not.toContain(second.id);
  });
});

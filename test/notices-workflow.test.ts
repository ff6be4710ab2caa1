// Monthly and quarterly notices from the hand-made catalogue city (figures,
// ranks, named regions and drafted problems worked out by hand below), the
// .docx read back, and the workflow: review, issue by someone other than the
// drafter, 文号, the frozen archive after corrected data, county scope, the CLI.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { RELIEF, writeCatalogueCity } from './fixtures/catalogue/catalogue-city.ts';
import { CITY, COUNTY_A, COUNTY_B, pid, VIL_A1, VIL_A2 } from './fixtures/small-city.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

const run = promisify(execFile);

// Two more temporary-relief acts in county A on top of the catalogue city's
// TR-1…TR-4, so that A's per-capita relief falls two months in a row:
// January TR-1 1,000 / 2 = 500; February TR-3 600 / 1 and TR-5 200 / 1 = 400;
// March TR-6 600 / 2 = 300. County B: January TR-2 900 / 3 = 300, March TR-4
// 1,500 / 2 = 750. The city: February 800 / 2 = 400, March (1,500 + 600) / 4 = 525.
const EXTRA_RELIEF: typeof RELIEF = [
  ['TR-5', VIL_A2, '2025-02-25', 200, 1, '支出型', '疾病', '乡镇备用金审批'],
  ['TR-6', VIL_A1, '2025-03-10', 600, 2, '急难型', '意外事故', '县级审批'],
];

function reliefCsv(rows: typeof RELIEF): string {
  const headers = ['救助编号', '身份证号', '姓名', '区划代码', '救助日期', '救助金额', '救助人数', '救助类型', '致困原因', '审批方式', '户籍类型'];
  return [headers.join(','), ...rows.map(([id, village, date, amount, persons, type, cause, route], i) =>
    [id, pid(400 + i), '临救', village, date, amount, persons, type, cause, route, '本地'].join(','))].join('\r\n') + '\r\n';
}

type Json = Record<string, any>;

let platform: TestPlatform;
let dir: string;
let staff: string; // city staff, the drafter
let leader: string; // city leader, who issues
let admin: string;
let countyAStaff: string;
let countyALeader: string;
let countyBLeader: string;

async function api(method: 'GET' | 'POST' | 'PATCH', url: string, token: string, payload?: unknown) {
  const res = await platform.app.inject({ method, url, headers: { authorization: token }, payload: payload as never });
  return { status: res.statusCode, body: res.headers['content-type']?.toString().includes('json') ? res.json() : null, raw: res.rawPayload, headers: res.headers };
}

const section = (notice: Json, type: string) => notice.sections.find((s: Json) => s.type === type);
const figure = (notice: Json, member: string) => section(notice, 'headline').groups.flatMap((g: Json) => g.figures).find((f: Json) => f.member === member);
const table = (s: Json, id: string) => s.tables.find((t: Json) => t.id === id);
const texts = (t: Json) => t.rows.map((r: Json[]) => r.map((c) => c.text));

beforeAll(async () => {
  platform = await startTestPlatform();
  dir = await mkdtemp(path.join(os.tmpdir(), 'notices-city-'));
  await writeCatalogueCity(dir);
  await writeFile(path.join(dir, 'temp-relief.csv'), reliefCsv([...RELIEF, ...EXTRA_RELIEF]));
  await runLoad(platform.db.pool, [dir], { runBy: 'test' });
  staff = await platform.userToken({ role: 'staff', region: CITY, name: 'zhang' });
  leader = await platform.userToken({ role: 'leader', region: CITY, name: 'li' });
  admin = await platform.userToken({ role: 'admin', region: CITY, name: 'wang' });
  countyAStaff = await platform.userToken({ role: 'staff', region: COUNTY_A, name: 'a_staff' });
  countyALeader = await platform.userToken({ role: 'leader', region: COUNTY_A, name: 'a_leader' });
  countyBLeader = await platform.userToken({ role: 'leader', region: COUNTY_B, name: 'b_leader' });
});

afterAll(async () => {
  await platform?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a monthly notice (2025-03, the city)', () => {
  let notice: Json;

  beforeAll(async () => {
    const res = await api('POST', '/api/notices', staff, { period: '2025-03' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    notice = res.body;
  });

  it('is a draft of the city for the month', () => {
    expect(notice).toMatchObject({ kind: 'monthly', period: '2025-03', region: CITY, regionName: '测试市', state: '拟稿', number: null, createdBy: 'zhang' });
    expect(notice.title).toBe('关于2025年3月测试市社会救助工作情况的通报');
    expect(notice.document.recipients).toBe('各区县民政局');
    expect(notice.document.issuer).toBe('测试市民政局');
    expect(notice.sections.map((s: Json) => s.type)).toEqual(['headline', 'ranking', 'targets', 'integrity', 'problems']);
    expect(notice.dataBatchId).toBeGreaterThan(0);
  });

  it('states the headline figures with 环比 and 同比', () => {
    // dibao persons: March 1, 2, 4, 5, 6, 10 = 6; February 1, 2, 4, 5, 6 = 5; no 2024 data
    expect(figure(notice, 'basic_living.dibao_persons')).toMatchObject({ value: 6, text: '6 人', previous: 5, mom: { text: '增长 20.0%' }, yoy: { text: '无可比数据' }, yearAgoText: '无数据' });
    // temporary relief per 人次: 525 against 400
    expect(figure(notice, 'indicators.temp_relief_per_capita')).toMatchObject({ value: 525, text: '525 元', previousText: '400 元', mom: { text: '增长 31.3%' } });
    // decided in time, 低保/特困 only (domain.md): AP-4 late, AP-7 in time = 1 / 2 (AP-5 is 临时救助,
    // outside the rule; AP-6 pending is due 04-08, after March); February AP-2, AP-3 = 100 %
    expect(figure(notice, 'applications.decided_within_limit_rate')).toMatchObject({ text: '50.00%', previousText: '100.00%', mom: { text: '下降 50.00 个百分点' } });
    // benefits paid in March: 4,800 元 shown in 万元 as the template says
    expect(figure(notice, 'benefits.benefits_paid')).toMatchObject({ value: 4800, text: '0.48 万元', displayUnit: '万元' });
    // rural/urban standard at 03-31: (500 + 500) / (700 + 600)
    expect(figure(notice, 'standards.rural_urban_standard_ratio').text).toBe('76.92%');
  });

  it('carries the Cube query of every figure, which gives the same value through the API', async () => {
    const f = figure(notice, 'indicators.temp_relief_per_capita');
    expect(f.query.timeDimensions).toEqual([{ dimension: 'indicators.month', granularity: 'month', dateRange: ['2025-03-01', '2025-03-31'] }]);
    const { status, body } = await platform.load(f.query, await platform.token({ role: 'leader', region: CITY }));
    expect(status).toBe(200);
    expect(Number(body.data[0]['indicators.temp_relief_per_capita'])).toBeCloseTo(525, 6);
  });

  it('ranks the counties on each indicator', () => {
    const ranking = section(notice, 'ranking');
    // B 1,500 / 2 = 750; A 600 / 2 = 300 (February 400)
    expect(texts(table(ranking, 'ranking:indicators.temp_relief_per_capita'))).toEqual([
      ['1', '乙县', '750 元', '无数据', '无可比数据'],
      ['2', '甲区', '300 元', '400 元', '下降 25.0%'],
      ['', '全市', '525 元', '400 元', '增长 31.3%'],
    ]);
    // B 500 / 600 = 83.33 %; A 500 / 700 = 71.43 %
    expect(texts(table(ranking, 'ranking:standards.rural_urban_standard_ratio')).map((r: string[]) => r.slice(0, 3))).toEqual([
      ['1', '乙县', '83.33%'], ['2', '甲区', '71.43%'], ['', '全市', '76.92%'],
    ]);
    // everyone paid on 03-05: a tie shares the first place
    expect(texts(table(ranking, 'ranking:benefits.paid_on_time_rate')).map((r: string[]) => r.slice(0, 3))).toEqual([
      ['1', '甲区', '100.00%'], ['1', '乙县', '100.00%'], ['', '全市', '100.00%'],
    ]);
    expect(ranking.charts).toHaveLength(1);
  });

  it('names the regions that miss a target', () => {
    const misses = Object.fromEntries(section(notice, 'targets').misses.map((m: Json) => [m.member, m.regions.map((r: Json) => `${r.name} ${r.text}`)]));
    expect(misses).toEqual({
      'standards.rural_urban_standard_ratio': ['甲区 71.43%'],
      'applications.decided_within_limit_rate': ['测试市 50.00%', '乙县 0.00%'], // B: AP-4 late; AP-5 (临时救助) not in the share
      'benefits.paid_on_time_rate': [],
      // raised in March: W-4 (B, pending past 15 days), W-5 (A, pending past 15 days on 04-30), W-6 (B, 8 days)
      'warnings.handled_within_limit_rate': ['测试市 33.33%', '甲区 0.00%', '乙县 50.00%'],
      // approved in March: AP-4 (B, 入户走访), AP-7 (A, 主动申请): A 0 %
      'indicators.proactive_discovery_rate': ['甲区 0.00%'],
    });
  });

  it('counts the integrity findings of the month by check and county', () => {
    const integrity = section(notice, 'integrity');
    // tekun 7 and 11 paid 1,000 above A's 845 tekun standard; person 3 paid off the roster; AP-4 decided late
    expect(integrity.total).toBe(4);
    expect(texts(table(integrity, 'integrity'))).toEqual([
      ['救助金额高于标准', '甲区', '2'],
      ['发放对象不在当月名单', '甲区', '1'],
      ['审核确认超时', '乙县', '1'],
    ]);
  });

  it('drafts the problems and requirements', () => {
    const p = section(notice, 'problems');
    const byRule = (rule: string) => p.problems.filter((x: Json) => x.rule === rule).map((x: Json) => x.text);
    // the average dibao benefit is a snapshot of the roster (domain.md): January 1,600 / 6, February
    // 1,300 / 5, March 1,500 / 6 (1, 2, 4 at 300; 5, 6, 10 at 200) — falling twice for the city
    expect(byRule('falling')).toEqual([
      '甲区临时救助人均救助水平连续两期下降（500 元 → 400 元 → 300 元）。',
      '测试市低保月人均救助水平连续两期下降（267 元/人·月 → 260 元/人·月 → 250 元/人·月）。',
    ]);
    expect(byRule('target')).toContain('甲区农村低保标准占城市低保标准比例为71.43%，未达到不低于75.00%的目标要求。');
    expect(byRule('target')).toHaveLength(7);
    // ZG-2 (deadline 02-05) and ZG-4 (deadline 02-28) still open at 03-31
    expect(byRule('overdue')).toEqual(['乙县有 2 个整改问题逾期未完成整改。']);
    expect(p.requirements.map((r: Json) => r.text)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^请甲区分析临时救助人均救助水平连续变差的原因.*报送测试市民政局。$/),
      expect.stringMatching(/^请乙县抓紧完成逾期问题整改/),
    ]));
  });

  it('writes a .docx that holds the layout, tables, figures and charts', async () => {
    const res = await api('GET', `/api/notices/${notice.id}/document.docx`, staff);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('wordprocessingml');
    const zip = await JSZip.loadAsync(res.raw);
    const xml = await zip.file('word/document.xml')!.async('string');
    const text = xml.replace(/<[^>]+>/g, '');
    for (const s of ['测试市民政局', '关于2025年3月测试市社会救助工作情况的通报', '各区县民政局：', '一、总体情况', '二、各区县主要指标排名',
      '五、存在的问题和工作要求', '525 元', '0.48 万元', '甲区临时救助人均救助水平连续两期下降', '抄送：', '（拟稿，未签发）']) {
      expect(text, s).toContain(s);
    }
    expect(xml).toContain('w:color w:val="C00000"'); // the red header
    expect(xml).toContain('仿宋_GB2312');
    expect(xml).toContain('黑体');
    expect((xml.match(/<w:tbl>/g) ?? []).length).toBe(1 + 9 + 1 + 1); // headline, nine rankings, targets, integrity
    expect(xml).toContain('<w:tblHeader/>');
    const images = Object.keys(zip.files).filter((f) => f.startsWith('word/media/'));
    expect(images).toHaveLength(2);
    const png = await zip.file(images[0]!)!.async('nodebuffer');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('downloads every table as .xlsx', async () => {
    const res = await api('GET', `/api/notices/${notice.id}/tables.xlsx`, staff);
    expect(res.status).toBe(200);
    const zip = await JSZip.loadAsync(res.raw);
    expect(Object.keys(zip.files).filter((f) => /^xl\/worksheets\/sheet\d+\.xml$/.test(f))).toHaveLength(12);
  });
});

describe('a quarterly notification (2025-Q1, the city)', () => {
  let notice: Json;

  beforeAll(async () => {
    const res = await api('POST', '/api/notices', staff, { period: '2025-Q1' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    notice = res.body;
  });

  it('adds the rectification list and takes the quarter\'s values', () => {
    expect(notice.kind).toBe('quarterly');
    expect(notice.sections.map((s: Json) => s.type)).toEqual(['headline', 'ranking', 'targets', 'integrity', 'rectification', 'problems']);
    // (1,000 + 900 + 600 + 200 + 1,500 + 600) / (2 + 3 + 1 + 1 + 2 + 2) = 4,800 / 11
    expect(figure(notice, 'indicators.temp_relief_per_capita').text).toBe('436 元');
    // snapshot: the March roster, not the sum of the months
    expect(figure(notice, 'basic_living.dibao_persons').text).toBe('6 人');
    // A (1,000 + 600 + 200 + 600) / 6 = 400; B (900 + 1,500) / 5 = 480
    expect(texts(table(section(notice, 'ranking'), 'ranking:indicators.temp_relief_per_capita')).map((r: string[]) => r.slice(0, 3))).toEqual([
      ['1', '乙县', '480 元'], ['2', '甲区', '400 元'], ['', '全市', '436 元'],
    ]);
    const rect = section(notice, 'rectification');
    // at 03-31: B ZG-2, ZG-4 open and overdue; A ZG-5 open, ZG-1 and ZG-3 closed in the quarter
    expect(texts(table(rect, 'rectification:counts')).map((r: string[]) => r.slice(0, 4))).toEqual([['乙县', '2', '2', '0'], ['甲区', '1', '0', '2']]);
    // the items from the rectification ledger (kind-12 imports): open at 03-31 or closed in the quarter,
    // overdue first (ZG-2 due 02-05, ZG-4 due 02-28), then by deadline; ZG-6 was found in April
    expect(rect.source).toBe('items');
    expect(rect.items.map((i: Json) => [i.id, i.county, i.deadline, i.overdue, i.followUp])).toEqual([
      ['ZG-2', '乙县', '2025-02-05', true, ''],
      ['ZG-4', '乙县', '2025-02-28', true, '未通过（2025-03-05）'],
      ['ZG-1', '甲区', '2025-01-31', false, '通过（2025-02-10）'],
      ['ZG-3', '甲区', '2025-03-20', false, ''],
      ['ZG-5', '甲区', '2025-05-15', false, ''],
    ]);
    expect(texts(table(rect, 'rectification:items'))[0]!.slice(4)).toEqual(['整改中（逾期）', '—']);
  });

  it('names the quarter\'s misses; nothing falls without earlier quarters', () => {
    const misses = Object.fromEntries(section(notice, 'targets').misses.map((m: Json) => [m.member, m.regions.map((r: Json) => r.name)]));
    expect(misses['benefits.paid_on_time_rate']).toEqual(['测试市', '甲区', '乙县']); // 24/27, 14/15, 10/12
    expect(misses['indicators.proactive_discovery_rate']).toEqual([]); // city 2/5, A 1/3, B 1/2
    const p = section(notice, 'problems');
    expect(p.problems.filter((x: Json) => x.rule === 'falling')).toEqual([]);
    expect(p.problems.filter((x: Json) => x.rule === 'overdue').map((x: Json) => x.text)).toEqual(['乙县有 2 个整改问题逾期未完成整改。']);
  });
});

describe('review, issue and the archive', () => {
  it('rejects bad requests in Chinese', async () => {
    expect((await api('POST', '/api/notices', staff, { period: '2025-13' })).body.error).toMatch(/月份/);
    expect((await api('POST', '/api/notices', staff, { period: 'June' })).status).toBe(400);
    expect((await api('POST', '/api/notices', staff, { period: '2023-01' })).body.error).toMatch(/2023年1月没有数据/);
    expect((await api('POST', '/api/notices', staff, { period: '2025-03', region: '990199000000' })).status).toBe(404);
    expect((await api('POST', '/api/notices', leader, { period: '2025-03' })).status).toBe(403); // leaders review, staff draft
    expect((await api('GET', '/api/notices/999999', staff)).status).toBe(404);
  });

  it('goes 拟稿 → 待审核 → 拟稿 (returned) → 待审核 → 已签发; the drafter cannot issue', async () => {
    const draft = (await api('POST', '/api/notices', admin, { period: '2025-03' })).body;
    const edited = await api('PATCH', `/api/notices/${draft.id}`, admin, { problems: [{ text: '人工补充的问题。' }] });
    expect(edited.status).toBe(200);
    expect(section(edited.body, 'problems')).toMatchObject({ edited: true, problems: [{ rule: 'manual', text: '人工补充的问题。' }] });
    expect((await api('POST', `/api/notices/${draft.id}/submit`, admin)).body.state).toBe('待审核');
    expect((await api('PATCH', `/api/notices/${draft.id}`, admin, { intro: '改' })).status).toBe(409);
    expect((await api('POST', `/api/notices/${draft.id}/return`, leader, {})).status).toBe(400); // a return needs a comment
    const returned = await api('POST', `/api/notices/${draft.id}/return`, leader, { comment: '请补充整改要求' });
    expect(returned.body.state).toBe('拟稿');
    await api('POST', `/api/notices/${draft.id}/submit`, admin);
    const byDrafter = await api('POST', `/api/notices/${draft.id}/issue`, admin);
    expect(byDrafter.status).toBe(403);
    expect(byDrafter.body.error).toContain('拟稿人');
    expect((await api('POST', `/api/notices/${draft.id}/issue`, staff)).status).toBe(403); // staff do not issue
    const issued = await api('POST', `/api/notices/${draft.id}/issue`, leader);
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    expect(issued.body).toMatchObject({ state: '已签发', issuedBy: 'li' });
    expect(issued.body.number).toMatch(/^X民救通〔\d{4}〕\d+号$/);
    expect(issued.body.steps.map((s: Json) => s.step)).toEqual(['create', 'edit', 'submit', 'return', 'submit', 'issue']);
    expect(issued.body.steps[3]).toMatchObject({ by: 'li', comment: '请补充整改要求' });
    const audit = await platform.db.pool.query(`select detail->>'step' as step from app.audit_log where target = $1 and action = 'change' order by id`, [`notice:${draft.id}`]);
    expect(audit.rows.map((r) => r.step)).toEqual(['create', 'edit', 'submit', 'return', 'submit', 'issue']);
  });

  it('keeps an issued notice byte for byte after corrected data; a new draft shows the correction', async () => {
    const draft = (await api('POST', '/api/notices', staff, { period: '2025-03' })).body;
    await api('POST', `/api/notices/${draft.id}/submit`, staff);
    const issued = (await api('POST', `/api/notices/${draft.id}/issue`, leader)).body;
    const first = await api('GET', `/api/notices/${draft.id}/document.docx`, countyBLeader); // issued city notices reach the counties
    expect(first.status).toBe(200);
    expect(createHash('sha256').update(first.raw).digest('hex')).toBe(issued.docxSha256);
    expect((await JSZip.loadAsync(first.raw)).file('word/document.xml')).toBeTruthy();

    // the export of temporary relief is corrected: TR-6 was 1,000 元, not 600 (A in March: 1,000 / 2 = 500)
    const fix = await mkdtemp(path.join(os.tmpdir(), 'notices-fix-'));
    await writeFile(path.join(fix, 'temp-relief.csv'), reliefCsv([...RELIEF, EXTRA_RELIEF[0]!, ['TR-6', VIL_A1, '2025-03-10', 1000, 2, '急难型', '意外事故', '县级审批']]));
    await runLoad(platform.db.pool, [fix], { runBy: 'test' });
    await rm(fix, { recursive: true, force: true });

    const again = await api('GET', `/api/notices/${draft.id}/document.docx`, staff);
    expect(Buffer.compare(again.raw, first.raw)).toBe(0);
    const stored = (await api('GET', `/api/notices/${draft.id}`, staff)).body;
    expect(figure(stored, 'indicators.temp_relief_per_capita').text).toBe('525 元');
    expect((await api('POST', `/api/notices/${draft.id}/refresh`, staff)).status).toBe(409);
    await expect(platform.db.pool.query(`update app.notices set title = 'x' where id = $1`, [draft.id])).rejects.toThrow(/已签发的通报/);

    const correction = await api('POST', '/api/notices', staff, { corrects: draft.id });
    expect(correction.status).toBe(201);
    expect(correction.body).toMatchObject({ correctsNoticeId: draft.id, period: '2025-03', region: CITY });
    expect(correction.body.title).toMatch(/^（更正）/);
    expect(correction.body.document.intro).toContain(issued.number);
    // (1,500 + 1,000) / 4 = 625 for the city; A 500
    expect(figure(correction.body, 'indicators.temp_relief_per_capita').text).toBe('625 元');
    const ranking = texts(table(section(correction.body, 'ranking'), 'ranking:indicators.temp_relief_per_capita'));
    expect(ranking[1]).toEqual(['2', '甲区', '500 元', '400 元', '增长 25.0%']);
    // the temporary-relief fall is gone from the drafted problems; the city's dibao average (a roster
    // snapshot the correction does not touch) still falls
    expect(section(correction.body, 'problems').problems.filter((p: Json) => p.rule === 'falling').map((p: Json) => p.member)).toEqual(['benefits.dibao_average_benefit']);
    expect((await api('GET', `/api/notices/${draft.id}`, staff)).body.correctedBy).toEqual([correction.body.id]);
  });

  it('numbers issued notices uniquely per year and kind, also when issued at once', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const d = (await api('POST', '/api/notices', staff, { period: '2025-02' })).body;
      await api('POST', `/api/notices/${d.id}/submit`, staff);
      ids.push(d.id);
    }
    const results = await Promise.all(ids.map((id) => api('POST', `/api/notices/${id}/issue`, leader)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const all = await platform.db.pool.query<{ number: string; kind: string; number_year: number }>(`select number, kind, number_year from app.notices where state = '已签发'`);
    expect(new Set(all.rows.map((r) => r.number)).size).toBe(all.rows.length);
    const seqs = all.rows.map((r) => Number(/〔\d{4}〕(\d+)号/.exec(r.number)![1])).sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('shows a county its own notices and the issued city notices, and nothing of another county', async () => {
    const draft = await api('POST', '/api/notices', countyAStaff, { period: '2025-03' });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    expect(draft.body).toMatchObject({ region: COUNTY_A, regionName: '甲区' });
    expect(draft.body.document.recipients).toBe('各乡镇人民政府（街道办事处）');
    expect(section(draft.body, 'ranking').tables[0].columns[1]).toBe('乡镇（街道）');
    expect((await api('GET', `/api/notices/${draft.body.id}`, countyALeader)).status).toBe(200);
    expect((await api('GET', `/api/notices/${draft.body.id}`, countyBLeader)).status).toBe(404);
    expect((await api('GET', `/api/notices/${draft.body.id}/document.docx`, countyBLeader)).status).toBe(404);
    expect((await api('POST', '/api/notices', countyAStaff, { period: '2025-03', region: COUNTY_B })).status).toBe(403);
    const listB = (await api('GET', '/api/notices', countyBLeader)).body;
    expect(listB.notices.every((n: Json) => n.region === CITY && n.state === '已签发')).toBe(true);
    expect(listB.notices.length).toBeGreaterThan(0);
    const cityDraft = (await api('GET', '/api/notices?state=拟稿&kind=quarterly', staff)).body.notices[0];
    expect((await api('GET', `/api/notices/${cityDraft.id}`, countyALeader)).status).toBe(404); // city drafts stay in the bureau
    const search = (await api('GET', `/api/notices?q=${encodeURIComponent('甲区')}&region=${COUNTY_A}`, staff)).body;
    expect(search.notices.map((n: Json) => n.id)).toEqual([draft.body.id]);
  });
});

describe('the command line', () => {
  const cli = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'notices/cli.ts', ...args], {
    cwd: path.resolve(import.meta.dirname, '..'), env: { ...process.env, DATABASE_URL: platform.db.url },
  }).then((r) => ({ code: 0, ...r }), (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }));

  it('writes the draft as a valid .docx', async () => {
    const out = path.join(dir, 'cli.docx');
    const r = await cli(['--period', '2025-03', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('已生成月度通报');
    const xml = await (await JSZip.loadAsync(await readFile(out))).file('word/document.xml')!.async('string');
    expect(xml.replace(/<[^>]+>/g, '')).toContain('关于2025年3月测试市社会救助工作情况的通报');
  });

  it('fails clearly for a period without data and for an unknown region', async () => {
    const none = await cli(['--period', '2023-01', '--out', path.join(dir, 'none.docx')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('2023年1月没有数据');
    const region = await cli(['--period', '2025-03', '--region', '990199000000', '--out', path.join(dir, 'x.docx')]);
    expect(region.code).toBe(1);
    expect(region.stderr).toContain('区划代码 990199000000 不存在');
  });
});

// The cross-source integrity checks (models/marts/fct_integrity_*.sql): on the
// hand-made city of test/fixtures/integrity/integrity-city.ts every check finds
// its planted case (person, month, region, key evidence) and leaves its near
// miss alone; the view `integrity` counts them, restricts rows to the token's
// region and person-level members to the roles allowed; and on the synthetic
// city each check finds what the generator planted.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { maskIdNumber, maskName } from '../cube/api/masking.ts';
import { generateCity } from '../etl/generate/index.ts';
import { name, writeIntegrityCity } from './fixtures/integrity/integrity-city.ts';
import { CITY, COUNTY_A, COUNTY_B, TOWN_A1, VIL_A1, VIL_A2, VIL_B1, pid } from './fixtures/small-city.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

type Row = Record<string, unknown>;

let platform: TestPlatform;
let dir: string;
let admin: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  dir = await mkdtemp(path.join(os.tmpdir(), 'integrity-city-'));
  await writeIntegrityCity(dir);
  const report = await runLoad(platform.db.pool, [dir], { runBy: 'test' });
  expect(report.files.flatMap((f) => f.rejects)).toEqual([]);
  admin = await platform.token({ role: 'admin', region: CITY });
});

afterAll(async () => {
  await platform?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Rows of a mart, dates as YYYY-MM-DD and amounts as numbers. */
async function mart(table: string, where = 'true'): Promise<Row[]> {
  const { rows } = await platform.db.pool.query(`select * from marts.${table} where ${where} order by finding_id`);
  return rows.map((r: Row) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString().slice(0, 10) : v])));
}

describe('paid after death', () => {
  it('finds payments for months after the death month, wherever they were paid, and places them by the roster', async () => {
    const rows = await mart('fct_integrity_paid_after_death');
    expect(rows.map((r) => `${r.id_number} ${r.month_start}`).sort()).toEqual([`${pid(502)} 2025-02-01`, `${pid(502)} 2025-03-01`, `${pid(518)} 2025-03-01`].sort());
    expect(rows).toHaveLength(3);
    const feb502 = rows.find((r) => r.id_number === pid(502) && r.month_start === '2025-02-01')!;
    expect(feb502).toMatchObject({
      person_name: name(502), region_code: VIL_A1, died_on: '2025-01-20', death_source: '殡葬', death_month: '2025-01-01',
      months_after_death: 1, payment_batch: 'FF202502-01', amount_yuan: '650.00', paid_on: '2025-02-05', is_paid_after_death_date: true,
    });
    expect(feb502.evidence).toBe('死亡日期 2025-01-20（来源：殡葬），仍发放 2025年2月城市低保 650.00 元（批次 FF202502-01，2025-02-05 发放）');
    // March: no longer on the roster, placed by the closest earlier month (February, VIL_A1)
    expect(rows.find((r) => r.id_number === pid(502) && r.month_start === '2025-03-01')).toMatchObject({ region_code: VIL_A1, months_after_death: 2, paid_on: '2025-03-05' });
    // paid on 2025-02-24 for March, the day before the death: still a payment for a month after death
    expect(rows.find((r) => r.id_number === pid(518))).toMatchObject({
      region_code: VIL_A2, died_on: '2025-02-25', death_source: '卫健', paid_on: '2025-02-24', is_paid_after_death_date: false, months_after_death: 1,
    });
  });

  it('leaves the death month alone, even paid on the death date', async () => {
    expect(await mart('fct_integrity_paid_after_death', `id_number = '${pid(503)}'`)).toEqual([]);
  });
});

describe('multiple rosters', () => {
  // domain.md: the duplicate is one finding per person and month, placed in the region of the
  // listing that counts (tekun first, then the earliest 纳入日期, then the lowest region code);
  // the evidence names the other listings. Every listing here is enrolled on 2024-01-01.
  it('finds dibao and tekun at once, placed at the tekun listing', async () => {
    const rows = await mart('fct_integrity_multiple_rosters', `id_number = '${pid(504)}'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      finding_id: `multiple_rosters:2025-02-01:${pid(504)}`,
      month_start: '2025-02-01', person_name: name(504), county_code: COUNTY_A, region_code: VIL_A2, category: '城市特困', // tekun first
      is_dibao_and_tekun: true, is_in_two_counties: false, is_in_two_regions: true, entry_count: '2', county_count: '1', categories: '城市低保、城市特困',
      benefit_total_yuan: '1495.00',
    });
    expect(rows[0]!.evidence).toBe('2025年2月同时在册 2 处（既享受低保又享受特困，同一区县 2 个区划）：计入 城市特困 甲二社区（990101002001）纳入日期 2024-01-01 月救助金额 845.00 元；另有 城市低保 甲一社区（990101001001）纳入日期 2024-01-01 月救助金额 650.00 元');
  });

  it('finds the same person in two counties once, in the county of the listing that counts', async () => {
    const rows = await mart('fct_integrity_multiple_rosters', `id_number = '${pid(505)}'`);
    // same 纳入日期: the lower region code, A1 (county A); county B's listing is in the evidence
    expect(rows.map((r) => [r.county_code, r.region_code, r.month_start, r.counted_benefit_yuan])).toEqual([[COUNTY_A, VIL_A1, '2025-03-01', '650.00']]);
    expect(rows[0]).toMatchObject({ is_in_two_counties: true, is_dibao_and_tekun: false, is_in_two_categories: true, region_codes: `${VIL_A1}、${VIL_B1}` });
    expect(rows[0]!.evidence).toContain('；另有 农村低保 乙一村（990102001001）纳入日期 2024-01-01 月救助金额 500.00 元');
  });

  it('counts the same programme in two villages of one county as two rosters (two regions)', async () => {
    // the rule names "two regions", not two counties: 506, 城市低保 in A1 and A2, is one finding, in A1
    const rows = await mart('fct_integrity_multiple_rosters', `id_number = '${pid(506)}'`);
    expect(rows.map((r) => [r.month_start, r.region_code, r.is_in_two_counties, r.is_in_two_regions, r.is_in_two_categories])).toEqual([['2025-01-01', VIL_A1, false, true, false]]);
    expect(await mart('fct_integrity_multiple_rosters')).toHaveLength(3); // 504, 505, 506
  });
});

describe('roster and payments disagree', () => {
  it('finds a listed person without payment', async () => {
    const rows = await mart('fct_integrity_roster_payment_mismatch', `mismatch_type = 'roster_without_payment'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      finding_id: `roster_without_payment:2025-02-01:${pid(513)}`, id_number: pid(513), person_name: name(513), month_start: '2025-02-01',
      region_code: VIL_A2, category: '城市低保', amount_yuan: '650.00', payment_batch: null,
    });
  });

  it('finds payments to persons not on the month\'s roster, placed by another month or another roster', async () => {
    const rows = await mart('fct_integrity_roster_payment_mismatch', `mismatch_type = 'payment_without_roster'`);
    const by = new Map(rows.map((r) => [r.id_number, r]));
    expect(rows).toHaveLength(3);
    expect(by.get(pid(502))).toMatchObject({ month_start: '2025-03-01', region_code: VIL_A1, person_name: name(502), payment_batch: 'FF202503-01', amount_yuan: '650.00', paid_on: '2025-03-05' });
    expect(by.get(pid(514))).toMatchObject({ month_start: '2025-02-01', region_code: VIL_B1, person_name: '低收入514', amount_yuan: '500.00' });
    expect(by.get(pid(515))).toMatchObject({ month_start: '2025-01-01', region_code: null, person_name: null });
  });

  it('does not check April, whose payments were not loaded', async () => {
    expect(await mart('fct_integrity_roster_payment_mismatch', `month_start = '2025-04-01'`)).toEqual([]);
  });
});

describe('benefit above the standard', () => {
  it('compares dibao with the standard in force at the month\'s end', async () => {
    const rows = await mart('fct_integrity_benefit_above_standard', `id_number = '${pid(507)}'`);
    expect(rows.map((r) => [r.month_start, r.monthly_benefit_yuan, r.standard_yuan, r.excess_yuan, r.basic_standard_effective_on])).toEqual([
      ['2025-02-01', '700.00', '650.00', '50.00', '2024-01-01'],
      ['2025-03-01', '690.00', '680.00', '10.00', '2025-03-15'],
    ]);
    expect(rows[0]).toMatchObject({ region_code: VIL_A2, county_code: COUNTY_A, person_name: name(507), category: '城市低保' });
    expect(rows[0]!.evidence).toBe('2025年2月城市低保月救助金额 700.00 元，高于标准 650.00 元（甲区城市低保 650.00 元/人·月，2024-01-01 起执行），超出 50.00 元');
  });

  it('adds the care subsidy of the care level to the tekun standard, yearly subsidies per month', async () => {
    const rows = await mart('fct_integrity_benefit_above_standard', `programme = 'tekun'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id_number: pid(511), month_start: '2025-01-01', care_level: '半护理', monthly_benefit_yuan: '1200.00',
      basic_standard_yuan: '845.00', care_subsidy_yuan: '350.00', standard_yuan: '1195.00', excess_yuan: '5.00',
    });
  });

  it('leaves benefits equal to the standard, and counties without a standard, alone', async () => {
    const flagged = (await mart('fct_integrity_benefit_above_standard')).map((r) => r.id_number);
    expect(flagged.sort()).toEqual([pid(507), pid(507), pid(511)].sort());
    for (const n of [508, 509, 510, 512]) expect(flagged).not.toContain(pid(n));
  });
});

describe('late decisions', () => {
  it('finds a dibao application decided on the 21st working day', async () => {
    const rows = await mart('fct_integrity_late_decision', `finding_type = 'late_decision'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      application_id: 'SQ-L1', id_number: pid(521), person_name: '低收入521', region_code: VIL_B1, month_start: '2025-04-01',
      accepted_on: '2025-03-03', due_on: '2025-03-31', decided_on: '2025-04-01', working_days: 21, working_days_limit: 20,
    });
    expect(rows[0]!.evidence).toBe('低保申请 SQ-L1 于 2025-03-03 受理，2025-04-01 办结（批准），用时 21 个工作日，超过 20 个工作日的时限（办结期限 2025-03-31）');
  });

  it('finds a tekun application pending beyond the limit at the end of the data', async () => {
    const rows = await mart('fct_integrity_late_decision', `finding_type = 'pending_overdue'`);
    expect(rows).toHaveLength(1);
    // 2025-03-03 → 2025-04-30: 42 working days (Qingming off, 4-27 a make-up workday)
    expect(rows[0]).toMatchObject({
      application_id: 'SQ-P1', id_number: pid(522), person_name: null, region_code: VIL_A1, month_start: '2025-04-01',
      due_on: '2025-03-31', decided_on: null, working_days: 42,
    });
  });

  it('leaves decisions on the 20th working day (holidays counted), pending within the limit and other kinds alone', async () => {
    const ids = (await mart('fct_integrity_late_decision')).map((r) => r.application_id);
    expect(ids.sort()).toEqual(['SQ-L1', 'SQ-P1']);
  });
});

describe('late payments', () => {
  it('finds a payment made after the 10th', async () => {
    const rows = await mart('fct_integrity_late_payment');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id_number: pid(516), person_name: name(516), region_code: VIL_A1, month_start: '2025-02-01',
      payment_batch: 'FF202502-02', amount_yuan: '650.00', due_on: '2025-02-10', paid_on: '2025-02-11', days_late: 1,
    });
    expect(rows[0]!.evidence).toBe('2025年2月城市低保 650.00 元于 2025-02-11 发放（批次 FF202502-02），晚于应发放日 2025-02-10，迟 1 天');
  });
});

const EXPECTED_COUNTS = {
  paid_after_death: 3, multiple_rosters: 3, roster_without_payment: 1, payment_without_roster: 3,
  benefit_above_standard: 3, late_decision: 1, pending_overdue: 1, late_payment: 1,
};

describe('all findings', () => {
  it('unions the six checks with common columns and regions', async () => {
    const rows = await mart('fct_integrity_findings');
    const counts: Record<string, number> = {};
    for (const r of rows) counts[r.check_code as string] = (counts[r.check_code as string] ?? 0) + 1;
    expect(counts).toEqual(EXPECTED_COUNTS);
    const late = rows.find((r) => r.check_code === 'late_payment')!;
    expect(late).toMatchObject({
      check_title: '救助金未按时发放', month_start: '2025-02-01', region_code: VIL_A1, region_name: '甲一社区', is_region_known: true,
      city_code: CITY, city_name: '测试市', county_code: COUNTY_A, county_name: '甲区', township_code: TOWN_A1, township_name: '甲一街道',
      id_number: pid(516), person_name: name(516), amount_yuan: '650.00',
    });
    expect(rows.find((r) => r.check_code === 'benefit_above_standard' && r.id_number === pid(511))!.amount_yuan).toBe('5.00');
    expect(rows.filter((r) => r.check_code === 'multiple_rosters').every((r) => r.amount_yuan === null)).toBe(true);
  });

  it('keeps a finding whose person has no known region, at the city', async () => {
    const [unknown] = await mart('fct_integrity_findings', `id_number = '${pid(515)}'`);
    expect(unknown).toMatchObject({
      check_code: 'payment_without_roster', region_code: CITY, is_region_known: false, city_code: CITY,
      county_code: null, county_name: '区县不详', township_code: null, township_name: '乡镇（街道）不详',
    });
  });
});

describe('the integrity view', () => {
  const byCheck = (data: Row[]) => Object.fromEntries(data.map((r) => [r['integrity.check_code'], Number(r['integrity.findings'])]));

  it('counts findings by check for the whole city', async () => {
    const { status, body } = await platform.load({ measures: ['integrity.findings'], dimensions: ['integrity.check_code'] }, admin);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(byCheck(body.data)).toEqual(EXPECTED_COUNTS);
    const totals = await platform.load({ measures: ['integrity.findings', 'integrity.persons', 'integrity.amount_yuan'] }, admin);
    // 16 findings: 505 now once (not once per county) and 506 (two villages of county A) added; 506 is a 13th person
    expect(totals.body.data[0]).toEqual({ 'integrity.findings': '16', 'integrity.persons': '13', 'integrity.amount_yuan': '5115.00' });
  });

  it('counts by county and month', async () => {
    const { status, body } = await platform.load({
      measures: ['integrity.findings'], dimensions: ['integrity.county_name'],
      timeDimensions: [{ dimension: 'integrity.month', granularity: 'month', dateRange: ['2025-03-01', '2025-03-31'] }],
    }, admin);
    expect(status).toBe(200);
    // March: 502 and 518 after death, 505 (once, in A where its listing counts), 502 not listed, 507 above standard
    expect(Object.fromEntries(body.data.map((r: Row) => [r['integrity.county_name'], Number(r['integrity.findings'])]))).toEqual({ 甲区: 5 });
  });

  it('gives city leadership counts but refuses person-level members wherever the query names them', async () => {
    const leader = await platform.token({ role: 'leader', region: CITY });
    const counts = await platform.load({ measures: ['integrity.findings', 'integrity.persons'], dimensions: ['integrity.check_code'] }, leader);
    expect(counts.status).toBe(200);
    expect(byCheck(counts.body.data)).toEqual(EXPECTED_COUNTS);
    for (const query of [
      { measures: ['integrity.findings'], dimensions: ['integrity.id_number'] },
      { dimensions: ['integrity.check_code', 'integrity.finding_id'], ungrouped: true },
      { measures: ['integrity.findings'], filters: [{ or: [{ member: 'integrity.person_name', operator: 'equals', values: [name(502)] }] }] },
      { measures: ['integrity.findings'], dimensions: ['integrity.check_code'], order: { 'integrity.evidence': 'asc' } },
    ]) {
      const { status, body } = await platform.load(query, leader);
      expect(status, JSON.stringify(query)).toBe(403);
      expect(body.error).toMatch(/当前角色（领导）无权查询人员明细成员 integrity\.(id_number|finding_id|person_name|evidence)/);
    }
  });

  it('lets a county inspector drill to the rows of its own county, ungrouped', async () => {
    const inspector = await platform.token({ role: 'inspector', region: COUNTY_A });
    const { status, body } = await platform.load({
      measures: ['integrity.amount_yuan'],
      dimensions: ['integrity.finding_id', 'integrity.check_code', 'integrity.county_code', 'integrity.id_number', 'integrity.person_name', 'integrity.evidence'],
      ungrouped: true,
      order: [['integrity.finding_id', 'asc']],
    }, inspector);
    expect(status, JSON.stringify(body)).toBe(200);
    // A: 3 after death, 504, 505 and 506 (two rosters, each placed in A), 513, 502 unlisted, 3 above standard, SQ-P1, 516
    expect(body.data).toHaveLength(13);
    expect(new Set(body.data.map((r: Row) => r['integrity.county_code']))).toEqual(new Set([COUNTY_A]));
    expect(body.data.map((r: Row) => r['integrity.id_number'])).not.toContain(maskIdNumber(pid(521)));
    const late = body.data.find((r: Row) => r['integrity.check_code'] === 'late_payment');
    // person-level values arrive masked, for every role (cube/api/masking.ts)
    expect(late).toMatchObject({ 'integrity.id_number': maskIdNumber(pid(516)), 'integrity.person_name': maskName(name(516)) });
    expect(late['integrity.evidence']).toContain('迟 1 天');
  });

  it('gives county B staff only county B, and no finding outside a region to any county', async () => {
    const staff = await platform.token({ role: 'staff', region: COUNTY_B });
    const { status, body } = await platform.load({ measures: ['integrity.findings'], dimensions: ['integrity.check_code', 'integrity.id_number'] }, staff);
    expect(status).toBe(200);
    expect(body.data.map((r: Row) => [r['integrity.check_code'], r['integrity.id_number']]).sort()).toEqual([
      // 505's two-roster finding is placed in county A, where its listing counts
      ['late_decision', pid(521)], ['payment_without_roster', pid(514)],
    ].map(([check, id]) => [check, maskIdNumber(id!)]));
  });

  it('describes its members in /meta, in Chinese, with units', async () => {
    const res = await platform.app.inject({ url: '/cubejs-api/v1/meta', headers: { authorization: admin } });
    const cubes = res.json().cubes as { name: string; measures: Row[]; dimensions: Row[] }[];
    expect(cubes.map((c) => c.name)).not.toContain('integrity_findings');
    const view = cubes.find((c) => c.name === 'integrity')!;
    const measures = new Map(view.measures.map((m) => [m.name, m]));
    expect(measures.get('integrity.findings')).toMatchObject({ shortTitle: '问题数', meta: { unit: '条', kind: 'flow' } });
    expect(measures.get('integrity.persons')).toMatchObject({ shortTitle: '涉及人数', meta: { unit: '人', kind: 'flow' } });
    expect(measures.get('integrity.amount_yuan')).toMatchObject({ shortTitle: '涉及金额', meta: { unit: '元', kind: 'flow' } });
    const dimensions = view.dimensions.map((d) => d.name);
    for (const d of ['check_code', 'check_title', 'region_code', 'city_name', 'county_code', 'county_name', 'township_code', 'township_name', 'month', 'id_number', 'person_name', 'evidence', 'finding_id']) {
      expect(dimensions, d).toContain(`integrity.${d}`);
    }
    for (const d of view.dimensions) {
      expect(d.shortTitle, String(d.name)).toMatch(/[\u4e00-\u9fa5]/);
      expect(d.description, String(d.name)).toMatch(/[\u4e00-\u9fa5]/);
    }
    // the dashboard reads which members need a drill-down role
    expect((view as { meta?: unknown }).meta).toEqual({
      region_code_dimension: 'region_code',
      restricted_members: {
        members: ['id_number', 'person_name', 'evidence', 'finding_id'], roles: ['admin', 'inspector', 'staff'],
        masked: { id_number: 'id_number', person_name: 'name', evidence: 'text', finding_id: 'text' }, reveal_key: 'finding_id',
      },
    });
  });
});

// ---------------------------------------------------------------------------- the synthetic city

const SCALE = 0.1;

describe('integrity checks on the synthetic city (scale 0.1, 6 months)', () => {
  let db: TestDatabase;
  let genDir: string;
  const payments: string[][] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    genDir = await mkdtemp(path.join(os.tmpdir(), 'integrity-synthetic-'));
    await generateCity({ outDir: genDir, months: 6, seed: 1, endMonth: '2024-06', scale: SCALE });
    await runLoad(db.pool, [genDir], { runBy: 'test' });
    for (const file of (await readdir(genDir)).filter((f) => f.startsWith('05-'))) {
      const text = (await readFile(path.join(genDir, file), 'utf8')).replace(/^\uFEFF/, '');
      payments.push(...text.trim().split(/\r?\n/).slice(1).map((l) => l.split(',')));
    }
  }, 600_000);

  afterAll(async () => {
    await db?.drop();
    if (genDir) await rm(genDir, { recursive: true, force: true });
  });

  const count = async (sql: string) => Number((await db.pool.query<{ n: string }>(sql)).rows[0]!.n);

  // etl/generate/anomalies.ts plants max(2, round(10 × scale)) persons paid after death
  // and max(2, round(20 × scale)) persons listed twice.
  it('finds the persons kept on the roster and paid after their death (about 10 at scale 1)', async () => {
    const persons = await count('select count(distinct id_number) as n from marts.fct_integrity_paid_after_death');
    expect(persons).toBe(Math.max(2, Math.round(10 * SCALE)));
    expect(await count('select count(*) as n from marts.fct_integrity_paid_after_death where months_after_death not between 1 and 3')).toBe(0);
    // every one of them is also still listed after the death month
    expect(await count(`
      select count(*) as n from marts.fct_integrity_paid_after_death as f
      where not exists (select 1 from staging.stg_raw__basic_living_roster as r where r.id_number = f.id_number and r.stat_month = f.month_start)
    `)).toBe(0);
  });

  it('finds the persons listed twice (about 20 at scale 1)', async () => {
    const persons = await count('select count(distinct id_number) as n from marts.fct_integrity_multiple_rosters');
    expect(persons).toBe(Math.max(2, Math.round(20 * SCALE)));
    // one finding per person and month, at the listing that counts
    expect(await count(`
      select count(*) as n from marts.fct_integrity_multiple_rosters as f
      where not exists (
        select 1 from marts.fct_basic_living_person_month as p
        where p.stat_month = f.month_start and p.id_number = f.id_number and p.region_code = f.region_code and p.category = f.category
      )`)).toBe(0);
    expect(await count('select count(*) - count(distinct (month_start, id_number)) as n from marts.fct_integrity_multiple_rosters')).toBe(0);
  });

  it('finds exactly the payments of the late batches (about 2 %)', async () => {
    const late = payments.filter((p) => p[0]!.endsWith('-02'));
    const share = late.length / payments.length;
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.035);
    expect(await count('select count(*) as n from marts.fct_integrity_late_payment')).toBe(late.length);
    expect(await count(`select count(*) as n from marts.fct_integrity_late_payment where payment_batch not like '%-02'`)).toBe(0);
  });

  it('finds late and overdue dibao/tekun decisions among the ~14 % of reviews the generator makes longer than 26 days', async () => {
    const decided = await count(`select count(*) as n from marts.fct_application where application_type in ('低保', '特困') and decided_on is not null`);
    const late = await count(`select count(*) as n from marts.fct_integrity_late_decision where finding_type = 'late_decision'`);
    expect(late / decided).toBeGreaterThan(0.02);
    expect(late / decided).toBeLessThan(0.25);
    expect(await count(`select count(*) as n from marts.fct_integrity_late_decision where working_days <= 20`)).toBe(0);
  });

  it('finds no roster/payment mismatch and no benefit above the standard, as the generator pays every listed person by the standard', async () => {
    expect(await count('select count(*) as n from marts.fct_integrity_roster_payment_mismatch')).toBe(0);
    expect(await count('select count(*) as n from marts.fct_integrity_benefit_above_standard')).toBe(0);
  });

  // etl/generate/cadres.ts plants max(2, round(5 × scale)) relatives never filed, one filed the day
  // after the first month they are listed, one filed on that month's last day (not a finding).
  it('finds the close relatives of cadres on the roster without a filing, as the rule applied to the files gives', async () => {
    const read = async (prefix: string) => {
      const out: string[][] = [];
      for (const file of (await readdir(genDir)).filter((f) => f.startsWith(prefix)).sort()) {
        const text = (await readFile(path.join(genDir, file), 'utf8')).replace(/^\uFEFF/, '');
        out.push(...text.trim().split(/\r?\n/).slice(1).map((l) => l.split(',')));
      }
      return out;
    };
    const register = await read('13-');
    const roster = new Set((await read('03-')).map((r) => `${r[0]}-01 ${r[2]}`));
    const monthEnd = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
    const expected = new Set<string>();
    let nearMiss = 0;
    // one list at each month's end: the one in force for that month
    for (const [cadre, , , , , relative, , , filed, listOn] of register) {
      const month = `${listOn!.slice(0, 7)}-01`;
      if (listOn !== monthEnd(month) || !roster.has(`${month} ${relative}`)) continue;
      if (filed === '' || filed! > listOn!) expected.add(`${month} ${relative} ${cadre}`);
      else if (filed === listOn) nearMiss++;
    }
    const { rows } = await db.pool.query<{ key: string }>(`select month_start::text || ' ' || id_number || ' ' || cadre_id_number as key from marts.fct_integrity_cadre_relatives`);
    expect(rows.map((r) => r.key).sort()).toEqual([...expected].sort());
    expect(nearMiss).toBe(1);
    expect(await count('select count(distinct id_number) as n from marts.fct_integrity_cadre_relatives')).toBe(Math.max(2, Math.round(5 * SCALE)) + 1);
    // the relative filed a day late is a finding of one month only
    expect(await count(`select count(*) as n from marts.fct_integrity_cadre_relatives where not is_never_filed`)).toBe(0);
    expect(await count(`
      select count(*) as n from (
        select id_number from marts.fct_integrity_cadre_relatives group by id_number
        having count(*) = 1 and exists (select 1 from staging.stg_raw__cadre_relatives as c where c.relative_id_number = id_number and c.filed_on = (min(month_start) + interval '1 month')::date)
      ) as late
    `)).toBe(1);
  });

  it('places every finding in a region', async () => {
    expect(await count('select count(*) as n from marts.fct_integrity_findings')).toBeGreaterThan(0);
    expect(await count('select count(*) as n from marts.fct_integrity_findings where not is_region_known')).toBe(0);
  });
});

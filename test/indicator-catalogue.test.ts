// The indicator catalogue (domain.md, "Other indicators the notices use")
// through the real ETL, models and Cube API: every indicator against a value
// worked out by hand from the rows of test/fixtures/catalogue/catalogue-city.ts,
// at month and quarter (snapshot indicators take the period's last month, flow
// indicators add up its months), for the city and a county; then /meta; then a
// synthetic city against the generator's calibration.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { generateCity } from '../etl/generate/index.ts';
import { CITY, COUNTY_A, COUNTY_B, writeCatalogueCity } from './fixtures/catalogue/catalogue-city.ts';
import { TOWN_A1, TOWN_A2 } from './fixtures/small-city.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

const JAN: [string, string] = ['2025-01-01', '2025-01-31'];
const FEB: [string, string] = ['2025-02-01', '2025-02-28'];
const MAR: [string, string] = ['2025-03-01', '2025-03-31'];
const Q1: [string, string] = ['2025-01-01', '2025-03-31'];
const Y2025: [string, string] = ['2025-01-01', '2025-12-31'];

type Row = Record<string, number | string | null>;

/** Runs a query on one view; measures come back as numbers (or null), keys without the view prefix. */
async function query(
  platform: TestPlatform,
  token: string,
  view: string,
  measures: string[],
  granularity: 'month' | 'quarter' | 'year',
  dateRange: [string, string],
  dimensions: string[] = [],
  filters: { member: string; operator: string; values: string[] }[] = [],
): Promise<Row[]> {
  const q = {
    measures: measures.map((m) => `${view}.${m}`),
    dimensions: dimensions.map((d) => `${view}.${d}`),
    filters: filters.map((f) => ({ ...f, member: `${view}.${f.member}` })),
    timeDimensions: [{ dimension: `${view}.month`, granularity, dateRange }],
  };
  const { status, body } = await platform.load(q, token);
  expect(status, JSON.stringify(body)).toBe(200);
  return (body.data as Record<string, string | null>[]).map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => {
        const key = k.slice(view.length + 1);
        return [key, measures.includes(key) && v !== null ? Number(v) : v];
      }),
    ),
  );
}

const close = (actual: unknown, expected: number) => expect(actual as number).toBeCloseTo(expected, 6);

describe('indicator catalogue on a hand-made city', () => {
  let platform: TestPlatform;
  let dir: string;
  let admin: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    dir = await mkdtemp(path.join(os.tmpdir(), 'catalogue-city-'));
    await writeCatalogueCity(dir);
    await runLoad(platform.db.pool, [dir], { runBy: 'test' });
    admin = await platform.token({ role: 'admin', region: CITY });
  });

  afterAll(async () => {
    await platform?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The one row of a city-wide query. */
  async function city(view: string, measures: string[], granularity: 'month' | 'quarter' | 'year', range: [string, string]) {
    const rows = await query(platform, admin, view, measures, granularity, range);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  /** The row of one county in a by-county query. */
  async function county(code: string, view: string, measures: string[], granularity: 'month' | 'quarter' | 'year', range: [string, string]) {
    const rows = await query(platform, admin, view, measures, granularity, range, ['county_code']);
    const row = rows.find((r) => r.county_code === code);
    expect(row, `${code} in ${JSON.stringify(rows)}`).toBeDefined();
    return row!;
  }

  describe('basic_living: dibao and tekun counts (snapshot)', () => {
    const M = [
      'persons', 'households', 'dibao_persons', 'dibao_households', 'urban_dibao_persons', 'rural_dibao_persons',
      'urban_dibao_households', 'rural_dibao_households', 'tekun_persons', 'tekun_institutional_persons',
      'tekun_at_home_persons', 'tekun_full_care_persons', 'tekun_half_care_persons', 'tekun_self_care_persons',
    ];

    it('January, city', async () => {
      const r = await city('basic_living', M, 'month', JAN);
      expect(r.persons).toBe(9); // 1–9 on the January roster
      expect(r.households).toBe(6); // D1, D2, D3, T1, T2, T3
      expect(r.dibao_persons).toBe(6); // 1, 2, 3, 4, 5, 6
      expect(r.urban_dibao_persons).toBe(4); // 1, 2, 3, 4
      expect(r.rural_dibao_persons).toBe(2); // 5, 6
      expect(r.dibao_households).toBe(3); // D1, D2, D3
      expect(r.urban_dibao_households).toBe(2); // D1, D2
      expect(r.rural_dibao_households).toBe(1); // D3
      expect(r.tekun_persons).toBe(3); // 7, 8, 9
      expect(r.tekun_institutional_persons).toBe(1); // 7
      expect(r.tekun_at_home_persons).toBe(2); // 8, 9
      expect(r.tekun_full_care_persons).toBe(1); // 7
      expect(r.tekun_half_care_persons).toBe(1); // 9
      expect(r.tekun_self_care_persons).toBe(1); // 8
    });

    it('Q1, city: the March roster, not the sum of the months', async () => {
      const r = await city('basic_living', M, 'quarter', Q1);
      expect(r.persons).toBe(9); // March: 1, 2, 4, 5, 6, 10, 7, 8, 11 (the three months would add to 26)
      expect(r.dibao_persons).toBe(6); // 1, 2, 4, 5, 6, 10
      expect(r.urban_dibao_persons).toBe(3); // 1, 2, 4
      expect(r.rural_dibao_persons).toBe(3); // 5, 6, 10
      expect(r.dibao_households).toBe(4); // D1, D2, D3, D4
      expect(r.urban_dibao_households).toBe(2);
      expect(r.rural_dibao_households).toBe(2); // D3, D4
      expect(r.tekun_persons).toBe(3); // 7, 8, 11
      expect(r.tekun_institutional_persons).toBe(2); // 7, 11
      expect(r.tekun_at_home_persons).toBe(1); // 8
      expect(r.tekun_full_care_persons).toBe(1); // 7
      expect(r.tekun_half_care_persons).toBe(1); // 11 (9 left in February)
      expect(r.tekun_self_care_persons).toBe(1); // 8
      const year = await city('basic_living', M, 'year', Y2025);
      for (const m of M) expect(year[m], m).toBe(r[m]); // March is also the year's last month with data
    });

    it('February, city', async () => {
      const r = await city('basic_living', ['persons', 'dibao_persons', 'tekun_at_home_persons'], 'month', FEB);
      expect(r.persons).toBe(8); // 3 left in February
      expect(r.dibao_persons).toBe(5);
      expect(r.tekun_at_home_persons).toBe(2); // 8, 9
    });

    it('by county: a household living in two villages counts once', async () => {
      const a = await county(COUNTY_A, 'basic_living', M, 'quarter', Q1);
      expect(a.dibao_persons).toBe(3); // 1 (A1), 2 (A2), 4 (A2)
      expect(a.dibao_households).toBe(2); // D1 (in A1 and A2) once, D2
      expect(a.tekun_persons).toBe(2); // 7, 11
      expect(a.tekun_institutional_persons).toBe(2);
      const aJan = await county(COUNTY_A, 'basic_living', M, 'month', JAN);
      expect(aJan.dibao_persons).toBe(4); // 1, 2, 3, 4
      expect(aJan.dibao_households).toBe(2);
      expect(aJan.tekun_persons).toBe(1); // 7
      const b = await county(COUNTY_B, 'basic_living', M, 'quarter', Q1);
      expect(b.rural_dibao_persons).toBe(3); // 5, 6, 10
      expect(b.rural_dibao_households).toBe(2); // D3, D4
      expect(b.tekun_at_home_persons).toBe(1); // 8
    });

    it('by township: D1 counts in each township it lives in', async () => {
      const rows = await query(platform, admin, 'basic_living', ['dibao_persons', 'dibao_households'], 'quarter', Q1, ['township_code']);
      const a1 = rows.find((r) => r.township_code === TOWN_A1)!;
      const a2 = rows.find((r) => r.township_code === TOWN_A2)!;
      expect([a1.dibao_persons, a1.dibao_households]).toEqual([1, 1]); // 1 of D1
      expect([a2.dibao_persons, a2.dibao_households]).toEqual([2, 2]); // 2 of D1, 4 of D2
    });

    it('groups by the breakdown dimensions', async () => {
      const rows = await query(platform, admin, 'basic_living', ['persons'], 'quarter', Q1, ['programme', 'urban_rural', 'care_mode']);
      const by = Object.fromEntries(rows.map((r) => [`${r.programme}/${r.urban_rural}/${r.care_mode ?? '-'}`, r.persons]));
      expect(by).toEqual({ '低保/城市/-': 3, '低保/农村/-': 3, '特困/城市/集中供养': 2, '特困/农村/分散供养': 1 });
    });
  });

  describe('low_income: persons by category (snapshot)', () => {
    const M = ['low_income_persons', 'low_income_households', 'tekun_persons', 'dibao_persons', 'dibao_margin_persons', 'rigid_expense_persons', 'other_hardship_persons'];

    it('January and Q1, city', async () => {
      const jan = await city('low_income', M, 'month', JAN);
      expect(jan.low_income_persons).toBe(14); // 6 dibao + 3 tekun + margin 21, 22, 23 + rigid 24 + other 25
      expect(jan.low_income_households).toBe(10); // D1–D3, T1–T3, M1, M2, R1, O1
      expect(jan.dibao_persons).toBe(6);
      expect(jan.tekun_persons).toBe(3);
      expect(jan.dibao_margin_persons).toBe(3);
      const q1 = await city('low_income', M, 'quarter', Q1);
      expect(q1.low_income_persons).toBe(15); // March: 6 dibao + 3 tekun + 4 margin + 1 + 1
      expect(q1.low_income_households).toBe(12); // D1–D4, T1, T2, T4, M1–M3, R1, O1
      expect(q1.tekun_persons).toBe(3); // 7, 8, 11
      expect(q1.dibao_persons).toBe(6);
      expect(q1.dibao_margin_persons).toBe(4); // 21, 22, 23, 26
      expect(q1.rigid_expense_persons).toBe(1); // 24
      expect(q1.other_hardship_persons).toBe(1); // 25
    });

    it('county A, January and Q1', async () => {
      const jan = await county(COUNTY_A, 'low_income', M, 'month', JAN);
      expect(jan.low_income_persons).toBe(8); // 1–4, 7, 21, 22, 25
      expect(jan.low_income_households).toBe(5); // D1, D2, T1, M1, O1
      const q1 = await county(COUNTY_A, 'low_income', M, 'quarter', Q1);
      expect(q1.low_income_persons).toBe(9); // 1, 2, 4, 7, 11, 21, 22, 26, 25
      expect(q1.low_income_households).toBe(7); // D1 (two villages) once, D2, T1, T4, M1, M3, O1
      expect(q1.dibao_margin_persons).toBe(3);
      expect(q1.rigid_expense_persons).toBe(0);
    });

    it('groups by category', async () => {
      const rows = await query(platform, admin, 'low_income', ['low_income_persons'], 'quarter', Q1, ['category']);
      expect(Object.fromEntries(rows.map((r) => [r.category, r.low_income_persons]))).toEqual({
        特困人员: 3, 低保对象: 6, 低保边缘人口: 4, 刚性支出困难人口: 1, 其他困难人口: 1,
      });
    });
  });

  describe('benefits: paid, paid by the 10th (flow); average per dibao person (snapshot)', () => {
    const M = [
      'benefits_paid', 'dibao_benefits_paid', 'tekun_benefits_paid', 'dibao_person_months', 'dibao_average_benefit', 'person_months', 'average_benefit',
      'payments', 'payments_on_time', 'paid_on_time_rate', 'dibao_roster_benefit', 'dibao_roster_persons',
    ];

    it('January, city', async () => {
      const r = await city('benefits', M, 'month', JAN);
      close(r.benefits_paid, 4600); // 4 × 300 urban + 2 × 200 rural + 3 × 1,000 tekun
      close(r.dibao_benefits_paid, 1600);
      close(r.tekun_benefits_paid, 3000);
      expect(r.dibao_person_months).toBe(6);
      // the rule: 月救助金额 of January's dibao listings (1–4 at 300, 5, 6 at 200) over its 6 dibao persons
      close(r.dibao_roster_benefit, 1600);
      expect(r.dibao_roster_persons).toBe(6);
      close(r.dibao_average_benefit, 1600 / 6);
      close(r.average_benefit, 4600 / 9);
      expect(r.payments).toBe(9);
      expect(r.payments_on_time).toBe(7); // D3's two paid on 01-15
      close(r.paid_on_time_rate, (100 * 7) / 9);
    });

    it('February, city: the 10th is on time, the 11th is not', async () => {
      const r = await city('benefits', M, 'month', FEB);
      expect(r.payments).toBe(8);
      expect(r.payments_on_time).toBe(7); // person 4 paid on 02-11
      close(r.dibao_average_benefit, 1300 / 5); // 3 × 300 + 2 × 200 over 1, 2, 4, 5, 6
    });

    it('Q1, city: sums of the three months', async () => {
      const r = await city('benefits', M, 'quarter', Q1);
      close(r.benefits_paid, 13700); // 4,600 + 4,300 + 4,800 (March includes person 3's 300)
      close(r.dibao_benefits_paid, 4700); // 1,600 + 1,300 + 1,800
      expect(r.dibao_person_months).toBe(17); // 6 + 5 + 6
      // a snapshot by the rule: March's roster (1, 2, 4 at 300; 5, 6, 10 at 200) over its 6 dibao
      // persons, not the quarter's payments over its person-months (4,700 / 17)
      close(r.dibao_roster_benefit, 1500);
      expect(r.dibao_roster_persons).toBe(6);
      close(r.dibao_average_benefit, 1500 / 6);
      expect(r.payments).toBe(27); // 9 + 8 + 10
      expect(r.payments_on_time).toBe(24); // 7 + 7 + 10
      close(r.paid_on_time_rate, (100 * 24) / 27);
    });

    it('county A and B; a payment without a roster row of its month goes to the person\'s nearest roster region', async () => {
      const aJan = await county(COUNTY_A, 'benefits', M, 'month', JAN);
      close(aJan.paid_on_time_rate, 100); // 1–4 and 7 on 01-08
      close(aJan.dibao_average_benefit, 300);
      const aMar = await county(COUNTY_A, 'benefits', M, 'month', MAR);
      close(aMar.dibao_benefits_paid, 1200); // 1, 2, 4 and person 3 (off the roster, last listed in A1)
      close(aMar.dibao_average_benefit, 300); // the roster's 月救助金额 of 1, 2, 4 (900) over 3 persons: person 3's payment is not a listing
      const aQ1 = await county(COUNTY_A, 'benefits', M, 'quarter', Q1);
      expect(aQ1.payments).toBe(15); // 5 + 4 + 6
      close(aQ1.paid_on_time_rate, (100 * 14) / 15);
      close(aQ1.dibao_average_benefit, 300); // March's listings 1, 2, 4: 900 / 3 (a snapshot, not (1,200 + 900 + 1,200) / 10)
      const bJan = await county(COUNTY_B, 'benefits', M, 'month', JAN);
      close(bJan.paid_on_time_rate, 50); // 5, 6 late; 8, 9 on time
      const towns = await query(platform, admin, 'benefits', ['benefits_paid'], 'month', MAR, ['township_code']);
      close(towns.find((t) => t.township_code === TOWN_A1)!.benefits_paid, 1600); // 1 (300), 3 (300), 7 (1,000)
    });
  });

  describe('temp_relief: amount, 人次, per capita, breakdowns (flow)', () => {
    const M = ['temp_relief_amount', 'temp_relief_person_times', 'temp_relief_acts', 'temp_relief_per_capita'];

    it('January and Q1, city and county A', async () => {
      const jan = await city('temp_relief', M, 'month', JAN);
      expect([jan.temp_relief_amount, jan.temp_relief_person_times, jan.temp_relief_acts]).toEqual([1900, 5, 2]); // TR-1, TR-2
      close(jan.temp_relief_per_capita, 380);
      const q1 = await city('temp_relief', M, 'quarter', Q1);
      expect([q1.temp_relief_amount, q1.temp_relief_person_times, q1.temp_relief_acts]).toEqual([4000, 8, 4]);
      close(q1.temp_relief_per_capita, 500);
      const aJan = await county(COUNTY_A, 'temp_relief', M, 'month', JAN);
      close(aJan.temp_relief_per_capita, 500); // TR-1: 1,000 / 2
      const aQ1 = await county(COUNTY_A, 'temp_relief', M, 'quarter', Q1);
      close(aQ1.temp_relief_per_capita, 1600 / 3); // TR-1, TR-3
    });

    it('by type, cause and approval route', async () => {
      const byType = await query(platform, admin, 'temp_relief', M, 'quarter', Q1, ['relief_type']);
      const jinan = byType.find((r) => r.relief_type === '急难型')!;
      expect([jinan.temp_relief_amount, jinan.temp_relief_person_times]).toEqual([3100, 5]); // TR-1, TR-3, TR-4
      close(jinan.temp_relief_per_capita, 620);
      const byCause = await query(platform, admin, 'temp_relief', ['temp_relief_amount'], 'quarter', Q1, ['hardship_cause']);
      expect(Object.fromEntries(byCause.map((r) => [r.hardship_cause, r.temp_relief_amount]))).toEqual({ 疾病: 2500, 教育支出: 900, 意外事故: 600 });
      const byRoute = await query(platform, admin, 'temp_relief', ['temp_relief_person_times'], 'quarter', Q1, ['approval_route']);
      expect(Object.fromEntries(byRoute.map((r) => [r.approval_route, r.temp_relief_person_times]))).toEqual({ 乡镇备用金审批: 2, 县级审批: 5, 先行救助后补手续: 1 });
    });
  });

  describe('applications: decided within 20 working days (flow)', () => {
    const M = [
      'decided_applications', 'approved_applications', 'approval_rate', 'decided_within_limit', 'decided_within_limit_rate', 'average_working_days_to_decide',
      'time_limited_applications', 'pending_past_deadline',
    ];
    // The rule covers 低保/特困 only: AP-5 (临时救助) is decided but out of the share. AP-6, pending
    // since 03-10, has its 20th working day on 04-08 (03-11…03-31 are 15, 04-01…04-03 three more,
    // 04-04 Qingming off, 04-07 and 04-08): after the data, so in no period's share.

    it('by month and quarter, city', async () => {
      const jan = await city('applications', M, 'month', JAN);
      expect([jan.decided_applications, jan.decided_within_limit]).toEqual([1, 1]); // AP-1: 16 working days
      const feb = await city('applications', M, 'month', FEB);
      expect([feb.decided_applications, feb.decided_within_limit]).toEqual([2, 2]); // AP-2: 15, AP-3: 18 (22 without the holiday calendar)
      const mar = await city('applications', M, 'month', MAR);
      expect([mar.decided_applications, mar.decided_within_limit]).toEqual([3, 1]); // AP-4: 21 late, AP-5 (临时救助) not counted, AP-7: exactly 20
      expect([mar.time_limited_applications, mar.pending_past_deadline]).toEqual([2, 0]); // AP-4, AP-7
      close(mar.decided_within_limit_rate, 50);
      close(mar.approval_rate, (100 * 2) / 3); // AP-5 not approved
      const q1 = await city('applications', M, 'quarter', Q1);
      expect([q1.decided_applications, q1.approved_applications, q1.decided_within_limit]).toEqual([6, 5, 4]); // AP-6 pending; AP-5 out of the limit
      expect(q1.time_limited_applications).toBe(5); // AP-1, AP-2, AP-3, AP-4, AP-7
      close(q1.decided_within_limit_rate, (100 * 4) / 5);
      close(q1.average_working_days_to_decide, (16 + 15 + 18 + 21 + 2 + 20) / 6);
    });

    it('county B', async () => {
      const feb = await county(COUNTY_B, 'applications', M, 'month', FEB);
      close(feb.decided_within_limit_rate, 100); // AP-3
      const mar = await county(COUNTY_B, 'applications', M, 'month', MAR);
      close(mar.decided_within_limit_rate, 0); // AP-4 late; AP-5 (临时救助) is not in the share
      const q1 = await county(COUNTY_B, 'applications', M, 'quarter', Q1);
      close(q1.decided_within_limit_rate, 50); // AP-3 in time, AP-4 late
      const a = await county(COUNTY_A, 'applications', M, 'quarter', Q1);
      close(a.decided_within_limit_rate, 100); // AP-1, AP-2, AP-7
    });

    it('by application type', async () => {
      const rows = await query(platform, admin, 'applications', ['decided_applications', 'decided_within_limit'], 'quarter', Q1, ['application_type']);
      expect(Object.fromEntries(rows.map((r) => [r.application_type, [r.decided_applications, r.decided_within_limit]]))).toEqual({
        低保: [4, 3], // AP-1, AP-3, AP-4 (late), AP-7
        特困: [1, 1],
        临时救助: [1, 0], // decided in 2 working days, but the 20-day limit is not its rule
      });
    });
  });

  describe('warnings: by source and level, handled within 15 days (flow)', () => {
    const M = ['warning_count', 'handled_warnings', 'handled_rate', 'handled_within_limit', 'handled_within_limit_rate', 'average_days_to_handle'];

    it('January and Q1, city', async () => {
      const jan = await city('warnings', M, 'month', JAN);
      expect([jan.warning_count, jan.handled_warnings, jan.handled_within_limit]).toEqual([2, 2, 1]); // W-1 in 15 days, W-2 in 16
      close(jan.handled_within_limit_rate, 50);
      const q1 = await city('warnings', M, 'quarter', Q1);
      expect([q1.warning_count, q1.handled_warnings, q1.handled_within_limit]).toEqual([6, 4, 3]); // W-1, W-3, W-6 (handled in April)
      close(q1.handled_rate, (100 * 4) / 6);
      close(q1.handled_within_limit_rate, 50);
      close(q1.average_days_to_handle, (15 + 16 + 2 + 8) / 4);
      // as-of date 04-30 (W-6 handled on 04-02): W-4 (03-01) and W-5 (03-20) are pending past their
      // 15 days, so late, and stay in the share's base of 6
      const due = await city('warnings', ['warnings_due', 'pending_past_limit'], 'quarter', Q1);
      expect([due.warnings_due, due.pending_past_limit]).toEqual([6, 2]);
    });

    it('county B', async () => {
      const jan = await county(COUNTY_B, 'warnings', M, 'month', JAN);
      close(jan.handled_within_limit_rate, 0); // W-2: 16 days
      const q1 = await county(COUNTY_B, 'warnings', M, 'quarter', Q1);
      expect([q1.warning_count, q1.handled_warnings, q1.handled_within_limit]).toEqual([3, 2, 1]); // W-2, W-4, W-6
      close(q1.handled_within_limit_rate, 100 / 3);
    });

    it('by source department, level and outcome', async () => {
      const bySource = await query(platform, admin, 'warnings', ['warning_count'], 'quarter', Q1, ['source_department']);
      expect(Object.fromEntries(bySource.map((r) => [r.source_department, r.warning_count]))).toEqual({ 医保: 3, 人社: 1, 殡葬: 1, 教育: 1 });
      const byLevel = await query(platform, admin, 'warnings', ['warning_count', 'handled_warnings'], 'quarter', Q1, ['warning_level']);
      expect(Object.fromEntries(byLevel.map((r) => [r.warning_level, [r.warning_count, r.handled_warnings]]))).toEqual({
        红: [2, 1], 橙: [1, 1], 黄: [2, 2], 蓝: [1, 0],
      });
      const byOutcome = await query(platform, admin, 'warnings', ['warning_count'], 'quarter', Q1, ['outcome']);
      expect(Object.fromEntries(byOutcome.map((r) => [r.outcome ?? '未处置', r.warning_count]))).toEqual({
        纳入低保: 1, 不符合条件: 1, 停发救助: 1, 给予临时救助: 1, 未处置: 2,
      });
    });
  });

  describe('verifications: mismatches (flow)', () => {
    const M = ['verification_count', 'mismatches', 'suspected_mismatches', 'mismatch_rate'];

    it('January and Q1, city and county A', async () => {
      // the rule: a mismatch is 不符合 only; 疑似不符待核实 is counted apart
      const jan = await city('verifications', M, 'month', JAN);
      expect([jan.verification_count, jan.mismatches, jan.suspected_mismatches]).toEqual([3, 1, 1]); // V-2 不符合, V-3 疑似不符待核实
      close(jan.mismatch_rate, 100 / 3);
      const q1 = await city('verifications', M, 'quarter', Q1);
      expect([q1.verification_count, q1.mismatches, q1.suspected_mismatches]).toEqual([6, 2, 1]); // V-2, V-6; V-3
      close(q1.mismatch_rate, 100 / 3);
      const aJan = await county(COUNTY_A, 'verifications', M, 'month', JAN);
      close(aJan.mismatch_rate, 50); // V-1, V-2
      const aQ1 = await county(COUNTY_A, 'verifications', M, 'quarter', Q1);
      close(aQ1.mismatch_rate, 100 / 3); // V-1, V-2, V-5
    });
  });

  describe('standards: in force on the period\'s last day', () => {
    const M = [
      'urban_dibao_standard', 'rural_dibao_standard', 'rural_urban_standard_ratio', 'urban_standard_regions',
      'urban_dibao_standard_min', 'urban_dibao_standard_max', 'rural_dibao_standard_min', 'rural_dibao_standard_max',
    ];

    it('January, city (average of the counties) and counties', async () => {
      const r = await city('standards', M, 'month', JAN);
      close(r.urban_dibao_standard, 650); // A only: B has no urban standard before 02-01
      expect(r.urban_standard_regions).toBe(1);
      close(r.rural_dibao_standard, (500 + 500) / 2); // A 500; B 6,000 a year = 500 a month
      close(r.rural_urban_standard_ratio, (100 * 500) / 650); // counties with both standards: A
      // no city row in the export: the lowest and highest county standards beside the mean
      expect([r.urban_dibao_standard_min, r.urban_dibao_standard_max, r.rural_dibao_standard_min, r.rural_dibao_standard_max]).toEqual([650, 650, 500, 500]);
      const a = await county(COUNTY_A, 'standards', M, 'month', JAN);
      close(a.urban_dibao_standard, 650); // 700 only from 02-15
      close(a.rural_urban_standard_ratio, (100 * 500) / 650);
      const b = await county(COUNTY_B, 'standards', M, 'month', JAN);
      close(b.rural_dibao_standard, 500);
      expect(b.urban_dibao_standard).toBeNull();
      expect(b.rural_urban_standard_ratio).toBeNull();
      const bFeb = await county(COUNTY_B, 'standards', M, 'month', FEB);
      close(bFeb.rural_urban_standard_ratio, (100 * 500) / 600);
    });

    it('Q1: the standard of 03-31, after a mid-quarter change and before the April one', async () => {
      const r = await city('standards', M, 'quarter', Q1);
      expect(r.urban_standard_regions).toBe(2);
      close(r.urban_dibao_standard, (700 + 600) / 2);
      close(r.rural_dibao_standard, 500);
      close(r.rural_urban_standard_ratio, (100 * 1000) / 1300);
      expect([r.urban_dibao_standard_min, r.urban_dibao_standard_max]).toEqual([600, 700]); // B, A at 03-31
      const a = await county(COUNTY_A, 'standards', M, 'quarter', Q1);
      close(a.urban_dibao_standard, 700);
      close(a.rural_dibao_standard, 500); // 540 from 04-01
      close(a.rural_urban_standard_ratio, (100 * 500) / 700); // below the 75 % target
      expect([a.urban_dibao_standard_min, a.urban_dibao_standard_max]).toEqual([700, 700]); // a county: its own
      const feb = await county(COUNTY_A, 'standards', M, 'month', FEB);
      close(feb.urban_dibao_standard, 700);
      const towns = await query(platform, admin, 'standards', M, 'quarter', Q1, ['township_code']);
      close(towns.find((t) => t.township_code === TOWN_A1)!.urban_dibao_standard, 700); // a township takes its county's
    });

    it('shows the day the standard is taken', async () => {
      const rows = await query(platform, admin, 'standards', ['urban_dibao_standard'], 'quarter', Q1, ['in_force_on']);
      expect(rows.map((r) => String(r.in_force_on).slice(0, 10))).toEqual(['2025-03-31']);
    });
  });

  describe('rectification: open and overdue (snapshot), closed, days and follow-up (flow)', () => {
    const M = ['open_items', 'overdue_items', 'closed_items', 'days_to_close', 'average_days_to_close', 'follow_ups', 'follow_ups_passed', 'follow_up_pass_rate'];

    it('each month, city', async () => {
      const rows = await query(platform, admin, 'rectification', M, 'month', Q1);
      const [jan, feb, mar] = rows;
      expect([jan!.open_items, jan!.overdue_items, jan!.closed_items, jan!.days_to_close]).toEqual([2, 0, 1, 41]); // ZG-2, ZG-3 open; ZG-1 closed after 41 days
      expect([feb!.open_items, feb!.overdue_items, feb!.closed_items]).toEqual([3, 1, 0]); // ZG-2 overdue; ZG-4 due on 02-28 itself
      close(feb!.follow_up_pass_rate, 100); // ZG-1
      expect([mar!.open_items, mar!.overdue_items, mar!.closed_items, mar!.days_to_close]).toEqual([3, 2, 1, 49]); // ZG-2, ZG-4 overdue, ZG-5; ZG-3 closed
      close(mar!.follow_up_pass_rate, 0); // ZG-4 failed
    });

    it('Q1, city and counties', async () => {
      const q1 = await city('rectification', M, 'quarter', Q1);
      expect([q1.open_items, q1.overdue_items]).toEqual([3, 2]); // at 03-31; ZG-6 (found in April) not yet
      expect([q1.closed_items, q1.follow_ups, q1.follow_ups_passed]).toEqual([2, 2, 1]);
      close(q1.average_days_to_close, (41 + 49) / 2);
      close(q1.follow_up_pass_rate, 50);
      const a = await county(COUNTY_A, 'rectification', M, 'quarter', Q1);
      expect([a.open_items, a.overdue_items, a.closed_items]).toEqual([1, 0, 2]); // ZG-5 open; ZG-1, ZG-3 closed
      close(a.average_days_to_close, 45);
      close(a.follow_up_pass_rate, 100);
      const aJan = await county(COUNTY_A, 'rectification', M, 'month', JAN);
      expect([aJan.open_items, aJan.closed_items]).toEqual([1, 1]); // ZG-3; ZG-1
      const b = await county(COUNTY_B, 'rectification', M, 'quarter', Q1);
      expect([b.open_items, b.overdue_items, b.closed_items]).toEqual([2, 2, 0]);
      expect(b.average_days_to_close).toBeNull();
      close(b.follow_up_pass_rate, 0);
    });

    it('an item recorded for a county has no township', async () => {
      const rows = await query(platform, admin, 'rectification', ['open_items', 'closed_items'], 'quarter', Q1, ['township_code']);
      const a1 = rows.find((r) => r.township_code === TOWN_A1)!;
      expect([a1.open_items, a1.closed_items]).toEqual([1, 0]); // ZG-5; ZG-1 belongs to county A only
    });
  });

  describe('the gateway treats the catalogue views like indicators', () => {
    it('limits a county token to its county and its level', async () => {
      const token = await platform.token({ role: 'leader', region: COUNTY_B });
      const rows = await query(platform, token, 'basic_living', ['dibao_persons'], 'quarter', Q1);
      expect(rows).toEqual([expect.objectContaining({ dibao_persons: 3 })]); // county B's 5, 6, 10
      const { status } = await platform.load({ measures: ['standards.urban_dibao_standard'], dimensions: ['standards.period_grain'], timeDimensions: [{ dimension: 'standards.month', granularity: 'month' }] }, admin);
      expect(status).toBe(400);
    });
  });

  it('lists every catalogue indicator in /meta with a Chinese title, description, unit and kind', async () => {
    const res = await platform.app.inject({ url: '/cubejs-api/v1/meta', headers: { authorization: admin } });
    expect(res.statusCode).toBe(200);
    const cubes = res.json().cubes as { name: string; title: string; description: string; meta: any; measures: any[]; dimensions: any[] }[];
    const views = ['basic_living', 'low_income', 'benefits', 'temp_relief', 'applications', 'warnings', 'verifications', 'standards', 'rectification'];
    for (const name of views) {
      const view = cubes.find((c) => c.name === name);
      expect(view, name).toBeDefined();
      expect(view!.title).toMatch(/[\u4e00-\u9fa5]/);
      expect(view!.description).toMatch(/[\u4e00-\u9fa5]/);
      expect(view!.meta.periodic_snapshot.time_dimension).toBe('month');
      const dims = view!.dimensions.map((d) => d.name);
      for (const d of ['month', 'region_code', 'city_code', 'city_name', 'county_code', 'county_name', 'township_code', 'township_name']) {
        expect(dims, `${name}.${d}`).toContain(`${name}.${d}`);
      }
      // set by the gateway, never by clients (cube/model/cubes/period_regions.yml): not listed
      for (const d of ['period_grain', 'region_level']) expect(dims, `${name}.${d}`).not.toContain(`${name}.${d}`);
      const measures = new Map(view!.measures.map((m) => [m.name, m]));
      expect(measures.size).toBeGreaterThan(0);
      for (const m of view!.measures) {
        expect(m.shortTitle, m.name).toMatch(/[\u4e00-\u9fa5]/);
        expect(m.description, m.name).toMatch(/[\u4e00-\u9fa5]/);
        expect(typeof m.meta?.unit, m.name).toBe('string');
        expect(['snapshot', 'flow'], m.name).toContain(m.meta?.kind);
        if (m.aggType === 'number') {
          for (const part of [m.meta.numerator, m.meta.denominator]) {
            const other = measures.get(`${name}.${part}`);
            expect(other, `${m.name} → ${part}`).toBeDefined();
            expect(other.aggType, `${m.name} → ${part}`).toBe('sum');
            expect(other.meta.kind).toBe(m.meta.kind);
          }
        }
      }
    }
    const ratio = cubes.find((c) => c.name === 'standards')!.measures.find((m) => m.name === 'standards.rural_urban_standard_ratio');
    expect(ratio.meta.target).toBe(75);
    // the members issue 12 adds, with their kinds
    const kindOf = (member: string) => cubes.flatMap((c) => c.measures).find((m) => m.name === member)?.meta?.kind;
    expect(Object.fromEntries([
      'applications.pending_past_deadline', 'verifications.suspected_mismatches', 'warnings.pending_past_limit',
      'standards.urban_dibao_standard_min', 'standards.urban_dibao_standard_max', 'standards.rural_dibao_standard_min', 'standards.rural_dibao_standard_max',
      'benefits.dibao_average_benefit',
    ].map((m) => [m, kindOf(m)]))).toEqual({
      'applications.pending_past_deadline': 'flow', 'verifications.suspected_mismatches': 'flow', 'warnings.pending_past_limit': 'flow',
      'standards.urban_dibao_standard_min': 'snapshot', 'standards.urban_dibao_standard_max': 'snapshot',
      'standards.rural_dibao_standard_min': 'snapshot', 'standards.rural_dibao_standard_max': 'snapshot',
      'benefits.dibao_average_benefit': 'snapshot',
    });
    const names = cubes.map((c) => c.name);
    for (const hidden of ['period_regions', 'basic_living_periods', 'standard_periods']) expect(names).not.toContain(hidden);
  });
});

describe('indicator catalogue on a synthetic city (scale 0.1, 6 months)', () => {
  let platform: TestPlatform;
  let dir: string;
  let admin: string;
  const SCALE = 0.1;

  beforeAll(async () => {
    platform = await startTestPlatform();
    dir = await mkdtemp(path.join(os.tmpdir(), 'catalogue-synthetic-'));
    await generateCity({ outDir: dir, months: 6, seed: 1, endMonth: '2024-06', withErrors: false, scale: SCALE });
    await runLoad(platform.db.pool, [dir], { runBy: 'test' });
    admin = await platform.token({ role: 'admin', region: '990100000000' });
  }, 300_000);

  afterAll(async () => {
    await platform?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const JUNE: [string, string] = ['2024-06-01', '2024-06-30'];
  const Q2: [string, string] = ['2024-04-01', '2024-06-30'];

  it('counts match the calibration of domain.md', async () => {
    const [b] = await query(platform, admin, 'basic_living', ['dibao_persons', 'urban_dibao_persons', 'rural_dibao_persons', 'dibao_households', 'tekun_persons'], 'month', JUNE);
    const dibao = b!.dibao_persons as number;
    // 34,856 dibao persons (8,211 urban, 26,645 rural) and ~4,000 tekun per 1.6 million
    expect(dibao / SCALE).toBeGreaterThan(33_000);
    expect(dibao / SCALE).toBeLessThan(37_000);
    expect((b!.urban_dibao_persons as number) + (b!.rural_dibao_persons as number)).toBe(dibao);
    expect(Math.abs((b!.urban_dibao_persons as number) / dibao - 8211 / 34856)).toBeLessThan(0.03);
    expect((b!.tekun_persons as number) / SCALE).toBeGreaterThan(3_500);
    expect((b!.tekun_persons as number) / SCALE).toBeLessThan(4_500);
    expect(dibao / (b!.dibao_households as number)).toBeGreaterThan(1.7);
    expect(dibao / (b!.dibao_households as number)).toBeLessThan(2.1);

    // low-income margin ≈ 46.6 % and rigid expense ≈ 14.5 % of the dibao count
    const [l] = await query(platform, admin, 'low_income', ['dibao_persons', 'dibao_margin_persons', 'rigid_expense_persons'], 'month', JUNE);
    expect(Math.abs((l!.dibao_margin_persons as number) / (l!.dibao_persons as number) - 0.466)).toBeLessThan(0.03);
    expect(Math.abs((l!.rigid_expense_persons as number) / (l!.dibao_persons as number) - 0.145)).toBeLessThan(0.02);
  });

  it('every view answers by county for a quarter, with plausible values', async () => {
    const [s] = await query(platform, admin, 'standards', ['urban_dibao_standard', 'rural_dibao_standard', 'rural_urban_standard_ratio'], 'quarter', Q2);
    close(s!.urban_dibao_standard, 650);
    close(s!.rural_dibao_standard, 500);
    close(s!.rural_urban_standard_ratio, (100 * 500) / 650);
    const [p] = await query(platform, admin, 'benefits', ['paid_on_time_rate', 'dibao_average_benefit'], 'quarter', Q2);
    expect(p!.paid_on_time_rate).toBeGreaterThan(95);
    expect(p!.paid_on_time_rate).toBeLessThan(100);
    expect(p!.dibao_average_benefit).toBeGreaterThan(100);
    expect(p!.dibao_average_benefit).toBeLessThan(650);
    // the calibration's 8,411 warnings from 148,815 verifications (5.65 %) are raised by 不符合 and
    // 疑似不符待核实 together; the mismatch rate counts 不符合 only (domain.md), so it is the smaller part
    const [v] = await query(platform, admin, 'verifications', ['mismatch_rate', 'mismatches', 'suspected_mismatches', 'verification_count'], 'quarter', Q2);
    const flagged = (100 * ((v!.mismatches as number) + (v!.suspected_mismatches as number))) / (v!.verification_count as number);
    expect(flagged).toBeGreaterThan(3.5);
    expect(flagged).toBeLessThan(8);
    expect(v!.mismatch_rate).toBeGreaterThan(0);
    expect(v!.mismatch_rate).toBeLessThan(flagged);
    const [t] = await query(platform, admin, 'temp_relief', ['temp_relief_per_capita'], 'quarter', Q2);
    expect(t!.temp_relief_per_capita).toBeGreaterThan(1283 * 0.85);
    expect(t!.temp_relief_per_capita).toBeLessThan(1283 * 1.15);
    const counts: Record<string, string> = {
      basic_living: 'persons', low_income: 'low_income_persons', benefits: 'benefits_paid', temp_relief: 'temp_relief_amount',
      applications: 'decided_applications', warnings: 'warning_count', verifications: 'verification_count', standards: 'urban_dibao_standard', rectification: 'open_items',
    };
    for (const [view, measure] of Object.entries(counts)) {
      const rows = await query(platform, admin, view, [measure], 'quarter', Q2, ['county_code', 'county_name']);
      expect(rows.length, view).toBeGreaterThan(1);
    }
  });
});

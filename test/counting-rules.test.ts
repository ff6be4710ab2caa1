// domain.md's "Counting rules (pinned)", one hand-made case each, through the real ETL, models
// and Cube API (test/fixtures/rules/rules-city.ts; the expected values are worked out by hand
// in the comments below and in the fixture). The follow-up pass rate rule (every review counted,
// a newer import adds a review) is proved in test/rectification-import.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { CITY, COUNTY_A, COUNTY_B, writeRulesCity } from './fixtures/rules/rules-city.ts';
import { pid, TOWN_A1, TOWN_A2, VIL_A1, VIL_B1 } from './fixtures/small-city.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

const MAY: [string, string] = ['2025-05-01', '2025-05-31'];
const JUNE: [string, string] = ['2025-06-01', '2025-06-30'];
const Q2: [string, string] = ['2025-04-01', '2025-06-30'];
type Grain = 'month' | 'quarter';
type Row = Record<string, number | string | null>;

const close = (actual: unknown, expected: number) => expect(actual as number).toBeCloseTo(expected, 6);

describe('counting rules on a hand-made city', () => {
  let platform: TestPlatform;
  let dir: string;
  let admin: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    dir = await mkdtemp(path.join(os.tmpdir(), 'rules-city-'));
    await writeRulesCity(dir);
    await runLoad(platform.db.pool, [dir], { runBy: 'test' });
    admin = await platform.token({ role: 'admin', region: CITY });
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function query(view: string, measures: string[], granularity: Grain, dateRange: [string, string], dimensions: string[] = []): Promise<Row[]> {
    const { status, body } = await platform.load({
      measures: measures.map((m) => `${view}.${m}`),
      dimensions: dimensions.map((d) => `${view}.${d}`),
      timeDimensions: [{ dimension: `${view}.month`, granularity, dateRange }],
    }, admin);
    expect(status, JSON.stringify(body)).toBe(200);
    return (body.data as Record<string, string | null>[]).map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => {
        const key = k.slice(view.length + 1);
        return [key, measures.includes(key) && v !== null ? Number(v) : v];
      })));
  }
  const city = async (view: string, measures: string[], grain: Grain, range: [string, string]) => {
    const rows = await query(view, measures, grain, range);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  };
  const by = async (dimension: string, view: string, measures: string[], grain: Grain, range: [string, string]) =>
    new Map((await query(view, measures, grain, range, [dimension])).map((r) => [r[dimension] as string, r]));
  const mart = async (sql: string) => (await platform.db.pool.query(sql)).rows;

  describe('one listing per person per month', () => {
    it('counts each person once: tekun first, then the earliest 纳入日期, then the lowest code', async () => {
      const rows = await mart(`select id_number, region_code, category from marts.fct_basic_living_person_month where stat_month = '2025-06-01' and id_number = any('{${pid(1)},${pid(2)},${pid(3)}}') order by id_number`);
      expect(rows.map((r) => [r.id_number, r.region_code, r.category])).toEqual([
        [pid(1), VIL_B1, '城市低保'], // enrolled 2023-03-01, before A1's 2024-06-01 (A1 has the lower code)
        [pid(2), VIL_B1, '农村特困'], // tekun before an earlier dibao listing
        [pid(3), VIL_A1, '城市低保'], // same date: the lower code
      ].sort());
      const june = await city('basic_living', ['persons', 'dibao_persons', 'tekun_persons', 'urban_dibao_persons', 'rural_dibao_persons'], 'month', JUNE);
      // 15 listings of 12 persons: P1–P12 once each; dibao 1, 3–10, 12; tekun 2, 11
      expect(june).toMatchObject({ persons: 12, dibao_persons: 10, tekun_persons: 2, urban_dibao_persons: 5, rural_dibao_persons: 5 });
    });

    it('takes a row exported twice, identically, as one listing', async () => {
      const rows = await mart(`select listing_rank::int, listings::int, is_counted from intermediate.int_basic_living_listing where stat_month = '2025-06-01' and id_number = '${pid(4)}'`);
      expect(rows).toEqual([{ listing_rank: 1, listings: 1, is_counted: true }]);
      const raw = await mart(`select count(*)::int as n from raw.basic_living_roster where stat_month = '2025-06-01' and id_number = '${pid(4)}'`);
      expect(raw[0]!.n).toBe(2);
    });

    it('places persons and their benefits in the county of the listing that counts', async () => {
      const counties = await by('county_code', 'basic_living', ['persons', 'dibao_persons'], 'month', JUNE);
      expect(counties.get(COUNTY_A)).toMatchObject({ persons: 5, dibao_persons: 4 }); // 3, 4, 5, 11, 12
      expect(counties.get(COUNTY_B)).toMatchObject({ persons: 7, dibao_persons: 6 }); // 1, 2, 6–10
      const paid = await by('county_code', 'benefits', ['benefits_paid', 'dibao_benefits_paid'], 'month', JUNE);
      // A: 3 (600), 4 (600), 5 (450), 11 (1,000), 12 (450); B: 1 (600, in B1 by its listing), 2 (1,000), 6–10
      expect(paid.get(COUNTY_A)).toMatchObject({ benefits_paid: 3100, dibao_benefits_paid: 2100 });
      expect(paid.get(COUNTY_B)).toMatchObject({ benefits_paid: 4150, dibao_benefits_paid: 3150 });
    });

    it('is one integrity finding per person and month, where the listing counts, naming the others', async () => {
      const rows = await mart(`select * from marts.fct_integrity_multiple_rosters order by id_number`);
      expect(rows.map((r) => [r.id_number, r.region_code, r.county_code, r.category, r.is_dibao_and_tekun, r.is_in_two_counties, r.is_in_two_regions])).toEqual([
        [pid(1), VIL_B1, COUNTY_B, '城市低保', false, true, true],
        [pid(2), VIL_B1, COUNTY_B, '农村特困', true, true, true],
        [pid(3), VIL_A1, COUNTY_A, '城市低保', false, false, true], // two villages of one county: two regions, literally
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
      expect(rows.find((r) => r.id_number === pid(1))!.evidence).toBe(
        '2025年6月同时在册 2 处（城乡类别不同，跨 2 个区县）：计入 城市低保 乙一村（990102001001）纳入日期 2023-03-01 月救助金额 600.00 元；另有 农村低保 甲一社区（990101001001）纳入日期 2024-06-01 月救助金额 450.00 元',
      );
      expect(rows.find((r) => r.id_number === pid(3))!.evidence).toContain('（同一区县 2 个区划）：计入 城市低保 甲一社区（990101001001）');
      // P2's late payment (06-11) is placed by the same listing
      const late = await mart(`select region_code from marts.fct_integrity_late_payment where id_number = '${pid(2)}'`);
      expect(late).toEqual([{ region_code: VIL_B1 }]);
    });
  });

  describe('one household, counted once', () => {
    const M = ['households', 'dibao_households', 'urban_dibao_households', 'rural_dibao_households'];

    it('counts each household once, urban or rural by its head, else by most members (urban on a tie)', async () => {
      const june = await city('basic_living', M, 'month', JUNE);
      // HP1, HP2, HP3, H1, H2, H3, H4; with a dibao member all but HP2;
      // urban: HP1, HP3, H1 (head 城市低保), H3 (1 : 1, urban), H4 (head 城市特困); rural: H2 (2 : 1)
      expect(june).toMatchObject({ households: 7, dibao_households: 6, urban_dibao_households: 5, rural_dibao_households: 1 });
      const q2 = await city('basic_living', M, 'quarter', Q2);
      for (const m of M) expect(q2[m], m).toBe(june[m]); // a snapshot: June
      const may = await city('basic_living', M, 'month', MAY);
      expect(may).toMatchObject({ households: 1, dibao_households: 1, urban_dibao_households: 1, rural_dibao_households: 0 }); // H1
    });

    it('puts a household in one category row', async () => {
      const rows = await by('category', 'basic_living', ['households'], 'month', JUNE);
      expect(Object.fromEntries([...rows].map(([k, r]) => [k, r.households]))).toEqual({
        城市低保: 4, // HP1, HP3, H1, H3
        农村低保: 1, // H2
        城市特困: 1, // H4
        农村特困: 1, // HP2
      });
    });

    it('by county and township', async () => {
      const counties = await by('county_code', 'basic_living', M, 'month', JUNE);
      expect(counties.get(COUNTY_A)).toMatchObject({ households: 3, dibao_households: 3, urban_dibao_households: 3, rural_dibao_households: 0 }); // HP3, H1, H4
      expect(counties.get(COUNTY_B)).toMatchObject({ households: 4, dibao_households: 3, urban_dibao_households: 2, rural_dibao_households: 1 }); // HP1, HP2, H2, H3
      const towns = await by('township_code', 'basic_living', ['households'], 'month', JUNE);
      expect(towns.get(TOWN_A1)!.households).toBe(2); // HP3, H1
      expect(towns.get(TOWN_A2)!.households).toBe(1); // H4
    });
  });

  describe('average monthly dibao benefit (snapshot) and benefits paid (flow)', () => {
    const M = ['dibao_average_benefit', 'dibao_roster_benefit', 'dibao_roster_persons', 'benefits_paid', 'payments', 'payments_on_time', 'paid_on_time_rate'];

    it('June: the roster of the listings that count, and payments by 所属月份', async () => {
      const june = await city('benefits', M, 'month', JUNE);
      // 600 × 5 (1, 3, 4, 8, 9) + 450 × 5 (5, 6, 7, 10, 12): P1's 450 and P2's 600 listings do not count
      expect([june.dibao_roster_benefit, june.dibao_roster_persons]).toEqual([5250, 10]);
      close(june.dibao_average_benefit, 525);
      // 3,000 + 2,250 + 2 × 1,000 tekun; P5's May benefit paid on 06-05 is May's
      expect(june.benefits_paid).toBe(7250);
      expect([june.payments, june.payments_on_time]).toEqual([12, 11]); // P1 on the 10th and P3 before the month in time; P2 on the 11th late
      close(june.paid_on_time_rate, (100 * 11) / 12);
    });

    it('May, and the quarter: the average is June\'s, the money adds up', async () => {
      const may = await city('benefits', M, 'month', MAY);
      close(may.dibao_average_benefit, 450); // (500 + 400) / 2
      expect([may.benefits_paid, may.payments, may.payments_on_time]).toEqual([900, 2, 1]); // P5's, paid 06-05, late
      const q2 = await city('benefits', M, 'quarter', Q2);
      close(q2.dibao_average_benefit, 525); // June's roster, not 8,150 over the quarter's person-months
      expect([q2.benefits_paid, q2.payments, q2.payments_on_time]).toEqual([8150, 14, 12]);
    });
  });

  describe('decided within 20 working days', () => {
    const M = ['decided_applications', 'decided_within_limit', 'pending_past_deadline', 'time_limited_applications', 'decided_within_limit_rate'];

    it('低保/特困 only; pending past the deadline late in the deadline\'s month', async () => {
      const june = await city('applications', M, 'month', JUNE);
      // decided AP-1 (20th day, in time), AP-2 (21st, late), AP-3 (临时救助, outside); AP-4 pending, due 06-05
      expect(june).toMatchObject({ decided_applications: 3, decided_within_limit: 1, pending_past_deadline: 1, time_limited_applications: 3 });
      close(june.decided_within_limit_rate, 100 / 3);
      const may = await city('applications', M, 'month', MAY);
      expect(may).toMatchObject({ decided_within_limit: 1, pending_past_deadline: 0, time_limited_applications: 1 }); // AP-6, 12 working days
      const q2 = await city('applications', M, 'quarter', Q2);
      expect(q2).toMatchObject({ decided_within_limit: 2, pending_past_deadline: 1, time_limited_applications: 4 }); // AP-5 due in July: nowhere
      close(q2.decided_within_limit_rate, 50);
      const counties = await by('county_code', 'applications', M, 'month', JUNE);
      close(counties.get(COUNTY_A)!.decided_within_limit_rate, 50); // AP-1, AP-2
      expect(counties.get(COUNTY_B)).toMatchObject({ pending_past_deadline: 1, time_limited_applications: 1, decided_within_limit_rate: 0 }); // AP-4
    });

    // AP-6 (accepted 04-22): 05-12 is its 12th working day, so 05-13…16 (16), 19…22 (20): due 05-22
    it('has the deadline on the 20th working day of the official calendar', async () => {
      const rows = await mart(`select application_id, deadline_on::text, working_days_to_decide from intermediate.int_application_working_days order by application_id`);
      expect(Object.fromEntries(rows.map((r) => [r.application_id, [r.deadline_on, r.working_days_to_decide]]))).toMatchObject({
        'AP-1': ['2025-06-04', 20], 'AP-2': ['2025-06-04', 21], 'AP-4': ['2025-06-05', null], 'AP-6': ['2025-05-22', 12],
      });
    });
  });

  describe('warnings handled within 15 days', () => {
    const M = ['warning_count', 'handled_within_limit', 'warnings_due', 'pending_past_limit', 'handled_within_limit_rate'];

    it('leaves out the pending ones not yet past 15 days on the as-of date (06-30)', async () => {
      const june = await city('warnings', M, 'month', JUNE);
      // W-3 late; W-4 pending 20 days: late; W-5 (day 15) and W-6 (10 days) left out
      expect(june).toMatchObject({ warning_count: 4, handled_within_limit: 0, warnings_due: 2, pending_past_limit: 1 });
      close(june.handled_within_limit_rate, 0);
      const may = await city('warnings', M, 'month', MAY);
      expect(may).toMatchObject({ warning_count: 2, handled_within_limit: 1, warnings_due: 2 }); // W-1 day 15, W-2 day 16
      close(may.handled_within_limit_rate, 50);
      const q2 = await city('warnings', M, 'quarter', Q2);
      expect(q2).toMatchObject({ warning_count: 6, handled_within_limit: 1, warnings_due: 4, pending_past_limit: 1 });
      close(q2.handled_within_limit_rate, 25);
    });
  });

  describe('verification mismatches', () => {
    it('counts 不符合 only; 疑似不符待核实 apart', async () => {
      const june = await city('verifications', ['verification_count', 'mismatches', 'suspected_mismatches', 'mismatch_rate'], 'month', JUNE);
      expect(june).toMatchObject({ verification_count: 4, mismatches: 1, suspected_mismatches: 2 });
      close(june.mismatch_rate, 25);
    });
  });

  describe('city-level standards', () => {
    const M = [
      'urban_dibao_standard', 'urban_standard_regions', 'rural_dibao_standard', 'rural_urban_standard_ratio',
      'urban_dibao_standard_min', 'urban_dibao_standard_max', 'rural_dibao_standard_min', 'rural_dibao_standard_max',
    ];

    it('May: no city row in force, the mean of the counties with the lowest and highest', async () => {
      const may = await city('standards', M, 'month', MAY);
      close(may.urban_dibao_standard, 650); // (700 + 600) / 2
      close(may.rural_dibao_standard, 520); // (560 + 480) / 2
      close(may.rural_urban_standard_ratio, 80); // 1,040 / 1,300
      expect([may.urban_dibao_standard_min, may.urban_dibao_standard_max, may.rural_dibao_standard_min, may.rural_dibao_standard_max]).toEqual([600, 700, 480, 560]);
    });

    it('June and the quarter: the city\'s own urban row; rural still the mean', async () => {
      for (const r of [await city('standards', M, 'month', JUNE), await city('standards', M, 'quarter', Q2)]) {
        close(r.urban_dibao_standard, 680);
        expect(r.urban_standard_regions).toBe(1);
        close(r.rural_dibao_standard, 520);
        close(r.rural_urban_standard_ratio, (100 * 520) / 680);
        expect([r.urban_dibao_standard_min, r.urban_dibao_standard_max]).toEqual([600, 700]); // the counties' range
      }
      const a = (await by('county_code', 'standards', M, 'month', JUNE)).get(COUNTY_A)!;
      expect([a.urban_dibao_standard, a.urban_dibao_standard_min, a.urban_dibao_standard_max]).toEqual([700, 700, 700]);
      close(a.rural_urban_standard_ratio, 80);
    });
  });

  it('the listing rule sits in one model every person-level model reads', async () => {
    const counted = await mart(`select count(*)::int as n from intermediate.int_basic_living_listing where is_counted and stat_month = '2025-06-01'`);
    const all = await mart(`select count(*)::int as n from intermediate.int_basic_living_listing where stat_month = '2025-06-01'`);
    expect([counted[0].n, all[0].n]).toEqual([12, 15]);
  });
});

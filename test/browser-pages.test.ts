// The four pages beside the leadership page, in Debian's Chromium: navigation
// keeps the period picker's choice; 基本生活救助, 临时救助 and 监测预警 show the
// small city's figures (worked out by hand below); 数据比对 shows everyone the
// counts of the integrity city and drills to masked rows for an inspector, who
// may reveal one row at a time, while a leader is told the rows are not theirs
// to see. The pages are opened with the development `?role=` switch.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskIdNumber, maskName } from '../cube/api/masking.ts';
import { name as rosterName, writeIntegrityCity } from './fixtures/integrity/integrity-city.ts';
import { CITY, COUNTY_A, COUNTY_B, VIL_A1, VIL_A2, VIL_B1, pid, writeSmallCity } from './fixtures/small-city.ts';
import { launchChromium, serveCity, type ServedCity } from './support/browser.ts';

const SHOTS = process.env.PAGES_SCREENSHOT_DIR;

type Row = Record<string, string | number>;

function csv(headers: string[], rows: Row[]): string {
  return [headers.join(','), ...rows.map((r) => headers.map((h) => String(r[h] ?? '')).join(','))].join('\r\n') + '\r\n';
}

/**
 * What the small city lacks for these pages, all in March 2025:
 * - standards: 甲区 650 / 500, 乙县 600 / 480 → city averages 625 / 490, rural ÷ urban = 980 ÷ 1,250 = 78.40 %;
 * - payments for the March roster (persons 1, 5, 7, 8), 650 元 each, person 8 paid on the 12th
 *   → 3 of 4 on time = 75.00 %; the average dibao benefit is the March roster's 月救助金额 (650 each,
 *   domain.md) over its 4 dibao persons = 650 元/人·月;
 * - warnings: 4 (红 橙 黄 蓝), 2 handled (50.00 %); within 15 days (domain.md): as of 2025-03-31 YJ-4
 *   (03-20, pending) is not yet due and left out, YJ-3 (03-10, pending) is late, YJ-2 took 20 days,
 *   YJ-1 8 → 1 of 3 = 33.33 %; sources 医保 2, 人社 1, 教育 1;
 * - verifications: 5, of which 不符合 1 (a mismatch) and 疑似不符待核实 1 (suspected, not one) → 20.00 %.
 */
async function writeExtras(dir: string): Promise<void> {
  await writeFile(
    path.join(dir, 'standards.csv'),
    csv(['区划代码', '标准类型', '标准金额', '计量单位', '生效日期'], [
      { 区划代码: COUNTY_A, 标准类型: '城市低保', 标准金额: 650, 计量单位: '元/人·月', 生效日期: '2024-01-01' },
      { 区划代码: COUNTY_A, 标准类型: '农村低保', 标准金额: 500, 计量单位: '元/人·月', 生效日期: '2024-01-01' },
      { 区划代码: COUNTY_B, 标准类型: '城市低保', 标准金额: 600, 计量单位: '元/人·月', 生效日期: '2024-01-01' },
      { 区划代码: COUNTY_B, 标准类型: '农村低保', 标准金额: 480, 计量单位: '元/人·月', 生效日期: '2024-01-01' },
    ]),
  );
  const paid: [number, string, string][] = [[1, '城市低保', '2025-03-05'], [7, '城市低保', '2025-03-05'], [5, '农村低保', '2025-03-05'], [8, '农村低保', '2025-03-12']];
  await writeFile(
    path.join(dir, 'payments.csv'),
    csv(['发放批次', '所属月份', '家庭编号', '身份证号', '救助类别', '发放金额', '发放日期', '发放方式'],
      paid.map(([id, category, on]) => ({ 发放批次: 'FF202503-01', 所属月份: '2025-03', 家庭编号: `JT${id}`, 身份证号: pid(id), 救助类别: category, 发放金额: '650.00', 发放日期: on, 发放方式: '社会保障卡' }))),
  );
  const warnings: [string, string, string, string, string, string, string, string][] = [
    ['YJ-1', '2025-03-02', VIL_A1, '医保', '红', '已处置', '纳入低保', '2025-03-10'],
    ['YJ-2', '2025-03-05', VIL_A2, '人社', '橙', '已处置', '不符合条件', '2025-03-25'],
    ['YJ-3', '2025-03-10', VIL_B1, '医保', '黄', '核查中', '', ''],
    ['YJ-4', '2025-03-20', VIL_B1, '教育', '蓝', '待核查', '', ''],
  ];
  await writeFile(
    path.join(dir, 'warnings.csv'),
    csv(['预警编号', '预警日期', '身份证号', '姓名', '区划代码', '预警来源', '预警事由', '预警等级', '处置状态', '处置结果', '处置日期'],
      warnings.map(([id, on, region, source, level, status, outcome, handled], i) => ({
        预警编号: id, 预警日期: on, 身份证号: pid(400 + i), 姓名: `预警${i}`, 区划代码: region, 预警来源: source, 预警事由: '大额医疗支出',
        预警等级: level, 处置状态: status, 处置结果: outcome, 处置日期: handled,
      }))),
  );
  const results = ['符合', '符合', '符合', '不符合', '疑似不符待核实'];
  await writeFile(
    path.join(dir, 'verifications.csv'),
    csv(['核对编号', '核对日期', '身份证号', '区划代码', '核对事项', '核对结果'],
      results.map((result, i) => ({ 核对编号: `HD-${i}`, 核对日期: `2025-03-${String(3 + i).padStart(2, '0')}`, 身份证号: pid(450 + i), 区划代码: i < 3 ? VIL_A1 : VIL_B1, 核对事项: '复核', 核对结果: result }))),
  );
}

type Served = ServedCity;

async function serve(write: (dir: string) => Promise<void>): Promise<Served> {
  const served = await serveCity(write);
  expect(served.rejected).toBe(0);
  return served;
}

let small: Served;
let integrity: Served;
let browser: Browser;

beforeAll(async () => {
  [small, integrity] = await Promise.all([
    serve(async (dir) => {
      await writeSmallCity(dir);
      await writeExtras(dir);
    }),
    serve(writeIntegrityCity),
  ]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const s of [small, integrity]) await s?.close();
});

async function open(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}

/** The big number of a card and its unit, without thousands separators or spaces (`1200元`). */
async function cardValue(page: Page, key: string): Promise<string> {
  const value = page.locator(`[data-testid="indicator-card-${key}"] [data-testid="indicator-value"]`);
  await value.waitFor({ timeout: 30_000 });
  await expect.poll(async () => (await value.innerText()).trim(), { timeout: 30_000 }).toMatch(/\d/);
  return (await value.innerText()).replace(/[,\s]/g, '');
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

describe('navigation', () => {
  it('moves between the five pages by path and keeps the period picker', async () => {
    const { page, errors } = await open(`${small.url}/?role=leader`);
    await cardValue(page, 'temp_relief_per_capita');
    await page.locator('[data-testid="granularity-quarter"]').click();
    await expect.poll(async () => page.locator('[data-testid="period-select"]').inputValue(), { timeout: 30_000 }).toBe('quarter:2025-01-01');

    await page.locator('[data-testid="nav-relief"]').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/relief');
    await expect.poll(async () => page.locator('[data-testid="nav-relief"]').getAttribute('aria-current')).toBe('page');
    expect(await page.locator('[data-testid="granularity-quarter"]').getAttribute('aria-pressed')).toBe('true');
    // Q1 2025: 4,200 元 / 9 人次, as on the leadership page
    await expect.poll(async () => cardValue(page, 'temp_relief_per_capita'), { timeout: 30_000 }).toMatch(/^467元\/人次$/);

    for (const [key, path_] of [['living', '/living'], ['monitoring', '/monitoring'], ['integrity', '/integrity']] as const) {
      await page.locator(`[data-testid="nav-${key}"]`).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe(path_);
      await page.locator(`[data-testid="page-${key}"]`).waitFor({ timeout: 30_000 });
      expect(await page.locator('[data-testid="period-select"]').inputValue()).toBe('quarter:2025-01-01');
    }
    await page.goBack();
    await page.locator('[data-testid="page-monitoring"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="nav-leadership"]').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    await page.locator('[data-testid="indicator-card-low_income_coverage_rate"]').waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
  });

  it('opens a page from its own address', async () => {
    const { page } = await open(`${small.url}/monitoring?role=leader`);
    await page.locator('[data-testid="page-monitoring"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="nav-monitoring"]').getAttribute('aria-current')).toBe('page');
  });
});

describe('基本生活救助', () => {
  it('shows March 2025 recipients, benefits and standards', async () => {
    const { page, errors } = await open(`${small.url}/living?role=leader`);
    // roster of March: 城市低保 1 and 7, 农村低保 5 and 8; February had person 1 only
    expect(await cardValue(page, 'dibao_persons')).toMatch(/^4人$/);
    const dibao = page.locator('[data-testid="indicator-card-dibao_persons"]');
    await expect.poll(async () => dibao.innerText()).toContain('+300.0%');
    expect(await cardValue(page, 'low_income_persons')).toMatch(/^9人$/);
    expect(await cardValue(page, 'dibao_average_benefit')).toMatch(/^650元\/人·月$/);
    expect(await cardValue(page, 'paid_on_time_rate')).toMatch(/^75\.00%$/);
    expect(await cardValue(page, 'rural_urban_standard_ratio')).toMatch(/^78\.40%$/);
    await expect.poll(async () => page.locator('[data-testid="living-breakdown-panel"]').count(), { timeout: 30_000 }).toBe(4);
    const urbanRural = page.locator('[data-testid="living-breakdown-panel"] [role="img"]').first();
    expect(await urbanRural.getAttribute('aria-label')).toBe('低保对象城乡构成：城市低保人数 2 人，农村低保人数 2 人');
    await expect.poll(async () => page.locator('[data-testid="living-ranking-panel"] canvas').count(), { timeout: 30_000 }).toBe(6);
    await screenshot(page, 'living');
    expect(errors).toEqual([]);
  });
});

describe('临时救助', () => {
  it('shows March 2025 relief with its breakdowns', async () => {
    const { page, errors } = await open(`${small.url}/relief?role=leader`);
    expect(await cardValue(page, 'temp_relief_amount')).toMatch(/^1200元$/);
    expect(await cardValue(page, 'temp_relief_person_times')).toMatch(/^2人次$/);
    expect(await cardValue(page, 'temp_relief_per_capita')).toMatch(/^600元\/人次$/);
    const panels = page.locator('[data-testid="relief-breakdown-panel"]');
    await expect.poll(async () => panels.locator('[role="img"]').count(), { timeout: 30_000 }).toBe(3);
    expect(await panels.locator('[role="img"]').first().getAttribute('aria-label')).toBe('按救助类型：急难型 1,200 元');
    await expect.poll(async () => page.locator('[data-testid="relief-ranking-panel"] canvas').count(), { timeout: 30_000 }).toBe(3);
    await screenshot(page, 'relief');
    expect(errors).toEqual([]);
  });
});

describe('监测预警', () => {
  it('shows March 2025 warnings by level in their colours, verifications and applications', async () => {
    const { page, errors } = await open(`${small.url}/monitoring?role=leader`);
    expect(await cardValue(page, 'warning_count')).toMatch(/^4条$/);
    expect(await cardValue(page, 'handled_rate')).toMatch(/^50\.00%$/);
    expect(await cardValue(page, 'handled_within_limit_rate')).toMatch(/^33\.33%$/);
    expect(await cardValue(page, 'mismatch_rate')).toMatch(/^20\.00%$/);
    // SQ-9, decided 2025-03-12 after 8 working days
    expect(await cardValue(page, 'decided_within_limit_rate')).toMatch(/^100\.00%$/);
    const charts = page.locator('[data-testid="monitoring-breakdown-panel"] [role="img"]');
    await expect.poll(async () => charts.count(), { timeout: 30_000 }).toBe(6);
    const labels = await charts.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(labels).toContain('按预警等级：红 1 条，橙 1 条，黄 1 条，蓝 1 条');
    // ties come in either order
    const sources = labels.find((l) => l?.startsWith('按预警来源：')) ?? '';
    expect(sources.startsWith('按预警来源：医保 2 条，')).toBe(true);
    expect(sources).toContain('人社 1 条');
    expect(sources).toContain('教育 1 条');
    const outcomes = labels.find((l) => l?.startsWith('按处置结果：')) ?? '';
    expect(outcomes).toContain('不符合条件 1 条');
    expect(outcomes).toContain('纳入低保 1 条');
    expect(outcomes.split('，')).toHaveLength(2);
    await screenshot(page, 'monitoring');
    expect(errors).toEqual([]);
  });
});

describe('数据比对', () => {
  type ApiRow = Record<string, string | null>;
  let totals: ApiRow;
  let deaths: ApiRow;
  let countyB: number;

  beforeAll(async () => {
    const admin = await integrity.platform.token({ role: 'admin', region: CITY });
    const year = [{ dimension: 'integrity.month', granularity: 'year', dateRange: ['2025-01-01', '2025-12-31'] }];
    const all = await integrity.platform.load({ measures: ['integrity.findings', 'integrity.persons', 'integrity.amount_yuan'], timeDimensions: year }, admin);
    totals = all.body.data[0];
    const byCheck = await integrity.platform.load({ measures: ['integrity.findings'], dimensions: ['integrity.check_code'], timeDimensions: year }, admin);
    deaths = byCheck.body.data.find((r: ApiRow) => r['integrity.check_code'] === 'paid_after_death');
    const byCounty = await integrity.platform.load({ measures: ['integrity.findings'], dimensions: ['integrity.county_code'], timeDimensions: year }, admin);
    countyB = Number(byCounty.body.data.find((r: ApiRow) => r['integrity.county_code'] === COUNTY_B)?.['integrity.findings'] ?? 0);
    expect(countyB).toBeGreaterThan(0);
    expect(countyB).toBeLessThan(Number(totals['integrity.findings']));
    expect(Number(totals['integrity.findings'])).toBeGreaterThan(0);
    expect(Number(deaths['integrity.findings'])).toBeGreaterThan(0);
  });

  async function openYear(role: 'leader' | 'inspector'): Promise<{ page: Page; errors: string[] }> {
    const opened = await open(`${integrity.url}/integrity?role=${role}`);
    await opened.page.locator('[data-testid="granularity-year"]').click();
    await expect.poll(async () => opened.page.locator('[data-testid="period-select"]').inputValue(), { timeout: 30_000 }).toBe('year:2025-01-01');
    return opened;
  }

  it('hands out a development token of the role asked for, leader by default', async () => {
    const ask = async (query: string) => {
      const res = await fetch(`${integrity.url}/api/dev-token${query}`);
      return { status: res.status, body: (await res.json()) as { role?: string; error?: string } };
    };
    expect((await ask('')).body.role).toBe('leader');
    expect((await ask('?role=inspector')).body.role).toBe('inspector');
    const bad = await ask('?role=boss');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('参数 role 应为');
  });

  it('shows a leader the counts, and refuses the rows with a clear message', async () => {
    const { page, errors } = await openYear('leader');
    expect(await page.locator('[data-testid="role-badge"]').innerText()).toBe('领导');
    await expect.poll(async () => cardValue(page, 'integrity_findings'), { timeout: 30_000 }).toBe(`${totals['integrity.findings']}条`);
    expect(await cardValue(page, 'integrity_persons')).toBe(`${totals['integrity.persons']}人`);
    expect(await cardValue(page, 'integrity_amount')).toBe(`${Math.round(Number(totals['integrity.amount_yuan']))}元`);
    const row = page.locator('[data-testid="check-row-paid_after_death"]');
    expect(await row.locator('[data-testid="check-findings"]').innerText()).toBe(`${deaths['integrity.findings']} 条`);
    await row.locator('button').click();
    const refused = page.locator('[data-testid="drill-refused"]');
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.innerText()).toContain('当前角色无权查看个人明细');
    expect(await page.locator('[data-testid="drill-table"]').count()).toBe(0);
    // the counts stay
    expect(await row.locator('[data-testid="check-findings"]').innerText()).toBe(`${deaths['integrity.findings']} 条`);
    await screenshot(page, 'integrity-leader');
    expect(errors).toEqual([]);
  });

  it('drills an inspector to the rows of a check, then to those of a county', async () => {
    const { page, errors } = await openYear('inspector');
    expect(await page.locator('[data-testid="role-badge"]').innerText()).toBe('督查人员');
    await page.locator('[data-testid="check-row-paid_after_death"] button').click();
    const rows = page.locator('[data-testid="drill-row"]');
    const n = Number(deaths['integrity.findings']);
    await expect.poll(async () => rows.count(), { timeout: 30_000 }).toBe(n);
    expect(await page.locator('[data-testid="drill-range"]').innerText()).toBe(`第 1–${n} 条，共 ${n} 条`);
    // person-level values arrive masked; 查看 shows one row's full values, the others stay masked
    const table = await page.locator('[data-testid="drill-table"]').innerText();
    expect(table).not.toContain(pid(502));
    expect(table).not.toContain(rosterName(502));
    // person 502 was paid twice after death: two rows, of which one is revealed
    const ids = await rows.locator('[data-testid="drill-id-number"]').allInnerTexts();
    expect(ids.filter((id) => id === maskIdNumber(pid(502)))).toHaveLength(2);
    // by position: once revealed, the row no longer holds the masked text
    const row = rows.nth(ids.indexOf(maskIdNumber(pid(502))));
    expect(await row.locator('[data-testid="drill-person-name"]').innerText()).toBe(maskName(rosterName(502)));
    expect(await row.innerText()).toContain('死亡日期 2025-01-20');
    await row.locator('[data-testid="drill-reveal"]').click();
    await expect.poll(async () => row.locator('[data-testid="drill-id-number"]').innerText(), { timeout: 30_000 }).toBe(pid(502));
    expect(await row.locator('[data-testid="drill-person-name"]').innerText()).toBe(rosterName(502));
    const fullIds = (await rows.locator('[data-testid="drill-id-number"]').allInnerTexts()).filter((t) => !t.includes('*'));
    expect(fullIds).toEqual([pid(502)]);
    await row.locator('[data-testid="drill-hide"]').click();
    expect(await row.locator('[data-testid="drill-id-number"]').innerText()).toBe(maskIdNumber(pid(502)));
    expect(await page.locator('[data-testid="drill-prev"]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid="drill-next"]').isDisabled()).toBe(true);

    // every check of 乙县: only its rows
    await page.locator('[data-testid="integrity-selection"] button', { hasText: '死亡后仍发放' }).click();
    await page.locator(`[data-testid="region-button-${COUNTY_B}"]`).click();
    await expect.poll(async () => page.locator('[data-testid="integrity-selection"]').innerText(), { timeout: 30_000 }).toContain('乙县');
    await expect
      .poll(async () => {
        const texts = await rows.allInnerTexts();
        return texts.length === countyB && texts.every((t) => t.includes('乙县'));
      }, { timeout: 30_000 })
      .toBe(true);
    expect(await page.locator('[data-testid="drill-range"]').innerText()).toBe(`第 1–${countyB} 条，共 ${countyB} 条`);
    await screenshot(page, 'integrity-inspector');
    expect(errors).toEqual([]);
  });
});

// 通报 in Debian's Chromium: a staff member drafts and submits a notice, a
// leader issues it, and the print view shows the issued notice with its charts.
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUser } from '../auth/users.ts';
import { writeCatalogueCity } from './fixtures/catalogue/catalogue-city.ts';
import { CITY } from './fixtures/small-city.ts';
import { type TestPlatform } from './support/platform.ts';
import { launchChromium, serveCity, type ServedCity } from './support/browser.ts';

const PASSWORD = 'Notice-Test-2025!';

let served: ServedCity;
let platform: TestPlatform;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  served = await serveCity(writeCatalogueCity);
  ({ platform, url: baseUrl } = served);
  await createUser(platform.db.pool, { name: 'ni.gao', display: '拟稿员', role: 'staff', region: CITY, password: PASSWORD });
  await createUser(platform.db.pool, { name: 'qian.fa', display: '签发人', role: 'leader', region: CITY, password: PASSWORD });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

async function signedIn(name: string, path: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${baseUrl}${path}`);
  await page.locator('[data-testid="login-name"]').fill(name);
  await page.locator('[data-testid="login-password"]').fill(PASSWORD);
  await page.locator('[data-testid="login-submit"]').click();
  await expect.poll(() => new URL(page.url()).pathname, { timeout: 30_000 }).toBe(path);
  return { page, errors };
}

it('drafts, submits, issues with two users and prints', async () => {
  const staff = await signedIn('ni.gao', '/notices');
  await staff.page.locator('[data-testid="notice-period"]').fill('2025-03');
  await staff.page.locator('[data-testid="notice-draft"]').click();
  await expect.poll(() => new URL(staff.page.url()).pathname, { timeout: 60_000 }).toMatch(/^\/notices\/\d+$/);
  const id = new URL(staff.page.url()).pathname.split('/').pop();
  await staff.page.locator('[data-testid="notice-doc"]').waitFor({ timeout: 30_000 });
  expect(await staff.page.locator('[data-testid="notice-state"]').innerText()).toBe('拟稿');
  expect(await staff.page.locator('[data-testid="figure-indicators.temp_relief_per_capita"]').innerText()).toContain('750 元');
  await staff.page.locator('[data-testid="notice-submit"]').click();
  await expect.poll(() => staff.page.locator('[data-testid="notice-state"]').innerText(), { timeout: 30_000 }).toBe('待审核');
  expect(await staff.page.locator('[data-testid="notice-issue"]').count()).toBe(0);
  expect(staff.errors).toEqual([]);

  const leader = await signedIn('qian.fa', `/notices/${id}`);
  await leader.page.locator('[data-testid="notice-issue"]').click();
  await expect.poll(() => leader.page.locator('[data-testid="notice-state"]').innerText(), { timeout: 60_000 }).toBe('已签发');
  const issued = await platform.db.pool.query<{ number: string; issued_by: string }>(`select number, issued_by from app.notices where id = $1`, [id]);
  expect(issued.rows[0]).toMatchObject({ issued_by: 'qian.fa', number: expect.stringMatching(/^X民救通〔\d{4}〕1号$/) });

  await leader.page.goto(`${baseUrl}/notices/${id}/print`);
  await leader.page.locator('[data-testid="notice-print"] [data-testid="notice-doc"]').waitFor({ timeout: 30_000 });
  const text = await leader.page.locator('[data-testid="notice-print"]').innerText();
  expect(text).toContain(issued.rows[0]!.number);
  expect(text).toContain('关于2025年3月测试市社会救助工作情况的通报');
  expect(await leader.page.locator('[data-testid="notice-print"] .notice-chart canvas').count()).toBe(2);
  expect(await leader.page.locator('[data-testid="nav-notices"]').count()).toBe(0); // bare: no menu
  await leader.page.emulateMedia({ media: 'print' });
  const breaks = await leader.page.locator('.notice-section').evaluateAll((els) => els.map((e) => getComputedStyle(e).breakBefore));
  expect(breaks.every((b) => b === 'page')).toBe(true);
  const pdf = await leader.page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
  await leader.page.screenshot({ path: path.join(os.tmpdir(), 'notice-print.png'), fullPage: true });
  expect(leader.errors).toEqual([]);
});

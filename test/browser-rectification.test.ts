// An item's whole life in Debian's Chromium, with two signed-in users: an
// inspector of the city creates it on 整改台账, a county's staff member reports
// it fixed with an evidence file, the inspector starts the follow-up review
// and passes it (已销号); the list and the history show each step.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../auth/users.ts';
import { CITY, COUNTY_A, VIL_A1, writeSmallCity } from './fixtures/small-city.ts';
import { TEST_PASSWORD, type TestPlatform } from './support/platform.ts';
import { launchChromium, serveCity, type ServedCity } from './support/browser.ts';

const SHOTS = process.env.PAGES_SCREENSHOT_DIR;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');

let served: ServedCity;
let platform: TestPlatform;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  served = await serveCity(writeSmallCity);
  ({ platform, url: baseUrl } = served);
  await createUser(platform.db.pool, { name: 'zhao.liu', display: '赵六', role: 'inspector', region: CITY, password: TEST_PASSWORD });
  await createUser(platform.db.pool, { name: 'qian.qi', display: '钱七', role: 'staff', region: COUNTY_A, password: TEST_PASSWORD });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

/** A fresh tab (its own sessionStorage), signed in, on `target`. */
async function signedIn(name: string, target: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${baseUrl}${target}`);
  await page.locator('[data-testid="login-name"]').fill(name);
  await page.locator('[data-testid="login-password"]').fill(TEST_PASSWORD);
  await page.locator('[data-testid="login-submit"]').click();
  await expect.poll(() => new URL(page.url()).pathname, { timeout: 30_000 }).toBe(target);
  return page;
}

/** Picks `option` in the antd Select of the form item labelled `label`. */
async function choose(page: Page, scope: string, label: string, option: string): Promise<void> {
  await page.locator(`${scope} .ant-form-item`).filter({ hasText: label }).locator('.ant-select').first().click();
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`).click();
}

const okButton = (page: Page) => page.locator('.ant-modal-wrap:visible .ant-modal-footer .ant-btn-primary');
const stateOf = (page: Page) => page.locator('[data-testid="item-state"]').innerText();

describe('rectification in the browser', () => {
  it('walks an item from creation to 已销号 with an inspector and a county user', async () => {
    // the inspector creates the item
    const inspector = await signedIn('zhao.liu', '/rectification');
    await inspector.locator('[data-testid="page-rectification"]').waitFor({ timeout: 30_000 });
    await inspector.locator('[data-testid="rectification-new"]').click();
    const form = '[data-testid="rectification-create-form"]';
    await inspector.locator('[data-testid="create-region"]').fill(VIL_A1);
    await choose(inspector, form, '问题类别', '档案不规范');
    await inspector.locator('[data-testid="create-description"]').fill('甲一社区3份救助档案缺少入户调查记录');
    await inspector.locator('[data-testid="create-unit"]').fill('甲区民政局');
    const deadline = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const deadlineInput = inspector.locator(`${form} .ant-form-item`).filter({ hasText: '整改期限（日期）' }).locator('input');
    await deadlineInput.click();
    await deadlineInput.fill(deadline);
    await deadlineInput.press('Enter');
    await okButton(inspector).click();
    await expect.poll(() => new URL(inspector.url()).pathname, { timeout: 30_000 }).toMatch(/^\/rectification\/\d+$/);
    const itemPath = new URL(inspector.url()).pathname;
    await expect.poll(() => stateOf(inspector), { timeout: 30_000 }).toBe('待整改');
    const number = await inspector.locator('[data-testid="item-number"]').innerText();
    expect(number).toMatch(/^ZG-\d{4}-\d{4}$/);
    expect(await inspector.locator('[data-testid="item-deadline"]').innerText()).toBe(deadline);
    expect(await inspector.locator('[data-testid="action-回头看"]').count()).toBe(0);

    // the county's staff member sees it in the list and reports it fixed with evidence
    const countyPage = await signedIn('qian.qi', '/rectification');
    await countyPage.locator(`[data-testid="item-link-${number}"]`).click();
    await expect.poll(() => stateOf(countyPage), { timeout: 30_000 }).toBe('待整改');
    expect(await countyPage.locator('[data-testid="rectification-new"]').count()).toBe(0);
    await countyPage.locator('[data-testid="action-已整改"]').click();
    await countyPage.locator('[data-testid="action-form"] input[type=file]').setInputFiles({ name: '整改报告.pdf', mimeType: 'application/pdf', buffer: PDF });
    await countyPage.locator('.ant-modal-wrap:visible .ant-checkbox-wrapper').filter({ hasText: '整改报告.pdf' }).waitFor({ timeout: 30_000 });
    await countyPage.locator('[data-testid="action-note"]').fill('已补齐入户调查记录');
    await okButton(countyPage).click();
    await expect.poll(() => stateOf(countyPage), { timeout: 30_000 }).toBe('已整改');
    expect(await countyPage.locator('[data-testid="item-actions"] button').count()).toBe(0); // the review is not theirs
    expect(await countyPage.locator('[data-testid="item-history"]').innerText()).toContain('整改报告.pdf');
    if (SHOTS) await countyPage.screenshot({ path: path.join(SHOTS, 'rectification-item.png'), fullPage: true });

    // the inspector starts the follow-up review and passes it
    await inspector.reload();
    await expect.poll(() => stateOf(inspector), { timeout: 30_000 }).toBe('已整改');
    await inspector.locator('[data-testid="action-回头看"]').click();
    await okButton(inspector).click();
    await expect.poll(() => stateOf(inspector), { timeout: 30_000 }).toBe('回头看');
    await inspector.locator('[data-testid="action-已销号"]').click();
    await inspector.locator('[data-testid="action-note"]').fill('经回头看，档案已补齐');
    await okButton(inspector).click();
    await expect.poll(() => stateOf(inspector), { timeout: 30_000 }).toBe('已销号');
    const history = await inspector.locator('[data-testid="item-history"]').innerText();
    for (const text of ['创建（待整改）', '待整改 → 已整改', 'qian.qi', '已整改 → 回头看', '回头看 → 已销号', '回头看通过', '经回头看，档案已补齐']) expect(history).toContain(text);

    // the stored history agrees, step by step
    const steps = await platform.db.pool.query(
      `select s.by_name, s.from_state, s.to_state, s.review_result from app.rectification_steps s join app.rectification_items i using (item_id) where i.number = $1 order by s.step_id`,
      [number],
    );
    expect(steps.rows.map((s) => [s.by_name, s.from_state, s.to_state, s.review_result])).toEqual([
      ['zhao.liu', null, '待整改', null],
      ['qian.qi', '待整改', '已整改', null],
      ['zhao.liu', '已整改', '回头看', null],
      ['zhao.liu', '回头看', '已销号', '通过'],
    ]);

    // the list shows it closed
    await inspector.goto(`${baseUrl}/rectification`);
    const row = inspector.locator('[data-testid="rectification-table"] tr').filter({ hasText: number });
    await expect.poll(() => row.innerText(), { timeout: 30_000 }).toContain('已销号');
    expect(itemPath).toMatch(/^\/rectification\/\d+$/);
    if (SHOTS) await inspector.screenshot({ path: path.join(SHOTS, 'rectification-list.png'), fullPage: true });

    // 整改看板 counts it at once: closed in time this month, one review, passed
    await inspector.goto(`${baseUrl}/rectification/board`);
    const county = inspector.locator('[data-testid="board-table"] tr').filter({ hasText: '甲区' });
    await expect.poll(() => county.innerText(), { timeout: 30_000 }).toMatch(/0\s+0\s+1\s+1（100\.0%）\s+0\.0 天\s+1\s+100\.0%/);
    if (SHOTS) await inspector.screenshot({ path: path.join(SHOTS, 'rectification-board.png'), fullPage: true });
    await inspector.context().close();
    await countyPage.context().close();
  });
});

// The leadership page in Debian's chromium (playwright-core, never a downloaded
// browser): from navigation start until the four headline cards show numbers
// and the trend and ranking charts have been drawn. Each load is a new browser
// context (empty HTTP cache: a first visit); the first load comes right after a
// PostgreSQL restart (cold), then `loads` warm loads whose median is reported.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { HEADLINE_INDICATORS } from '../dashboard/src/indicators.ts';
import { DASHBOARD_DIR } from '../server/app.ts';
import { BENCH_DIR } from './data.ts';
import { median, round } from './stats.ts';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TIMEOUT_MS = 120_000;

export interface PageLoad {
  /** Navigation start → cards with numbers and all charts drawn. */
  complete_ms: number;
  /** Navigation start → the four cards show numbers. */
  cards_ms: number;
  dom_content_loaded_ms: number;
  /** The page's API calls (resource timing), in the order they started. */
  api: { path: string; start_ms: number; duration_ms: number }[];
  errors: string[];
}

export interface PageResult {
  skipped: string | null;
  complete_ms: number | null;
  cold_ms: number | null;
  cards_ms: number | null;
  loads: PageLoad[];
  cold: PageLoad | null;
}

/** The newest modification time of the files under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Builds the dashboard into dist/dashboard when it is missing (the server serves
 * it from there). An existing build older than dashboard/ is not rebuilt (other
 * work may be using it); the returned warning says the page measured is stale.
 */
export function ensureDashboardBuilt(log: (msg: string) => void): string | null {
  const index = path.join(DASHBOARD_DIR, 'index.html');
  const root = path.resolve(BENCH_DIR, '..');
  if (!existsSync(index)) {
    log('dist/dashboard 不存在：运行 npx vite build …');
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    return null;
  }
  if (newestMtime(path.join(root, 'dashboard')) > statSync(index).mtimeMs) {
    const warning = 'dist/dashboard 比 dashboard/ 的源码旧：测量的是旧的构建（先运行 npm run build 再测）';
    log(`⚠ ${warning}`);
    return warning;
  }
  return null;
}

const KEYS = HEADLINE_INDICATORS.map((i) => i.key);

/**
 * True (well, the time) once the cards show numbers and every trend and ranking
 * panel holds a chart canvas; records when the cards were ready in window.__benchCards.
 */
function readyExpression(keys: readonly string[]): string {
  return `(() => {
    const keys = ${JSON.stringify(keys)};
    const cardsReady = keys.every((k) => /\\d/.test(document.querySelector('[data-testid="indicator-card-' + k + '"] [data-testid="indicator-value"]')?.textContent ?? ''));
    if (!cardsReady) return false;
    if (window.__benchCards === undefined) window.__benchCards = performance.now();
    const drawn = (id) => {
      const panels = [...document.querySelectorAll('[data-testid="' + id + '"]')];
      return panels.length >= keys.length && panels.every((p) => p.querySelector('canvas') !== null);
    };
    return drawn('trend-panel') && drawn('ranking-panel') ? performance.now() : false;
  })()`;
}

/** After two more animation frames: the time, when the cards were ready, DOMContentLoaded, and the API calls. */
const TIMING_EXPRESSION = `new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const api = performance.getEntriesByType('resource')
    .filter((r) => /\\/(cubejs-api|api)\\//.test(r.name))
    .map((r) => ({ path: new URL(r.name).pathname, start: r.startTime, duration: r.duration }));
  resolve({ complete: performance.now(), cards: window.__benchCards, dcl: nav ? nav.domContentLoadedEventEnd : 0, api });
})))`;

async function loadOnce(browser: Browser, baseUrl: string): Promise<PageLoad> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(baseUrl, { waitUntil: 'commit' });
    // Polled on every animation frame; the time is the page's own clock (ms since navigation start).
    // A source string, not a function: tsx would wrap inner functions in a `__name` helper the page lacks.
    const done = await page.waitForFunction(readyExpression(KEYS), undefined, { polling: 'raf', timeout: TIMEOUT_MS });
    await done.dispose();
    // ECharts draws on the next animation frame after setOption: wait two frames.
    const timing = (await page.evaluate(TIMING_EXPRESSION)) as { complete: number; cards: number; dcl: number; api: { path: string; start: number; duration: number }[] };
    return {
      complete_ms: round(timing.complete),
      cards_ms: round(timing.cards),
      dom_content_loaded_ms: round(timing.dcl),
      api: timing.api.map((a) => ({ path: a.path, start_ms: round(a.start), duration_ms: round(a.duration) })),
      errors,
    };
  } finally {
    await context.close();
  }
}

/**
 * `coldUrl` restarts PostgreSQL and returns the URL of a server on fresh
 * connections; `warmUrl` is a server that has been answering for a while.
 */
export async function measurePage(coldUrl: () => Promise<string>, warmUrl: () => Promise<string>, loads: number, log: (msg: string) => void): Promise<PageResult> {
  if (!existsSync(CHROMIUM)) {
    const reason = `未找到 ${CHROMIUM}（Debian 的 chromium：apt-get install chromium），跳过页面测量`;
    log(reason);
    return { skipped: reason, complete_ms: null, cold_ms: null, cards_ms: null, loads: [], cold: null };
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const cold = await loadOnce(browser, await coldUrl());
    log(`  冷加载：${cold.complete_ms} ms（卡片 ${cold.cards_ms} ms）`);
    const url = await warmUrl();
    const warm: PageLoad[] = [];
    for (let i = 0; i < loads; i++) {
      warm.push(await loadOnce(browser, url));
      log(`  加载 ${i + 1}/${loads}：${warm.at(-1)!.complete_ms} ms（卡片 ${warm.at(-1)!.cards_ms} ms）`);
    }
    return {
      skipped: null,
      complete_ms: round(median(warm.map((l) => l.complete_ms))),
      cards_ms: round(median(warm.map((l) => l.cards_ms))),
      cold_ms: cold.complete_ms,
      loads: warm,
      cold,
    };
  } finally {
    await browser.close();
  }
}

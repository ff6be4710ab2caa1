// What every browser test needs: Debian's chromium (never a downloaded browser),
// the built dashboard, and a platform serving a hand-made city over HTTP.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { runLoad } from '../../etl/load/batch.ts';
import { DASHBOARD_DIR } from '../../server/app.ts';
import { freePort } from '../../warehouse/free-port.ts';
import { startTestPlatform, type TestPlatform } from './platform.ts';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's chromium, headless; refuses clearly when it or the built dashboard is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`浏览器测试需要 Debian 的 chromium（${CHROMIUM}）：apt-get install chromium`);
  if (!existsSync(path.join(DASHBOARD_DIR, 'index.html'))) throw new Error('仪表盘尚未构建：先运行 vite build（npm test 会先构建）');
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

export interface ServedCity {
  platform: TestPlatform;
  /** http://127.0.0.1:<port> */
  url: string;
  dir: string;
  /** Rows rejected by the load (a hand-made city should have none). */
  rejected: number;
  close(): Promise<void>;
}

/** A fresh platform whose warehouse holds the city `write` makes, listening on a free port. */
export async function serveCity(write: (dir: string) => Promise<void>): Promise<ServedCity> {
  const platform = await startTestPlatform();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'browser-city-'));
  await write(dir);
  const report = await runLoad(platform.db.pool, [dir], { runBy: 'test' });
  const port = await freePort();
  await platform.app.listen({ port, host: '127.0.0.1' });
  return {
    platform,
    url: `http://127.0.0.1:${port}`,
    dir,
    rejected: report.files.reduce((n, f) => n + f.rowsRejected, 0),
    async close() {
      await platform.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

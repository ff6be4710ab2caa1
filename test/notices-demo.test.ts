// The demo city's first start (server/demo-data.ts) seeds the archive with an
// issued monthly notice and a draft quarterly notification.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateCity } from '../etl/generate/index.ts';
import { runLoad } from '../etl/load/batch.ts';
import { lastCompleteQuarter, seedDemoNotices } from '../notices/demo.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'notices-demo-'));
  await generateCity({ outDir: dir, months: 4, seed: 1, endMonth: '2024-06', withErrors: false, scale: 0.02 });
  await runLoad(db.pool, [dir], { runBy: 'test' });
}, 300_000);

afterAll(async () => {
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('names the last complete quarter', () => {
  expect(lastCompleteQuarter('2024-06')).toBe('2024-Q2');
  expect(lastCompleteQuarter('2024-05')).toBe('2024-Q1');
  expect(lastCompleteQuarter('2024-02')).toBe('2023-Q4');
});

it('leaves one issued monthly notice and one draft quarterly notification', async () => {
  const logged: string[] = [];
  await seedDemoNotices(db.pool, '2024-06', (m) => logged.push(m));
  const rows = await db.pool.query<{ kind: string; period: string; state: string; number: string | null; docx: Buffer | null; content: any }>(
    `select kind, period, state, number, docx, content from app.notices order by id`);
  expect(rows.rows.map((r) => [r.kind, r.period, r.state])).toEqual([['monthly', '2024-06', '已签发'], ['quarterly', '2024-Q2', '拟稿']]);
  expect(rows.rows[0]!.number).toMatch(/^X民救通〔\d{4}〕1号$/);
  expect(rows.rows[0]!.content.number).toBe(rows.rows[0]!.number);
  const xml = await (await JSZip.loadAsync(rows.rows[0]!.docx!)).file('word/document.xml')!.async('string');
  expect(xml).toContain(rows.rows[0]!.number!);
  // the synthetic city has several counties, each ranked
  const ranking = rows.rows[0]!.content.sections.find((s: any) => s.type === 'ranking');
  expect(ranking.tables[0].rows.length).toBeGreaterThan(3);
  expect(rows.rows[1]!.content.sections.map((s: any) => s.type)).toContain('rectification');
  expect(logged.join('\n')).toContain('示例通报');
});

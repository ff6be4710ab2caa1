// The load history (`npm run etl -- history`): succeeded, failed, skipped-file,
// interrupted and in-progress batches, with who, when, files, checksums and counts.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBatch, formatHistory } from '../etl/history/format.ts';
import { getBatch, listBatches, type Batch } from '../etl/history/query.ts';
import { displayWidth, renderTable } from '../etl/history/text-table.ts';
import { runLoad } from '../etl/load/batch.ts';
import { LOAD_LOCK } from '../warehouse/locks.ts';
import { runCli } from './fixtures/etl-cli.ts';
import { pid, VIL_A1, writeSmallCity } from './fixtures/small-city.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const FAILING_PROJECT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/failing-models');

let db: TestDatabase;
let dir: string;
let extraDir: string;
const ids = { first: 0, skipped: 0, failed: 0 };

const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'etl-history-'));
  const city = path.join(dir, 'city');
  await writeSmallCity(city);
  ids.first = (await runLoad(db.pool, [city], { runBy: '张三' })).batchId;
  // the same files again: every file skipped
  ids.skipped = (await runLoad(db.pool, [path.join(city, 'regions.xlsx'), path.join(city, 'roster-202501.csv')], { runBy: '李四' })).batchId;
  // a new temporary relief file with a project whose data test fails on any temporary relief
  extraDir = path.join(dir, 'extra');
  await mkdir(extraDir);
  await writeFile(path.join(extraDir, 'relief-2.csv'), `救助编号,身份证号,姓名,区划代码,救助日期,救助金额,救助人数,救助类型,致困原因,审批方式\nX1,${pid(40)},王五,${VIL_A1},2025-03-05,100,1,急难型,疾病,县级审批\n`);
  const failure = await runLoad(db.pool, [extraDir], { runBy: '王五', projectDir: FAILING_PROJECT }).catch((e: Error) => e);
  expect(failure).toBeInstanceOf(Error);
  ids.failed = Number((await db.pool.query(`select max(batch_id) as id from etl.batches`)).rows[0].id);
});

afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('load history', () => {
  it('lists the batches newest first with status, who, when and the files of each', async () => {
    const batches = await listBatches(db.pool, 10);
    expect(batches.map((b) => [b.batchId, b.status, b.statusText, b.runBy])).toEqual([
      [ids.failed, 'failed', '失败', '王五'],
      [ids.skipped, 'succeeded', '成功', '李四'],
      [ids.first, 'succeeded', '成功', '张三'],
    ]);
    expect(batches.every((b) => b.host === os.hostname())).toBe(true);
    expect(batches.every((b) => b.finishedAt !== null && b.durationSeconds >= 0)).toBe(true);
    // the first load took the time of the models: its duration is not the instant its transaction began
    expect(batches[2]!.durationSeconds).toBeGreaterThan(0.05);

    const first = batches[2]!;
    expect(first.files).toHaveLength(11);
    const roster = first.files.find((f) => f.name === 'roster-202503.csv')!;
    expect(roster).toMatchObject({ kind: 3, kindTitle: '低保特困在册人员', format: 'CSV UTF-8', outcome: 'loaded', rowsRead: 4, rowsLoaded: 4, rowsRejected: 0, note: null, isCorrection: false });
    expect(roster.sha256).toBe(await sha256(path.join(dir, 'city', 'roster-202503.csv')));
    expect(first.files.find((f) => f.name === 'temp-relief.csv')).toMatchObject({ kind: 6, format: 'CSV GBK' });
    expect(first.rowsLoaded).toBe(first.files.reduce((n, f) => n + f.rowsLoaded, 0));

    const skipped = batches[1]!;
    expect(skipped.files.map((f) => [f.name, f.outcome, f.note])).toEqual([
      ['regions.xlsx', 'skipped', `内容与批次 ${ids.first} 导入的文件相同，跳过`],
      ['roster-202501.csv', 'skipped', `内容与批次 ${ids.first} 导入的文件相同，跳过`],
    ]);

    const failed = batches[0]!;
    expect(failed.error).toContain('always_fails');
    expect(failed.files).toEqual([]); // recorded in the rolled-back transaction
    expect(failed.paths).toEqual([extraDir]);
  });

  it('honours the limit and shows one batch in full', async () => {
    expect((await listBatches(db.pool, 2)).map((b) => b.batchId)).toEqual([ids.failed, ids.skipped]);
    expect(await getBatch(db.pool, 999)).toBeNull();
    const one = (await getBatch(db.pool, ids.first))!;
    const text = formatBatch(one);
    const rosterSha = await sha256(path.join(dir, 'city', 'roster-202503.csv'));
    expect(text).toContain(`批次 ${ids.first}  成功  执行人 张三@${os.hostname()}`);
    expect(text).toContain(rosterSha); // whole checksum
    expect(text).toContain(path.join(dir, 'city', 'roster-202503.csv'));
  });

  it('prints a readable Chinese table: statuses, short checksums, skip reasons and errors', async () => {
    const text = formatHistory(await listBatches(db.pool, 10));
    const rosterSha = await sha256(path.join(dir, 'city', 'roster-202503.csv'));
    expect(text).toContain(`批次 ${ids.first}  成功  执行人 张三`);
    expect(text).toContain(`批次 ${ids.failed}  失败  执行人 王五`);
    expect(text).toContain('错误：');
    expect(text).toContain('always_fails');
    expect(text).toContain(rosterSha.slice(0, 12));
    expect(text).not.toContain(rosterSha);
    expect(text).toMatch(/roster-202501\.csv +3\.低保特困在册人员 +- +[0-9a-f]{12} +跳过 +0 +0 +0 +内容与批次 \d+ 导入的文件相同，跳过/);
    expect(text).toMatch(/roster-202503\.csv +3\.低保特困在册人员 +CSV UTF-8 +[0-9a-f]{12} +已导入 +4 +4 +0/);
  });

  it('aligns columns of Chinese text by display width', () => {
    expect(displayWidth('低保abc')).toBe(7);
    const lines = renderTable([{ title: '文件' }, { title: '行', align: 'right' }, { title: '说明' }], [['低保.csv', '12', '甲'], ['a.csv', '1,234', '乙']]).split('\n');
    // 低保.csv is 8 columns wide like the widest cell; 行 is right-aligned
    expect(lines[0]).toBe('文件         行  说明');
    expect(lines[2]).toBe('低保.csv     12  甲');
    expect(lines[3]).toBe('a.csv     1,234  乙');
  });

  it('shows a batch still recorded as running as 进行中 while its load holds the lock, and as 中断 once it is gone', async () => {
    const inserted = await db.pool.query(`insert into etl.batches (status, run_by, host, paths) values ('running', '赵六', 'h1', '{/data/x}') returning batch_id`);
    const id = Number(inserted.rows[0].batch_id);
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock($1)', [LOAD_LOCK]);
      let running: Batch = (await getBatch(db.pool, id))!;
      expect(running.statusText).toBe('进行中');
      expect(running.finishedAt).toBeNull();
      expect(formatHistory([running])).toContain('进行中');
      await holder.query('select pg_advisory_unlock($1)', [LOAD_LOCK]);
      running = (await getBatch(db.pool, id))!;
      expect(running.status).toBe('running');
      expect(running.statusText).toBe('中断');
      expect(running.error).toContain('导入进程已不在运行');
    } finally {
      await holder.end();
      await db.pool.query('delete from etl.batches where batch_id = $1', [id]);
    }
  });

  it('runs as `etl history` on the command line, as a table and as JSON', async () => {
    const json = await runCli(db.url, ['history', '--json', '--limit', '5']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as Batch[];
    expect(parsed.map((b) => [b.batchId, b.status])).toEqual([[ids.failed, 'failed'], [ids.skipped, 'succeeded'], [ids.first, 'succeeded']]);
    expect(parsed[2]!.files.find((f) => f.name === 'roster-202503.csv')!.sha256).toBe(await sha256(path.join(dir, 'city', 'roster-202503.csv')));

    const one = await runCli(db.url, ['history', String(ids.failed)]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`批次 ${ids.failed}  失败`);
    expect(one.stdout).toContain('always_fails');

    const missing = await runCli(db.url, ['history', '999']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('批次 999 不存在');
  });
});

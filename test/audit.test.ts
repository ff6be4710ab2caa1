// The audit trail: append-only in the database itself, hash-chained, checked
// by `npm run audit -- verify`, pruned only past its retention, readable by
// administrators through GET /api/audit; sign-ins and loads are on it.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneAuditLog } from '../audit/prune.ts';
import { appendAudit, cliActor } from '../audit/trail.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import { runLoad } from '../etl/load/batch.ts';
import { CITY, COUNTY_A, writeSmallCity } from './fixtures/small-city.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

const run = promisify(execFile);
let platform: TestPlatform;
let dir: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  dir = await mkdtemp(path.join(os.tmpdir(), 'audit-city-'));
  await writeSmallCity(dir);
  await runLoad(platform.db.pool, [dir], { runBy: 'tester' });
});

afterAll(async () => {
  await platform?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const pool = () => platform.db.pool;

/** Rewrites history as someone with the database's superuser could, triggers off. */
async function tamper(sql: string): Promise<void> {
  const client = await pool().connect();
  try {
    await client.query('alter table app.audit_log disable trigger user');
    await client.query(sql);
  } finally {
    await client.query('alter table app.audit_log enable trigger user');
    client.release();
  }
}

describe('append-only', () => {
  it('records each load', async () => {
    const r = await pool().query(`select user_name, target, outcome, detail from app.audit_log where action = 'etl'`);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ user_name: 'cli:tester', outcome: 'ok' });
    expect(r.rows[0].detail.files.length).toBeGreaterThan(3);
  });

  it('refuses update, delete and truncate, even from the application', async () => {
    await appendAudit(pool(), { actor: cliActor('tester'), action: 'change', target: 'test', detail: { a: 1 } });
    await expect(pool().query(`update app.audit_log set outcome = 'denied'`)).rejects.toThrow(/只允许追加/);
    await expect(pool().query(`delete from app.audit_log`)).rejects.toThrow(/只允许追加/);
    await expect(pool().query(`truncate app.audit_log`)).rejects.toThrow(/只允许追加/);
    // setting the prune marker by hand does not allow removing recent records
    const client = await pool().connect();
    try {
      await client.query('begin');
      await client.query(`select set_config('app.audit_prune_before', now()::text, true)`);
      await expect(client.query(`delete from app.audit_log`)).rejects.toThrow(/只允许追加/);
    } finally {
      await client.query('rollback');
      client.release();
    }
  });

  it('chains each record to the one before, whatever the caller passes as hashes', async () => {
    await pool().query(`insert into app.audit_log (id, user_name, action, outcome, prev_hash, hash) values (1, 'x', 'change', 'ok', 'forged', 'forged')`);
    const r = await pool().query(`select prev_hash, hash from app.audit_log order by id desc limit 2`);
    expect(r.rows[0].prev_hash).toBe(r.rows[1].hash);
    expect(r.rows[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyAuditChain(pool())).toMatchObject({ broken: null });
  });
});

describe('verify', () => {
  it('names the first record whose content was changed, and the CLI exits non-zero', async () => {
    for (let i = 0; i < 3; i++) await appendAudit(pool(), { actor: cliActor('tester'), action: 'change', target: `item:${i}` });
    const ok = await verifyAuditChain(pool());
    expect(ok.broken).toBeNull();
    const cli = () => run('npx', ['tsx', 'audit/cli.ts', 'verify'], { env: { ...process.env, DATABASE_URL: platform.db.url, NODE_ENV: 'test' } });
    const good = await cli();
    expect(good.stdout).toMatch(/审计日志完好：\d+ 条记录/);

    const victim = await pool().query<{ id: string }>(`select id from app.audit_log where target = 'item:1'`);
    const id = Number(victim.rows[0]!.id);
    await tamper(`update app.audit_log set target = 'item:999' where id = ${id}`);
    expect((await verifyAuditChain(pool())).broken).toMatchObject({ id });
    const bad = await cli().then(() => null, (e: { code: number; stderr: string }) => e);
    expect(bad?.code).toBe(1);
    expect(bad?.stderr).toContain(`记录 ${id}`);
    await tamper(`update app.audit_log set target = 'item:1' where id = ${id}`);
    expect((await verifyAuditChain(pool())).broken).toBeNull();
  });

  it('finds a record removed from the middle', async () => {
    const r = await pool().query<{ id: string }>(`select id from app.audit_log where target = 'item:0'`);
    const id = Number(r.rows[0]!.id);
    await pool().query(`create table public.audit_saved as select * from app.audit_log where id = $1`, [id]);
    await tamper(`delete from app.audit_log where id = ${id}`);
    expect((await verifyAuditChain(pool())).broken).toMatchObject({ id: id + 1 });
    await tamper(`insert into app.audit_log select * from public.audit_saved`);
    await pool().query('drop table public.audit_saved');
    expect((await verifyAuditChain(pool())).broken).toBeNull();
  });
});

describe('prune', () => {
  it('refuses a retention under 180 days and removes nothing recent', async () => {
    await expect(pruneAuditLog(pool(), 30, cliActor('tester'))).rejects.toThrow(/180/);
    const before = await pool().query(`select count(*)::int as n from app.audit_log`);
    expect(await pruneAuditLog(pool(), 180, cliActor('tester'))).toMatchObject({ deleted: 0 });
    expect((await pool().query(`select count(*)::int as n from app.audit_log`)).rows[0].n).toBe(before.rows[0].n);
  });

  it('removes the oldest records past the retention and leaves a chain that verifies', async () => {
    // age the three oldest records by a year, re-chaining them as the trigger would have
    const oldest = await pool().query<{ id: string }>(`select id from app.audit_log order by id limit 3`);
    const ids = oldest.rows.map((r) => Number(r.id));
    await tamper(`update app.audit_log set at = at - interval '365 days' where id in (${ids.join(',')})`);
    await tamper(`
      do $$ declare r app.audit_log; prev text := repeat('0', 64); begin
        for r in select * from app.audit_log order by id loop
          update app.audit_log set prev_hash = prev, hash = encode(sha256(convert_to(prev || app.audit_canonical(r), 'UTF8')), 'hex') where id = r.id
            returning hash into prev;
        end loop;
      end $$`);
    expect((await verifyAuditChain(pool())).broken).toBeNull();
    const result = await pruneAuditLog(pool(), 180, cliActor('tester'));
    expect(result.deleted).toBe(3);
    const left = await pool().query(`select min(id)::int as first from app.audit_log`);
    expect(left.rows[0].first).toBe(ids[2]! + 1);
    const record = await pool().query(`select detail from app.audit_log where action = 'audit_prune'`);
    expect(record.rows[0].detail).toMatchObject({ deleted: 3, retention_days: 180 });
    expect(await verifyAuditChain(pool())).toMatchObject({ broken: null });
  });
});

describe('GET /api/audit', () => {
  it('lists records newest first with filters, for administrators', async () => {
    const admin = await platform.userToken({ role: 'admin', region: CITY, name: 'audit.admin' });
    await platform.userToken({ role: 'staff', region: COUNTY_A, name: 'audit.staff' });
    const list = async (query: string) => {
      const res = await platform.app.inject({ url: `/api/audit?${query}`, headers: { authorization: admin } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().records as { id: number; user: string; action: string; outcome: string }[];
    };
    const logins = await list('action=login&limit=10');
    expect(logins.map((r) => r.user)).toEqual(['audit.staff', 'audit.admin']);
    expect(logins[0]!.id).toBeGreaterThan(logins[1]!.id);
    expect((await list('user=audit.staff')).every((r) => r.user === 'audit.staff')).toBe(true);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect((await list(`from=${today}&to=${today}&action=login`)).length).toBe(2);
    expect(await list('from=2001-01-01&to=2001-01-02')).toEqual([]);
    const bad = await platform.app.inject({ url: '/api/audit?action=drop', headers: { authorization: admin } });
    expect(bad.statusCode).toBe(400);
    const sqlish = await platform.app.inject({ url: `/api/audit?user=${encodeURIComponent("' or '1'='1")}`, headers: { authorization: admin } });
    expect(sqlish.json().records).toEqual([]);
  });

  it('hashes with SHA-256 over the previous hash and the canonical text', async () => {
    const r = await pool().query(`select prev_hash, hash, app.audit_canonical(a) as text from app.audit_log a order by id desc limit 1`);
    const row = r.rows[0];
    expect(createHash('sha256').update(row.prev_hash + row.text).digest('hex')).toBe(row.hash);
  });
});

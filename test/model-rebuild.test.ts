// A new version of the models rebuilds the marts of a warehouse loaded before it.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { modelFingerprint, modelsOutOfDate } from '../etl/load/model-fingerprint.ts';
import { writeSmallCity } from './fixtures/small-city.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'rebuild-'));
  await writeSmallCity(dir);
});

afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('rebuilding the models', () => {
  it('records which models built the marts', async () => {
    const fingerprint = await modelFingerprint();
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(await modelsOutOfDate(db.pool, fingerprint)).toBe(false); // nothing loaded yet
    await runLoad(db.pool, [dir], { runBy: 'test' });
    expect(await modelsOutOfDate(db.pool, fingerprint)).toBe(false);
    expect(await modelsOutOfDate(db.pool, 'another version')).toBe(true);
  });

  it('rebuilds marts and rollups without files when asked', async () => {
    await db.pool.query(`update etl.batches set models_hash = 'older'`);
    await db.pool.query('drop table marts.fct_indicator_period cascade');
    const report = await runLoad(db.pool, [], { runBy: 'test', rebuildModels: true });
    expect(report.modelsRun).toBe(true);
    expect(report.files).toEqual([]);
    const rows = await db.pool.query(`select count(*)::int as n from marts.fct_indicator_period`);
    expect(rows.rows[0].n).toBeGreaterThan(0);
    expect(await modelsOutOfDate(db.pool, await modelFingerprint())).toBe(false);
    expect(report.rollups.map((r) => r.outcome)).toContain('built');
  });
});

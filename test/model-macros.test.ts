// The marts built by the macro-based models (macros/period_rollup.sql and
// friends) are byte-identical to those of the hand-written models they
// replaced: one checksum per mart table, recorded before the refactoring, on
// the small city, the counting-rules city and a small synthetic city.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { generateCity } from '../etl/generate/index.ts';
import { writeRulesCity } from './fixtures/rules/rules-city.ts';
import { writeSmallCity } from './fixtures/small-city.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { martChecksums } from './support/mart-checksums.ts';
import { EXPECTED } from './fixtures/mart-checksums.ts';

const CITIES: Record<keyof typeof EXPECTED, (dir: string) => Promise<unknown>> = {
  small: writeSmallCity,
  rules: writeRulesCity,
  synthetic: (dir) => generateCity({ outDir: dir, endMonth: '2024-06', months: 6, scale: 0.2, seed: 1 }),
};

const dbs: TestDatabase[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const db of dbs) await db.drop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('marts byte-identical to the recorded checksums', () => {
  for (const city of Object.keys(CITIES) as Array<keyof typeof EXPECTED>) {
    it(`${city} city`, async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), `checksum-${city}-`));
      dirs.push(dir);
      await CITIES[city](dir);
      const db = await createTestDatabase();
      dbs.push(db);
      await runLoad(db.pool, [dir], { runBy: 'test', refreshRollups: false });
      const actual = await martChecksums(db.pool);
      if (process.env['PRINT_CHECKSUMS']) console.log(city, JSON.stringify(actual, null, 2));
      expect(actual).toEqual(EXPECTED[city]);
    }, 600_000);
  }
});

// What a load's rollups phase needs without compiling the Cube model or
// rebuilding what did not change: the relations a rollup reads, the schemas
// only loads write, and the hash the stored rollup definitions are kept under.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { MODEL_DIR } from '../cube/compiler.ts';
import { modelHash, rollupSources } from '../cube/rollups/index.ts';
import { LOAD_SCHEMAS, loadWrites } from '../etl/load/rollup-sources.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let copy: string;

beforeAll(async () => {
  copy = await mkdtemp(path.join(os.tmpdir(), 'rollup-model-'));
  await cp(MODEL_DIR, copy, { recursive: true });
});

afterAll(async () => {
  await rm(copy, { recursive: true, force: true });
});

describe('rollup sources', () => {
  it('are the qualified relations after FROM and JOIN, quoted or not', () => {
    const sql = `SELECT a.x, sum(b.y) FROM marts.fct_indicator_period AS "a" LEFT JOIN "marts"."Dim Region" b ON a.r = b.r
                 join raw.regions r on r.code = a.code GROUP BY 1`;
    expect(rollupSources({ selectSql: sql }).sort()).toEqual(['marts.Dim Region', 'marts.fct_indicator_period', 'raw.regions']);
    expect(rollupSources({ selectSql: 'SELECT 1 FROM (select 1) s' })).toEqual([]);
  });

  it('of a load are its raw tables and the relations of the models it built', () => {
    const writes = loadWrites(['warnings'], [{ relation: 'marts.fct_warning_period' }, { relation: 'staging.stg_warnings' }]);
    expect([...writes].sort()).toEqual(['marts.fct_warning_period', 'raw.warnings', 'staging.stg_warnings']);
  });

  it('are only ever written by loads in raw and the schemas dbt_project.yml builds the models into', async () => {
    const project = YAML.parse(await readFile(path.join(REPO, 'dbt_project.yml'), 'utf8')) as { name: string; models: Record<string, Record<string, { '+schema'?: string }>> };
    const schemas = Object.values(project.models[project.name]!).map((c) => c['+schema']).filter((s): s is string => typeof s === 'string');
    expect(schemas.length).toBeGreaterThan(0);
    expect([...LOAD_SCHEMAS].sort()).toEqual(['raw', ...new Set(schemas)].sort());
  });
});

describe('the stored rollup definitions', () => {
  it('are kept under a hash of the model files, which any change to them changes', async () => {
    const before = await modelHash(copy);
    expect(await modelHash(copy)).toBe(before);
    expect(before).toBe(await modelHash(MODEL_DIR));
    const file = path.join(copy, 'cubes', 'indicator_periods.yml');
    await writeFile(file, (await readFile(file, 'utf8')) + '\n# changed\n');
    expect(await modelHash(copy)).not.toBe(before);
  });
});

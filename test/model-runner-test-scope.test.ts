// Data tests of a small run (issue 14): a test's `where:` config sees is_incremental() true when the
// run updated the tested model in place, so it can keep to the rebuilt months; a model built in full
// is tested in full; tests of models the run did not build do not run; failing tests are each
// reported by name with their failing rows. Small projects in a temporary folder.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupQuery } from '../models/runner/test-batch.ts';
import { ModelTestFailure, runModels } from '../models/runner/index.ts';
import type { RunOptions, RunResult, TestResult } from '../models/runner/index.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let client: pg.PoolClient;
let dir: string;

const SCOPED = `config: {where: "{{ in_changed('month') }}"}`;

const FILES: Record<string, string> = {
  'dbt_project.yml': ['name: scope', 'model-paths: ["models"]', 'vars:', '  changed_months: null', 'models:', '  scope:', '    +schema: scope'].join('\n'),
  // As the project's macros/incremental.sql: the changed months when built in place, else every row.
  'macros/changed.sql': [
    '{% macro in_changed(column) -%}',
    "{%- set months = var('changed_months', none) if is_incremental() else none -%}",
    "{%- if months is not none %}{{ column }} = any(array[{% for m in months %}'{{ m }}'{{ ', ' if not loop.last }}{% endfor %}]::date[])",
    '{%- else %}true{% endif -%}',
    '{%- endmacro %}',
  ].join('\n'),
  'models/sources.yml': 'version: 2\nsources:\n  - name: src\n    tables:\n      - name: events\n      - name: people\n',
  'models/monthly.sql': [
    "{{ config(materialized='incremental', incremental_strategy='append',",
    "          pre_hook=\"{% if is_incremental() %}delete from {{ this }} where {{ in_changed('month') }}{% endif %}\") }}",
    "select month || ':' || region as month_key, month, region, sum(amount) as amount",
    "from {{ source('src', 'events') }}",
    "where {{ in_changed('month') }}",
    'group by month, region',
  ].join('\n'),
  'models/people.sql': "{{ config(materialized='table') }}\nselect id, name, kind from {{ source('src', 'people') }}",
  'models/schema.yml': [
    'version: 2',
    'models:',
    '  - name: monthly',
    '    columns:',
    '      - name: month_key',
    '        tests:',
    '          - unique:',
    `              ${SCOPED}`,
    '      - name: amount',
    '        tests:',
    '          - dbt_utils.expression_is_true:',
    '              expression: ">= 0"',
    `              ${SCOPED}`,
    '  - name: people',
    '    tests:',
    '      - dbt_utils.expression_is_true:',
    '          expression: "id > 0"',
    '    columns:',
    '      - name: name',
    '        tests: [not_null]',
    '      - name: kind',
    '        tests:',
    '          - not_null',
    '          - accepted_values:',
    "              values: ['a', 'b']",
  ].join('\n'),
};

async function writeProject(files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
}

/** A run in its own transaction: committed when its tests pass, rolled back when they fail (the failure returned). */
async function run(options: Omit<RunOptions, 'projectDir'> = {}): Promise<RunResult | ModelTestFailure> {
  await client.query('begin');
  try {
    const result = await runModels(client, { projectDir: dir, ...options });
    await client.query('commit');
    return result;
  } catch (e) {
    await client.query('rollback');
    if (e instanceof ModelTestFailure) return e;
    throw e;
  }
}

function tests(outcome: RunResult | ModelTestFailure): Record<string, TestResult> {
  const list = outcome instanceof ModelTestFailure ? outcome.result.tests : outcome.tests;
  return Object.fromEntries(list.map((t) => [t.name, t]));
}

const changed = (months: string[]): Omit<RunOptions, 'projectDir'> => ({ vars: { changed_months: months }, select: ['source:src.events+'] });

beforeAll(async () => {
  db = await createTestDatabase();
  client = await db.pool.connect();
  dir = await mkdtemp(path.join(os.tmpdir(), 'model-test-scope-'));
  await writeProject(FILES);
  await client.query(`
    create schema src;
    create table src.events (id int primary key, month date not null, region text not null, amount int not null);
    insert into src.events
      select g, date '2024-01-01' + ((g % 3) || ' month')::interval, case when g % 2 = 0 then 'A' else 'B' end, g
        from generate_series(1, 30) g;
    create table src.people (id int primary key, name text, kind text);
    insert into src.people values (1, '甲', 'a'), (2, '乙', 'b');
  `);
}, 60_000);

afterAll(async () => {
  client?.release();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('data tests of a small run', () => {
  it('tests a model built in full on every row, even when months are given', async () => {
    const outcome = await run(changed(['2024-03-01']));
    expect(outcome).not.toBeInstanceOf(ModelTestFailure);
    const first = tests(outcome);
    expect((outcome as RunResult).models.find((m) => m.name === 'monthly')?.mode).toBe('full');
    expect(first['expression_is_true_monthly_amount']?.sql).toContain('where true');
  });

  it('keeps a test of a model updated in place to the changed months', async () => {
    // A bad row outside the changed months is not read again (it was there before this run) ...
    await client.query(`update scope.monthly set amount = -1 where month = '2024-01-01' and region = 'A'`);
    const outcome = await run(changed(['2024-03-01']));
    expect(outcome).not.toBeInstanceOf(ModelTestFailure);
    const t = tests(outcome)['expression_is_true_monthly_amount']!;
    expect(t.status).toBe('pass');
    expect(t.sql).toContain(`month = any(array['2024-03-01']::date[])`);
    expect((outcome as RunResult).models.find((m) => m.name === 'monthly')?.mode).toBe('incremental');
  });

  it('catches a bad row inside the changed months, by name and with its rows', async () => {
    await client.query(`insert into src.events values (100, '2024-03-01', 'A', -1000), (101, '2024-03-01', 'B', -1000)`);
    const outcome = await run(changed(['2024-03-01']));
    expect(outcome).toBeInstanceOf(ModelTestFailure);
    const t = tests(outcome)['expression_is_true_monthly_amount']!;
    expect(t.status).toBe('fail');
    expect(t.failures).toBe(2);
    expect((outcome as ModelTestFailure).message).toContain('expression_is_true_monthly_amount');
    expect(tests(outcome)['unique_monthly_month_key']!.status).toBe('pass');
  });

  it('a full build catches a bad row in any month', async () => {
    await client.query(`delete from src.events where id in (100, 101)`);
    await client.query(`insert into src.events values (102, '2024-01-01', 'A', -1000)`);
    // Months elsewhere: the model is not rebuilt there, so the scoped run passes ...
    expect(await run(changed(['2024-02-01']))).not.toBeInstanceOf(ModelTestFailure);
    // ... and a full build reads January again and fails.
    const outcome = await run({ ...changed(['2024-02-01']), fullRefresh: true });
    expect(outcome).toBeInstanceOf(ModelTestFailure);
    const t = tests(outcome)['expression_is_true_monthly_amount']!;
    expect(t.sql).toContain('where true');
    expect(t.failures).toBe(1);
    await client.query(`delete from src.events where id = 102`);
  });

  it('runs no test of a model the run did not build', async () => {
    const selected = await run(changed(['2024-02-01']));
    expect(Object.keys(tests(selected)).sort()).toEqual(['expression_is_true_monthly_amount', 'unique_monthly_month_key']);
    expect((selected as RunResult).models.map((m) => m.name)).toEqual(['monthly']);
    const all = await run({ vars: { changed_months: ['2024-02-01'] } });
    expect(Object.keys(tests(all))).toContain('not_null_people_name');
  });
});

describe('row-by-row tests of one relation, counted in one query', () => {
  it('reports each failing test by name with its own failing rows', async () => {
    await client.query(`insert into src.people values (3, null, 'c'), (4, null, 'd'), (5, '丙', 'c')`);
    const outcome = await run({ select: ['people'] });
    await client.query('delete from src.people where id > 2');
    expect(outcome).toBeInstanceOf(ModelTestFailure);
    const t = tests(outcome);
    expect(t['not_null_people_name']).toMatchObject({ status: 'fail', failures: 2 });
    expect(t['not_null_people_name']!.sampleRows).toHaveLength(2);
    // accepted_values counts distinct values, as dbt's query returns one row per value
    expect(t['accepted_values_people_kind']).toMatchObject({ status: 'fail', failures: 2 });
    expect(t['not_null_people_kind']).toMatchObject({ status: 'pass', failures: 0 });
    expect(t['expression_is_true_people']).toMatchObject({ status: 'pass', failures: 0 });
    const message = (outcome as ModelTestFailure).message;
    expect(message).toContain('not_null_people_name');
    expect(message).toContain('accepted_values_people_kind');
    expect(message).not.toContain('not_null_people_kind');
  });

  it('a unique test of a model updated in place shares the scan of its rows, and still fails by name with its rows', async () => {
    // one scan: the scoped rows read once, counted by both tests
    const from = `(select * from t where m = '2024-03-01') dbt_subquery`;
    const query = groupQuery(from, [{ from, failing: 'not (amount >= 0)' }, { from, countOver: (rows) => `(select count(*) from ${rows})` }]);
    expect(query.split(from)).toHaveLength(2);
    expect(query).toContain('as materialized');

    // a post_hook plants a duplicate key inside the changed month
    const duplicate = "{% if is_incremental() %}insert into {{ this }} select * from {{ this }} where month = '2024-03-01' and region = 'A'{% endif %}";
    await writeProject({ 'models/monthly.sql': FILES['models/monthly.sql']!.replace('pre_hook=', `post_hook="${duplicate}", pre_hook=`) });
    try {
      const outcome = await run(changed(['2024-03-01']));
      expect(outcome).toBeInstanceOf(ModelTestFailure);
      const t = tests(outcome);
      expect(t['unique_monthly_month_key']).toMatchObject({ status: 'fail', failures: 1 });
      expect(t['unique_monthly_month_key']!.sampleRows).toEqual([{ unique_field: '2024-03-01:A', n_records: '2' }]);
      expect(t['expression_is_true_monthly_amount']).toMatchObject({ status: 'pass', failures: 0 });
      expect((outcome as ModelTestFailure).message).toContain('unique_monthly_month_key');
    } finally {
      await writeProject({ 'models/monthly.sql': FILES['models/monthly.sql']! });
    }
  });

  it('a test whose query fails is reported on its own; the others still run', async () => {
    await writeProject({ 'models/schema.yml': FILES['models/schema.yml']!.replace('"id > 0"', '"no_such_column > 0"') });
    try {
      const outcome = await run({ select: ['people'] });
      expect(outcome).toBeInstanceOf(ModelTestFailure);
      const t = tests(outcome);
      expect(t['expression_is_true_people']!.status).toBe('error');
      expect(t['expression_is_true_people']!.error).toContain('no_such_column');
      expect(t['not_null_people_name']!.status).toBe('pass');
      expect(t['accepted_values_people_kind']!.status).toBe('pass');
    } finally {
      await writeProject({ 'models/schema.yml': FILES['models/schema.yml']! });
    }
  });
});

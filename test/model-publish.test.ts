// Readers are never blocked while models build: views and tables are built under shadow names and
// swapped in by one publish step right before the commit; incremental models change in place.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexName } from '../models/runner/materialize.ts';
import { Relation } from '../models/runner/relation.ts';
import { ModelRunError, ModelTestFailure, runModels } from '../models/runner/index.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let builder: pg.PoolClient;
let reader: pg.PoolClient;
let dir: string;

const FILES: Record<string, string> = {
  'dbt_project.yml': ['name: pub', 'model-paths: ["models"]', 'vars:', '  changed_months: []', 'models:', '  pub:', '    +schema: pub'].join('\n'),
  'models/sources.yml': 'version: 2\nsources:\n  - name: src\n    tables:\n      - name: cases\n',
  'models/stg_cases.sql': "{{ config(materialized='view') }}\nselect id, month, amount from {{ source('src', 'cases') }}",
  'models/mart.sql': [
    "{{ config(materialized='table', indexes=[{'columns': ['month'], 'unique': True}], post_hook='analyze {{ this }}') }}",
    "select month, sum(amount) as amount, {{ var('marker', 0) }} as marker from {{ ref('stg_cases') }} group by month",
  ].join('\n'),
  // A view over a table built in the same run: must follow the table through the publish.
  'models/mart_v.sql': "{{ config(materialized='view') }}\nselect month, amount * 10 as amount10 from {{ ref('mart') }}",
  'models/inc.sql': [
    "{{ config(materialized='incremental', unique_key='month') }}",
    "select month, count(*) as n from {{ ref('stg_cases') }}",
    "{% if is_incremental() %}where month in ({% for m in var('changed_months') %}'{{ m }}'::date{% if not loop.last %}, {% endif %}{% endfor %}){% endif %}",
    'group by month',
  ].join('\n'),
  'models/schema.yml': [
    'version: 2',
    'models:',
    '  - name: mart',
    '    columns:',
    '      - name: amount',
    '        data_tests:',
    '          - dbt_utils.expression_is_true:',
    "              expression: \">= {{ var('min_amount', 0) }}\"",
  ].join('\n'),
};

async function readerSees(sql: string): Promise<unknown[]> {
  // A dashboard query that gives up quickly instead of queueing behind a lock.
  await reader.query(`set lock_timeout = '200ms'; set statement_timeout = '2s'`);
  try {
    return (await reader.query(sql)).rows;
  } finally {
    await reader.query('reset lock_timeout; reset statement_timeout');
  }
}

async function relations(): Promise<string[]> {
  const { rows } = await builder.query<{ relname: string }>(
    `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'pub' and c.relkind in ('r', 'v') order by 1`,
  );
  return rows.map((r) => r.relname);
}

beforeAll(async () => {
  db = await createTestDatabase();
  builder = await db.pool.connect();
  reader = await db.pool.connect();
  dir = await mkdtemp(path.join(os.tmpdir(), 'model-publish-'));
  for (const [file, content] of Object.entries(FILES)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  await builder.query(`
    create schema src;
    create table src.cases (id int primary key, month date not null, amount int not null);
    insert into src.cases values (1, '2024-01-01', 10), (2, '2024-01-01', 5), (3, '2024-02-01', 7);
  `);
  await runModels(builder, { projectDir: dir });
}, 60_000);

afterAll(async () => {
  builder?.release();
  reader?.release();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('building models beside the ones readers use', () => {
  it('readers are not blocked while a run builds, see the old data until commit, the new after', async () => {
    await builder.query(`insert into src.cases values (4, '2024-02-01', 100), (5, '2024-03-01', 1)`);
    const before = await readerSees('select month, amount from pub.mart order by month');

    // A reader inside a transaction holds its lock on the mart while the run builds.
    await reader.query('begin');
    await reader.query('select count(*) from pub.mart');
    await builder.query('begin');
    let result;
    try {
      // Nothing in the build phase may wait for the reader's lock.
      await builder.query(`set local lock_timeout = '200ms'`);
      result = await runModels(builder, { projectDir: dir, deferPublish: true, vars: { marker: 1, changed_months: ['2024-02-01', '2024-03-01'] } });
      await builder.query(`set local lock_timeout = 0`);
      await reader.query('commit');

      expect(result.published).toBe(false);
      expect(Object.fromEntries(result.models.map((m) => [m.name, m.mode]))).toEqual({ stg_cases: 'view', mart: 'table', mart_v: 'view', inc: 'incremental' });
      // The tests ran on what was built (the shadows).
      expect(result.tests.map((t) => [t.name, t.status])).toEqual([['expression_is_true_mart_amount', 'pass']]);
      expect(result.tests[0]!.sql).toContain('"pub"."mart__new"');

      // Built, not yet published: readers get the old data at once, from every model.
      expect(await readerSees('select month, amount from pub.mart order by month')).toEqual(before);
      expect(await readerSees('select count(*)::int as n from pub.mart_v')).toEqual([{ n: 2 }]);
      expect(await readerSees('select count(*)::int as n from pub.inc')).toEqual([{ n: 2 }]);
      expect(await readerSees('select count(*)::int as n from pub.stg_cases')).toEqual([{ n: 5 }]); // a view reads its source live
      expect(await relations()).toEqual(['inc', 'mart', 'mart__new', 'mart_v', 'mart_v__new', 'stg_cases', 'stg_cases__new']);

      await result.publish();
      expect(result.published).toBe(true);
      // After publish the swap's locks are held until commit: a reader gives up (it would wait).
      await expect(readerSees('select count(*) from pub.mart')).rejects.toMatchObject({ code: '55P03' });
      await builder.query('commit');
    } catch (e) {
      await builder.query('rollback');
      await reader.query('rollback'); // a no-op when the reader already committed
      throw e;
    }

    expect(await readerSees('select month::text, amount::int, marker from pub.mart order by month')).toEqual([
      { month: '2024-01-01', amount: 15, marker: 1 },
      { month: '2024-02-01', amount: 107, marker: 1 },
      { month: '2024-03-01', amount: 1, marker: 1 },
    ]);
    expect(await readerSees('select month::text, amount10::int from pub.mart_v order by month')).toEqual([
      { month: '2024-01-01', amount10: 150 },
      { month: '2024-02-01', amount10: 1070 },
      { month: '2024-03-01', amount10: 10 },
    ]);
    expect(await readerSees('select month::text, n::int from pub.inc order by month')).toEqual([
      { month: '2024-01-01', n: 2 },
      { month: '2024-02-01', n: 2 },
      { month: '2024-03-01', n: 1 },
    ]);
    expect(await relations()).toEqual(['inc', 'mart', 'mart_v', 'stg_cases']);
  });

  it('views built in the run depend on the published tables, under their final names', async () => {
    const { rows } = await builder.query(`select pg_get_viewdef('pub.mart_v'::regclass) as def`);
    expect(rows[0].def).toContain('FROM pub.mart');
    expect(rows[0].def).not.toContain('__new');
    // The dependency is real: the table cannot be dropped without the view.
    await builder.query('begin');
    await expect(builder.query('drop table pub.mart')).rejects.toMatchObject({ code: '2BP01' });
    await builder.query('rollback');
    const idx = await builder.query(`select indexname from pg_indexes where schemaname = 'pub' and tablename = 'mart'`);
    expect(idx.rows.map((r) => r.indexname)).toEqual([indexName(new Relation('pub', 'mart'), { columns: ['month'], unique: true, type: undefined })]);
  });

  it('a run that fails leaves the old relations as they were', async () => {
    const before = await builder.query('select * from pub.mart order by month');
    const beforeView = await builder.query('select * from pub.mart_v order by month');
    await builder.query(`insert into src.cases values (6, '2024-04-01', 3)`);

    // A model fails after others were built aside.
    await writeFile(path.join(dir, 'models/mart_v.sql'), "{{ config(materialized='view') }}\nselect month, no_such_column from {{ ref('mart') }}");
    await builder.query('begin');
    const err: unknown = await runModels(builder, { projectDir: dir, deferPublish: true, vars: { changed_months: ['2024-04-01'] } }).catch((e: unknown) => e);
    await builder.query('rollback');
    expect(err).toBeInstanceOf(ModelRunError);
    expect((err as ModelRunError).model).toBe('mart_v');
    await writeFile(path.join(dir, 'models/mart_v.sql'), FILES['models/mart_v.sql']!);

    // A data test fails: nothing was published.
    await builder.query('begin');
    const failed: unknown = await runModels(builder, { projectDir: dir, deferPublish: true, vars: { min_amount: 1000, changed_months: ['2024-04-01'] } }).catch((e: unknown) => e);
    await builder.query('rollback');
    expect(failed).toBeInstanceOf(ModelTestFailure);
    expect((failed as ModelTestFailure).result.published).toBe(false);

    expect((await builder.query('select * from pub.mart order by month')).rows).toEqual(before.rows);
    expect((await builder.query('select * from pub.mart_v order by month')).rows).toEqual(beforeView.rows);
    expect(await relations()).toEqual(['inc', 'mart', 'mart_v', 'stg_cases']);
  });
});

// Incremental models in the model runner, in dbt's terms: is_incremental(), {{ this }}, append and
// delete+insert (unique_key, incremental_predicates), pre_hooks, --full-refresh, vars, and full
// rebuilds when a model's or an upstream model's code changed. Small projects in a temporary folder.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runModels } from '../models/runner/index.ts';
import type { ModelRunResult, RunOptions, RunResult } from '../models/runner/index.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let client: pg.PoolClient;
let dir: string;

const MONTHS = `{% for m in var('changed_months') %}'{{ m }}'::date{% if not loop.last %}, {% endif %}{% endfor %}`;

const FILES: Record<string, string> = {
  'dbt_project.yml': [
    'name: inc',
    'model-paths: ["models"]',
    'vars:',
    '  changed_months: []',
    'models:',
    '  inc:',
    '    +schema: inc',
  ].join('\n'),
  'models/sources.yml': 'version: 2\nsources:\n  - name: src\n    tables:\n      - name: events\n',
  'models/stg_events.sql': "{{ config(materialized='view') }}\nselect id, month, region, amount from {{ source('src', 'events') }}",
  // delete+insert by unique_key (the changed months), with an index and a post_hook on {{ this }}.
  'models/monthly.sql': [
    "{{ config(materialized='incremental', unique_key='month', indexes=[{'columns': ['month', 'region'], 'unique': True}],",
    "          post_hook='analyze {{ this }}') }}",
    'select month, region, sum(amount) as amount, count(*) as n',
    "from {{ ref('stg_events') }}",
    '{% if is_incremental() %}',
    `where month in (${MONTHS})`,
    '{% endif %}',
    'group by month, region',
  ].join('\n'),
  // delete+insert by a key that is not unique on its own, narrowed by incremental_predicates.
  'models/by_region.sql': [
    `{% set months %}${MONTHS}{% endset %}`,
    "{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['region'],",
    "          incremental_predicates=['DBT_INTERNAL_DEST.month in (' ~ months ~ ')']) }}",
    'select region, month, sum(amount) as amount',
    "from {{ ref('stg_events') }}",
    '{% if is_incremental() %}',
    'where month in ({{ months }})',
    '{% endif %}',
    'group by region, month',
  ].join('\n'),
  // append, the changed months deleted first by a pre_hook rendered with is_incremental().
  'models/appended.sql': [
    "{{ config(materialized='incremental', incremental_strategy='append',",
    `          pre_hook="{% if is_incremental() %}delete from {{ this }} where month in (${MONTHS}){% endif %}") }}`,
    'select id, month, amount',
    "from {{ ref('stg_events') }}",
    '{% if is_incremental() %}',
    `where month in (${MONTHS})`,
    '{% endif %}',
  ].join('\n'),
  // An incremental child of an incremental model: the years of the changed months.
  'models/yearly.sql': [
    "{{ config(materialized='incremental', unique_key='year') }}",
    "select date_trunc('year', month)::date as year, sum(amount) as amount",
    "from {{ ref('monthly') }}",
    '{% if is_incremental() %}',
    `where date_trunc('year', month) in (select date_trunc('year', m) from unnest(array[${MONTHS}]) m)`,
    '{% endif %}',
    'group by 1',
  ].join('\n'),
};

const TABLES: Record<string, string> = {
  monthly: 'month, region',
  by_region: 'region, month',
  appended: 'id',
  yearly: 'year',
};

async function writeProject(files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
}

/** A run in its own transaction, committed. */
async function run(options: Omit<RunOptions, 'projectDir'> = {}): Promise<RunResult> {
  await client.query('begin');
  try {
    const result = await runModels(client, { projectDir: dir, ...options });
    await client.query('commit');
    return result;
  } catch (e) {
    await client.query('rollback');
    throw e;
  }
}

function byName(result: RunResult): Record<string, ModelRunResult> {
  return Object.fromEntries(result.models.map((m) => [m.name, m]));
}

async function snapshot(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(TABLES)) {
    out[table] = (await client.query(`select * from inc.${table} order by ${order}`)).rows;
  }
  return out;
}

/** What a full rebuild of the same data gives (rolled back, so the warehouse keeps its state). */
async function fullRebuild(): Promise<Record<string, unknown[]>> {
  await client.query('begin');
  try {
    const result = await runModels(client, { projectDir: dir, fullRefresh: true });
    expect(result.models.filter((m) => m.materialized === 'incremental').every((m) => m.mode === 'full')).toBe(true);
    return await snapshot();
  } finally {
    await client.query('rollback');
  }
}

async function amountOf(table: string, where: string): Promise<number> {
  const { rows } = await client.query(`select sum(amount)::int as n from inc.${table} where ${where}`);
  return rows[0].n;
}

beforeAll(async () => {
  db = await createTestDatabase();
  client = await db.pool.connect();
  dir = await mkdtemp(path.join(os.tmpdir(), 'model-incremental-'));
  await writeProject(FILES);
  await client.query(`
    create schema src;
    create table src.events (id int primary key, month date not null, region text not null, amount int not null);
    insert into src.events
      select g, date '2024-01-01' + ((g % 3) || ' month')::interval, case when g % 2 = 0 then 'A' else 'B' end, g
        from generate_series(1, 30) g;
  `);
}, 60_000);

afterAll(async () => {
  client?.release();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('incremental models', () => {
  it('builds every incremental model in full the first time', async () => {
    const result = await run();
    const models = byName(result);
    expect(models['stg_events']).toMatchObject({ mode: 'view', materialized: 'view' });
    for (const name of Object.keys(TABLES)) {
      expect(models[name], name).toMatchObject({ materialized: 'incremental', mode: 'full', fullRefreshReason: 'new' });
    }
    expect(models['monthly']!.rowCount).toBe(6);
    const idx = await client.query(`select indexname from pg_indexes where schemaname = 'inc' and tablename = 'monthly'`);
    expect(idx.rows).toHaveLength(1);
    const state = await client.query(`select model, mode, full_refresh_reason from dbt_runner.model_state where relation = '"inc"."monthly"'`);
    expect(state.rows).toEqual([{ model: 'monthly', mode: 'full', full_refresh_reason: 'new' }]);
  });

  it('updates the changed months in place, equal to a full rebuild of the same data', async () => {
    await client.query(`
      update src.events set amount = amount + 1000 where month = '2024-03-01';
      delete from src.events where month = '2024-02-01' and region = 'A';
      insert into src.events values (101, '2024-04-01', 'A', 7), (102, '2024-04-01', 'C', 9);
    `);
    const result = await run({ vars: { changed_months: ['2024-02-01', '2024-03-01', '2024-04-01'] } });
    const models = byName(result);
    for (const name of Object.keys(TABLES)) {
      expect(models[name], name).toMatchObject({ mode: 'incremental', rowCount: null });
      expect(models[name]!.fullRefreshReason, name).toBeUndefined();
    }
    // monthly: every row of the three months deleted by unique_key, 2 + 1 + 2 months×regions inserted.
    expect(models['monthly']).toMatchObject({ rowsDeleted: 4, rowsInserted: 5 });
    // by_region: regions A and B and C, but only inside the changed months (the predicate).
    expect(models['by_region']).toMatchObject({ rowsDeleted: 4, rowsInserted: 5 });
    expect(models['appended']).toMatchObject({ rowsDeleted: 0 });
    expect(await amountOf('by_region', `month = '2024-01-01'`)).toBe(await amountOf('monthly', `month = '2024-01-01'`));
    expect(await snapshot()).toEqual(await fullRebuild());
  });

  it('touches only the months it is told about, until a full refresh', async () => {
    await client.query(`update src.events set amount = amount + 500 where month = '2024-01-01'`);
    const before = await amountOf('monthly', `month = '2024-01-01'`);
    const incremental = await run({ vars: { changed_months: ['2024-04-01'] } });
    expect(byName(incremental)['monthly']!.mode).toBe('incremental');
    // January was not named: still the old figures everywhere.
    expect(await amountOf('monthly', `month = '2024-01-01'`)).toBe(before);
    expect(await amountOf('appended', `month = '2024-01-01'`)).toBe(before);

    const refreshed = await run({ fullRefresh: true, vars: { changed_months: ['2024-04-01'] } });
    for (const name of Object.keys(TABLES)) {
      expect(byName(refreshed)[name], name).toMatchObject({ mode: 'full', fullRefreshReason: 'full_refresh' });
    }
    expect(await amountOf('monthly', `month = '2024-01-01'`)).toBe(before + 500 * 10);
    const idx = await client.query(`select indexname from pg_indexes where schemaname = 'inc' and tablename = 'monthly'`);
    expect(idx.rows).toHaveLength(1);
  });

  it('rebuilds a model whose code changed, and its incremental children, in full', async () => {
    await writeFile(path.join(dir, 'models/monthly.sql'), FILES['models/monthly.sql']!.replace('count(*) as n', 'count(*) as n, max(amount) as largest'));
    const result = await run({ vars: { changed_months: ['2024-04-01'] } });
    const models = byName(result);
    expect(models['monthly']).toMatchObject({ mode: 'full', fullRefreshReason: 'changed' });
    expect(models['yearly']).toMatchObject({ mode: 'full', fullRefreshReason: 'upstream_changed' });
    expect(models['yearly']!.fullRefreshDetail).toContain('monthly');
    expect(models['by_region']!.mode).toBe('incremental');
    expect(models['appended']!.mode).toBe('incremental');
    const cols = await client.query(`select column_name from information_schema.columns where table_schema = 'inc' and table_name = 'monthly' order by ordinal_position`);
    expect(cols.rows.map((r) => r.column_name)).toEqual(['month', 'region', 'amount', 'n', 'largest']);

    // The next run with the same code is incremental again.
    const again = await run({ vars: { changed_months: ['2024-04-01'] } });
    expect(byName(again)['monthly']!.mode).toBe('incremental');
    expect(byName(again)['yearly']!.mode).toBe('incremental');
  });

  it('an upstream view whose code changed rebuilds every incremental model below it', async () => {
    await writeFile(path.join(dir, 'models/stg_events.sql'), FILES['models/stg_events.sql']!.replace('amount from', 'amount * 2 as amount from'));
    const result = await run({ vars: { changed_months: ['2024-04-01'] } });
    for (const name of Object.keys(TABLES)) {
      expect(byName(result)[name], name).toMatchObject({ mode: 'full', fullRefreshReason: 'upstream_changed' });
    }
    expect(await snapshot()).toEqual(await fullRebuild());
  });

  it('full_refresh: false keeps a model incremental even under --full-refresh', async () => {
    await writeFile(path.join(dir, 'models/appended.sql'), FILES['models/appended.sql']!.replace("incremental_strategy='append',", "incremental_strategy='append', full_refresh=False,"));
    const result = await run({ fullRefresh: true, vars: { changed_months: ['2024-04-01'] } });
    expect(byName(result)['appended']!.mode).toBe('incremental');
    expect(byName(result)['monthly']!.mode).toBe('full');
  });

  it('on_schema_change: fail refuses new columns; append_new_columns adds them', async () => {
    const base = FILES['models/appended.sql']!;
    await writeFile(path.join(dir, 'models/appended.sql'), base.replace("incremental_strategy='append',", "incremental_strategy='append', full_refresh=False, on_schema_change='fail',").replace('select id, month, amount', 'select id, month, amount, region'));
    await expect(run({ vars: { changed_months: ['2024-04-01'] } })).rejects.toThrow(/on_schema_change: fail.*新增列 region/s);
    await writeFile(path.join(dir, 'models/appended.sql'), base.replace("incremental_strategy='append',", "incremental_strategy='append', full_refresh=False, on_schema_change='append_new_columns',").replace('select id, month, amount', 'select id, month, amount, region'));
    await run({ vars: { changed_months: ['2024-04-01'] } });
    const { rows } = await client.query(`select count(*)::int as n, count(region)::int as with_region from inc.appended where month = '2024-04-01'`);
    expect(rows[0]).toEqual({ n: 2, with_region: 2 });
  });
});

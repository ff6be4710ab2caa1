// skipUnchanged: a load's run (source:<table>+) does not rebuild a model it reaches only through
// models whose content stayed the same: a small table rebuilt with the same rows keeps the old one,
// an incremental model that deleted and inserted nothing, a model skipped itself. Models matched by
// the selector (the changed source's readers) always run; a model whose code changed always runs.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runModels } from '../models/runner/index.ts';
import type { RunOptions, RunResult } from '../models/runner/index.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let client: pg.PoolClient;
let dir: string;

const MONTHS = `{% for m in var('changed_months') %}'{{ m }}'::date{% if not loop.last %}, {% endif %}{% endfor %}`;
const DELETE_MONTHS = `{% if is_incremental() %}delete from {{ this }} where month in (${MONTHS}){% endif %}`;

const FILES: Record<string, string> = {
  'dbt_project.yml': ['name: skip', 'model-paths: ["models"]', 'vars:', '  changed_months: []', 'models:', '  skip:', '    +schema: sk'].join('\n'),
  'models/sources.yml': 'version: 2\nsources:\n  - name: src\n    tables:\n      - name: events\n',
  'models/stg_events.sql': "{{ config(materialized='view') }}\nselect id, month, region, amount from {{ source('src', 'events') }}",
  // a changed source's direct reader, a table: always built
  'models/events_by_region.sql': "{{ config(materialized='table') }}\nselect region, count(*) as n from {{ source('src', 'events') }} group by region",
  // dim_month's shape: the months holding data, the same rows when a month's values change
  'models/months.sql': "{{ config(materialized='table') }}\nselect distinct month from {{ ref('stg_events') }}",
  'models/month_calendar.sql': "{{ config(materialized='table') }}\nselect month, extract(quarter from month)::int as quarter from {{ ref('months') }}",
  'models/calendar_view.sql': "{{ config(materialized='view') }}\nselect month, quarter from {{ ref('month_calendar') }}",
  'models/month_report.sql': [
    `{{ config(materialized='incremental', incremental_strategy='append', pre_hook="${DELETE_MONTHS}") }}`,
    "select month, quarter from {{ ref('month_calendar') }}",
    `{% if is_incremental() %}where month in (${MONTHS}){% endif %}`,
  ].join('\n'),
  'models/monthly.sql': [
    `{{ config(materialized='incremental', incremental_strategy='append', pre_hook="${DELETE_MONTHS}") }}`,
    "select month, region, sum(amount) as amount from {{ ref('stg_events') }}",
    `{% if is_incremental() %}where month in (${MONTHS}){% endif %}`,
    'group by month, region',
  ].join('\n'),
  // reached through a changed model (monthly) and an unchanged one (month_calendar): runs
  'models/monthly_by_quarter.sql': [
    "{{ config(materialized='table') }}",
    'select c.quarter, sum(m.amount) as amount',
    "from {{ ref('monthly') }} m inner join {{ ref('month_calendar') }} c on c.month = m.month",
    'group by c.quarter',
  ].join('\n'),
  'models/schema.yml': [
    'version: 2',
    'models:',
    '  - name: month_calendar',
    '    columns:',
    '      - name: month',
    '        tests: [unique, not_null]',
    '  - name: months',
    '    columns:',
    '      - name: month',
    '        tests: [unique]',
    '  - name: monthly_by_quarter',
    '    columns:',
    '      - name: quarter',
    '        tests: [not_null]',
  ].join('\n'),
};

const LOAD: Partial<RunOptions> = { select: ['source:src.events+'], skipUnchanged: true };

async function writeProject(files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
}

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

/** Built and published (or updated in place). */
const built = (r: RunResult): string[] => r.models.filter((m) => !m.unchanged).map((m) => m.name).sort();
/** Built, found equal to the published table, which was kept. */
const kept = (r: RunResult): string[] => r.models.filter((m) => m.unchanged).map((m) => m.name).sort();
const skipped = (r: RunResult): string[] => r.skipped.map((s) => s.name).sort();
const tested = (r: RunResult): string[] => [...new Set(r.tests.map((t) => t.model))].sort() as string[];

async function rows(sql: string): Promise<unknown[]> {
  return (await client.query(sql)).rows;
}

beforeAll(async () => {
  db = await createTestDatabase();
  client = await db.pool.connect();
  dir = await mkdtemp(path.join(os.tmpdir(), 'model-skip-'));
  await writeProject(FILES);
  await client.query(`
    create schema src;
    create table src.events (id int primary key, month date not null, region text not null, amount int not null);
    insert into src.events
      select g, date '2024-01-01' + ((g % 3) || ' month')::interval, case when g % 2 = 0 then 'A' else 'B' end, g
        from generate_series(1, 30) g;
  `);
  const first = await run();
  expect(first.skipped).toEqual([]);
}, 60_000);

afterAll(async () => {
  client?.release();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('skipping what a run did not change', () => {
  it('skips a model reached only through an unchanged table; one reached through a changed model runs', async () => {
    await client.query(`update src.events set amount = amount + 100 where month = '2024-02-01'`);
    const oldMonths = await rows(`select 'sk.months'::regclass::oid as oid`);
    const result = await run({ ...LOAD, vars: { changed_months: ['2024-02-01'] } });

    // the source's readers run; months and events_by_region are rebuilt with the same rows: kept
    expect(built(result)).toEqual(['monthly', 'monthly_by_quarter', 'stg_events']);
    expect(kept(result)).toEqual(['events_by_region', 'months']);
    expect(skipped(result)).toEqual(['calendar_view', 'month_calendar', 'month_report']);
    const reason = result.skipped.find((s) => s.name === 'month_calendar')!.reason;
    expect(reason).toContain('months（内容与上次相同）');
    expect(result.skipped.find((s) => s.name === 'calendar_view')!.reason).toContain('month_calendar（已跳过）');

    // the kept table is the old relation (no shadow left), the skipped view still reads it
    expect(await rows(`select 'sk.months'::regclass::oid as oid`)).toEqual(oldMonths);
    expect(await rows(`select to_regclass('sk.months__new') as r`)).toEqual([{ r: null }]);
    expect(await rows(`select count(*)::int as n from sk.calendar_view`)).toEqual([{ n: 3 }]);
    // the model that ran sees the change
    const q1 = await rows(`select amount from sk.monthly_by_quarter where quarter = 1`);
    expect(q1).toEqual(await rows(`select sum(amount)::bigint as amount from src.events`));
    // tests of models not built (skipped, kept) do not run
    expect(tested(result)).toEqual(['monthly_by_quarter']);
  });

  it('a new month changes the small table: everything below it runs', async () => {
    await client.query(`insert into src.events values (100, '2024-04-01', 'A', 5)`);
    const result = await run({ ...LOAD, vars: { changed_months: ['2024-04-01'] } });
    expect(result.skipped).toEqual([]);
    expect(kept(result)).toEqual([]);
    expect(built(result)).toContain('month_report');
    expect(await rows(`select month::text, quarter from sk.month_report order by month`)).toEqual([
      { month: '2024-01-01', quarter: 1 },
      { month: '2024-02-01', quarter: 1 },
      { month: '2024-03-01', quarter: 1 },
      { month: '2024-04-01', quarter: 2 },
    ]);
    expect(tested(result)).toEqual(['month_calendar', 'monthly_by_quarter', 'months']);
  });

  it('an incremental model that deleted and inserted nothing counts as unchanged', async () => {
    // a month without data: monthly deletes and inserts no row, months keeps its rows
    const result = await run({ ...LOAD, vars: { changed_months: ['2023-06-01'] } });
    const monthly = result.models.find((m) => m.name === 'monthly')!;
    expect(monthly).toMatchObject({ mode: 'incremental', rowsInserted: 0 });
    expect(skipped(result)).toEqual(['calendar_view', 'month_calendar', 'month_report', 'monthly_by_quarter']);
    expect(result.skipped.find((s) => s.name === 'monthly_by_quarter')!.reason).toContain('monthly（没有删除或插入行）');
  });

  it('a changed source always runs its direct readers, even when their rows stay the same', async () => {
    const result = await run({ ...LOAD, vars: { changed_months: ['2023-06-01'] } });
    // events_by_region and stg_events read the source: built (events_by_region, with its rows as
    // before, then kept), never skipped
    expect(result.models.map((m) => m.name)).toEqual(expect.arrayContaining(['events_by_region', 'stg_events']));
    expect(skipped(result)).not.toContain('events_by_region');
    expect(kept(result)).toContain('events_by_region');
  });

  it('a model whose code changed runs although its parents did not change', async () => {
    await writeProject({ 'models/month_calendar.sql': "{{ config(materialized='table') }}\nselect month, extract(quarter from month)::int as quarter, 1 as version from {{ ref('months') }}" });
    try {
      const result = await run({ ...LOAD, vars: { changed_months: ['2024-02-01'] } });
      expect(built(result)).toEqual(expect.arrayContaining(['month_calendar', 'month_report', 'calendar_view']));
      expect(result.models.find((m) => m.name === 'month_report')).toMatchObject({ mode: 'full', fullRefreshReason: 'upstream_changed' });
      expect(await rows(`select count(*)::int as n from sk.calendar_view`)).toEqual([{ n: 4 }]);
    } finally {
      await writeProject({ 'models/month_calendar.sql': FILES['models/month_calendar.sql']! });
    }
    // back to the old code: built again in full, once
    const again = await run({ ...LOAD, vars: { changed_months: ['2024-02-01'] } });
    expect(built(again)).toContain('month_calendar');
  });

  it('without skipUnchanged (or a full refresh) every selected model is built', async () => {
    const plain = await run({ select: LOAD.select, vars: { changed_months: ['2024-02-01'] } });
    expect(plain.skipped).toEqual([]);
    expect(kept(plain)).toEqual([]);
    expect(built(plain)).toContain('month_report');
    const full = await run({ ...LOAD, fullRefresh: true, vars: { changed_months: ['2024-02-01'] } });
    expect(full.skipped).toEqual([]);
    expect(kept(full)).toEqual([]);
  });
});

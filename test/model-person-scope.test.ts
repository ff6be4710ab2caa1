// Corrections by identity (issue 14): a person-month model keeps to the persons a load names
// (delete_changed_rows / in_changed_rows), a household-month model to their households and those the
// load changed (in_changed_households), with the project's own macros/incremental.sql; the result
// equals the source, including a household a person left and one that lost its only member.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runModels, type RunOptions } from '../models/runner/index.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let db: TestDatabase;
let client: pg.PoolClient;
let dir: string;

const FILES: Record<string, string> = {
  'dbt_project.yml': ['name: persons', 'model-paths: ["models"]', 'macro-paths: ["macros"]', 'vars:', '  changed_months: null', '  changed_persons: null', '  changed_households: null', 'models:', '  persons:', '    +schema: persons'].join('\n'),
  'models/sources.yml': 'version: 2\nsources:\n  - name: src\n    tables:\n      - name: roster\n',
  'models/person_month.sql': [
    "{{ config(materialized='incremental', incremental_strategy='append', pre_hook=\"{{ delete_changed_rows('month', 'id_number') }}\") }}",
    'select month, id_number, household_id, amount',
    "from {{ source('src', 'roster') }}",
    "where {{ in_changed_rows('month', 'id_number') }}",
  ].join('\n'),
  'models/household_month.sql': [
    "{{ config(materialized='incremental', incremental_strategy='append',",
    "    pre_hook=\"{% if is_incremental() %}delete from {{ this }} where {{ in_changed_months('month') }} and {{ in_changed_households('month', 'household_id', ref('person_month'), 'month') }}{% endif %}\") }}",
    "select month, household_id, count(*) as members, sum(amount) as amount, string_agg(id_number, ',' order by id_number) as persons",
    "from {{ ref('person_month') }}",
    "where {{ in_changed_months('month') }} and {{ in_changed_households('month', 'household_id', ref('person_month'), 'month') }}",
    'group by month, household_id',
  ].join('\n'),
};

async function run(options: Omit<RunOptions, 'projectDir'> = {}): Promise<void> {
  await client.query('begin');
  try {
    await runModels(client, { projectDir: dir, ...options });
    await client.query('commit');
  } catch (e) {
    await client.query('rollback');
    throw e;
  }
}

const rows = async (sql: string) => (await client.query(sql)).rows;
const PERSONS = `select month::text, id_number, household_id, amount from persons.person_month order by 1, 2`;
const HOUSEHOLDS = `select month::text, household_id, members::int, amount::int, persons from persons.household_month order by 1, 2`;
const EXPECTED_PERSONS = `select month::text, id_number, household_id, amount from src.roster order by 1, 2`;
const EXPECTED_HOUSEHOLDS = `select month::text, household_id, count(*)::int as members, sum(amount)::int as amount, string_agg(id_number, ',' order by id_number) as persons
  from src.roster group by 1, 2 order by 1, 2`;

beforeAll(async () => {
  db = await createTestDatabase();
  client = await db.pool.connect();
  dir = await mkdtemp(path.join(os.tmpdir(), 'model-person-scope-'));
  for (const [file, content] of Object.entries(FILES)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  await mkdir(path.join(dir, 'macros'), { recursive: true });
  await copyFile(path.join(REPO, 'macros/incremental.sql'), path.join(dir, 'macros/incremental.sql'));
  await client.query(`
    create schema src;
    create table src.roster (month date not null, id_number text not null, household_id text not null, amount int not null);
    insert into src.roster values
      ('2024-01-01', 'P1', 'H1', 10), ('2024-01-01', 'P2', 'H1', 20), ('2024-01-01', 'P3', 'H2', 30), ('2024-01-01', 'P4', 'H3', 40),
      ('2024-02-01', 'P1', 'H1', 10), ('2024-02-01', 'P2', 'H1', 20), ('2024-02-01', 'P3', 'H2', 30), ('2024-02-01', 'P4', 'H3', 40);
  `);
  await run();
}, 60_000);

afterAll(async () => {
  client?.release();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('person-level models kept to the persons a load names', () => {
  it('rebuild only those persons and households, and equal the source', async () => {
    expect(await rows(HOUSEHOLDS)).toEqual(await rows(EXPECTED_HOUSEHOLDS));
    // January: P1 leaves H1 for a new household H4, P3 (alone in H2) joins H3; February: P2's amount
    await client.query(`
      update src.roster set household_id = 'H4' where month = '2024-01-01' and id_number = 'P1';
      update src.roster set household_id = 'H3' where month = '2024-01-01' and id_number = 'P3';
      update src.roster set amount = 25 where month = '2024-02-01' and id_number = 'P2';
      -- a change outside the persons named, which an in-place build must not see
      update src.roster set amount = 99 where month = '2024-02-01' and id_number = 'P4';
    `);
    await run({ vars: { changed_months: ['2024-01-01', '2024-02-01'], changed_persons: ['P1', 'P2', 'P3'], changed_households: ['H1', 'H2', 'H3', 'H4'] } });
    const unseen = (r: Record<string, unknown>) => r.id_number === 'P4' && r.month === '2024-02-01';
    expect((await rows(PERSONS)).filter((r) => !unseen(r))).toEqual((await rows(EXPECTED_PERSONS)).filter((r) => !unseen(r)));
    expect((await rows(PERSONS)).find(unseen)).toMatchObject({ amount: 40 });
    const households = await rows(HOUSEHOLDS);
    expect(households.filter((h) => h.month === '2024-01-01')).toEqual((await rows(EXPECTED_HOUSEHOLDS)).filter((h) => h.month === '2024-01-01'));
    expect(households.map((h) => `${h.month}:${h.household_id}`)).not.toContain('2024-01-01:H2');
    // February's H1 rebuilt (P2's amount), H3 kept as it was
    expect(households.filter((h) => h.month === '2024-02-01')).toEqual([
      { month: '2024-02-01', household_id: 'H1', members: 2, amount: 35, persons: 'P1,P2' },
      { month: '2024-02-01', household_id: 'H2', members: 1, amount: 30, persons: 'P3' },
      { month: '2024-02-01', household_id: 'H3', members: 1, amount: 40, persons: 'P4' },
    ]);

    // without the households the load changed, the household P3 left alone would stay
    await client.query(`update src.roster set household_id = 'H2' where month = '2024-01-01' and id_number = 'P3'`);
    await run({ vars: { changed_months: ['2024-01-01'], changed_persons: ['P3'], changed_households: [] } });
    expect((await rows(HOUSEHOLDS)).filter((h) => h.month === '2024-01-01' && h.household_id === 'H3')).toEqual([
      { month: '2024-01-01', household_id: 'H3', members: 2, amount: 70, persons: 'P3,P4' },
    ]);

    // no persons named (a monthly load): every person of the months
    await run({ vars: { changed_months: ['2024-01-01', '2024-02-01'], changed_persons: null, changed_households: null } });
    expect(await rows(PERSONS)).toEqual(await rows(EXPECTED_PERSONS));
    expect(await rows(HOUSEHOLDS)).toEqual(await rows(EXPECTED_HOUSEHOLDS));
  });
});

// Incremental equals full: a small synthetic city loaded month by month (each
// month a load of its own, the models rebuilding only the months it changed),
// then a correction workbook over two months (the person-level models keeping
// to its persons: amount, category, village, household, a listing that comes to
// count, an added listing; the benefit-above-standard check keeping to them
// too, next to another person's finding of the same month) and a re-export of
// an older month, gives every mart,
// intermediate table and rollup row for row the same as one full rebuild of
// the same data.
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindByNumber } from '../etl/formats/kinds.ts';
import { generateCity } from '../etl/generate/index.ts';
import { runLoad, type LoadReport } from '../etl/load/batch.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let root: string;
let generated: string;
/** A copy of the dbt project taken at the start, so the models do not change between the loads. */
let project: string;

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const MONTHS = ['2024-03', '2024-04', '2024-05', '2024-06'];

beforeAll(async () => {
  db = await createTestDatabase();
  root = await mkdtemp(path.join(os.tmpdir(), 'incremental-equals-full-'));
  project = path.join(root, 'project');
  for (const p of ['dbt_project.yml', 'packages.yml', 'models', 'macros', 'tests']) {
    await cp(path.join(REPO, p), path.join(project, p), { recursive: true, filter: (f) => !f.includes(`${path.sep}runner`) }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }
  generated = path.join(root, 'generated');
  await generateCity({ outDir: generated, months: MONTHS.length, seed: 3, endMonth: MONTHS.at(-1)!, withErrors: false, scale: 0.02 });
  // the months the correction corrects hold a benefit above its standard of a person it leaves alone
  await overpay(MONTHS[0]!);
  await overpay(MONTHS[2]!);
}, 300_000);

/** The last row of the roster of `month` (the correction picks the lowest IDs) paid far above any standard. */
async function overpay(month: string): Promise<void> {
  const name = (await readdir(generated)).find((n) => n.startsWith('03-') && monthOf(n) === month)!;
  const file = path.join(generated, name);
  const lines = (await readFile(file, 'utf8')).split('\r\n');
  const header = lines[0]!.replace(/^\uFEFF/, '').split(',');
  const column = header.indexOf(kindByNumber(3).columns.find((c) => c.column === 'monthly_benefit_yuan')!.header);
  const last = lines.findLastIndex((line) => line !== '');
  const cells = lines[last]!.split(',');
  expect(column, '月救助金额 column').toBeGreaterThanOrEqual(0);
  cells[column] = '9999.00';
  lines[last] = cells.join(',');
  await writeFile(file, lines.join('\r\n'));
}

afterAll(async () => {
  await db?.drop();
  await rm(root, { recursive: true, force: true });
});

/** The month a file belongs to: `…-YYYYMM.csv` or `…-YYYYMMDD.csv`; null for whole-register files. */
function monthOf(name: string): string | null {
  const m = /-(\d{4})(\d{2})(\d{2})?\.(csv|xlsx)$/i.exec(name);
  return m ? `${m[1]}-${m[2]}` : null;
}

/** The files of each load: whole registers and anything dated before the first month go with it. */
async function filesByLoad(): Promise<string[][]> {
  const names = (await readdir(generated)).filter((n) => /\.(csv|xlsx)$/i.test(n)).sort();
  return MONTHS.map((month, i) => names.filter((n) => {
    const m = monthOf(n);
    return m === month || (i === 0 && (m === null || m < month));
  }).map((n) => path.join(generated, n)));
}

let dirs = 0;
async function dirOf(files: string[]): Promise<string> {
  const dir = path.join(root, `load-${++dirs}`);
  await mkdir(dir);
  for (const f of files) await copyFile(f, path.join(dir, path.basename(f)));
  return dir;
}

const load = async (dir: string, options: { fullRefresh?: boolean; rebuild?: boolean } = {}): Promise<LoadReport> =>
  runLoad(db.pool, options.rebuild ? [] : [dir], { runBy: 'test', projectDir: project, rebuildModels: options.rebuild, fullRefresh: options.fullRefresh });

/**
 * Every table of the marts, the intermediate models and the rollups (not views: the rectification view
 * reads the application as of now), as rows:md5.
 */
async function checksums(pool: pg.Pool): Promise<Record<string, string>> {
  const tables = await pool.query<{ schema: string; name: string }>(
    `select table_schema as schema, table_name as name from information_schema.tables
      where table_type = 'BASE TABLE' and (table_schema in ('marts', 'intermediate') or (table_schema = 'rollups' and table_name <> 'builds'))
      order by 1, 2`,
  );
  const out: Record<string, string> = {};
  for (const t of tables.rows) {
    const r = await pool.query<{ sum: string }>(`select count(*) || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as sum from "${t.schema}"."${t.name}" x`);
    out[`${t.schema}.${t.name}`] = r.rows[0]!.sum;
  }
  return out;
}

type RosterRow = Record<string, string>;

/** A roster row of the warehouse as the export writes it (int_basic_living_listing holds every column of it). */
const ROSTER_ROW = `to_char(stat_month, 'YYYY-MM') as stat_month, household_id, id_number, person_name, relation_to_head, region_code, category,
  coalesce(care_mode, '') as care_mode, coalesce(care_level, '') as care_level, enrolled_on::text as enrolled_on, monthly_benefit_yuan::text as monthly_benefit_yuan`;

/** Listings of a person alone on the roster that month, in ID order, skipping `skip` persons. */
async function singleListings(month: string, n: number, skip: readonly string[], where = 'true'): Promise<RosterRow[]> {
  const r = await db.pool.query<RosterRow>(
    `select ${ROSTER_ROW} from intermediate.int_basic_living_listing
      where stat_month = $1::date and listings = 1 and id_number <> all($2::text[]) and ${where} order by id_number limit $3`,
    [`${month}-01`, skip, n],
  );
  expect(r.rows.length, `${month}: ${where}`).toBe(n);
  return r.rows;
}

/**
 * A correction workbook of the dibao/tekun roster over two months, each row
 * replacing a person's rows of its month: in the first, one person's amount,
 * one's category (dibao to tekun), one's village and one's household change,
 * and a person listed twice keeps only the listing that did not count (so it
 * counts now); in the second, a person listed the month before is added and
 * one's amount changes. Returns the persons it corrects.
 */
async function correctionWorkbook(dir: string, months: [string, string], previous: string): Promise<string[]> {
  const spec = kindByNumber(3);
  const rows: RosterRow[] = [];
  const [amount, category, village, household] = await singleListings(months[0], 4, [], `category like '%低保'`);
  rows.push({ ...amount!, monthly_benefit_yuan: (Number(amount!.monthly_benefit_yuan) + 10).toFixed(2) });
  rows.push({ ...category!, category: category!.category!.replace('低保', '特困'), care_mode: '分散供养', care_level: '全自理' });
  const other = await db.pool.query<{ region_code: string }>(
    `select region_code from raw.regions where level_name = '村社区' and region_code <> $1 order by region_code limit 1`,
    [village!.region_code],
  );
  rows.push({ ...village!, region_code: other.rows[0]!.region_code });
  const moved = await db.pool.query<{ household_id: string }>(
    `select household_id from intermediate.int_basic_living_listing where stat_month = $1::date and household_id <> $2 order by household_id limit 1`,
    [`${months[0]}-01`, household!.household_id],
  );
  rows.push({ ...household!, household_id: moved.rows[0]!.household_id, relation_to_head: '其他' });
  const twice = await db.pool.query<RosterRow>(
    `select ${ROSTER_ROW} from intermediate.int_basic_living_listing where stat_month = $1::date and listings = 2 and listing_rank = 2 order by id_number limit 1`,
    [`${months[0]}-01`],
  );
  expect(twice.rows.length, 'a person listed twice').toBe(1);
  rows.push(twice.rows[0]!);

  const added = await db.pool.query<RosterRow>(
    `select ${ROSTER_ROW.replace("to_char(stat_month, 'YYYY-MM')", `'${months[1]}'`)} from intermediate.int_basic_living_listing p
      where p.stat_month = $1::date and p.listings = 1
        and not exists (select 1 from raw.basic_living_roster r where r.stat_month = $2::date and r.id_number = p.id_number)
      order by id_number limit 1`,
    [`${previous}-01`, `${months[1]}-01`],
  );
  expect(added.rows.length, 'a person not listed in the second month').toBe(1);
  rows.push(added.rows[0]!);
  const [later] = await singleListings(months[1], 1, [...rows, added.rows[0]!].map((r) => r.id_number!));
  rows.push({ ...later!, monthly_benefit_yuan: (Number(later!.monthly_benefit_yuan) + 10).toFixed(2) });

  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(spec.title);
  ws.addRow([...spec.columns.map((c) => c.header), '错误说明', '补正来源']);
  for (const [i, row] of rows.entries()) ws.addRow([...spec.columns.map((c) => row[c.column]), '补正', `批次 1 / 补正 / 第 ${i + 2} 行`]);
  await wb.xlsx.writeFile(path.join(dir, '补正-低保特困在册人员.xlsx'));
  return [...new Set(rows.map((r) => r.id_number!))].sort();
}

/** An older month exported again: one low-income person fewer. */
async function reExport(dir: string, month: string): Promise<void> {
  const name = (await readdir(generated)).find((n) => n.startsWith('04-') && monthOf(n) === month)!;
  const lines = (await readFile(path.join(generated, name), 'utf8')).split(/\r?\n/);
  // drop the last data row (the file ends with a line break, so the last line is empty)
  const kept = lines.at(-1) === '' ? [...lines.slice(0, -2), ''] : lines.slice(0, -1);
  await writeFile(path.join(dir, name), kept.join('\r\n'));
}

describe('incremental equals full', () => {
  it('month by month, a correction and a re-export give every mart and rollup of one full rebuild', async () => {
    const loads = await filesByLoad();
    const reports: LoadReport[] = [];
    for (const files of loads) reports.push(await load(await dirOf(files)));
    expect(reports[0]!.refresh?.full).toBe('首次构建模型');
    for (const [i, r] of reports.slice(1).entries()) {
      expect(r.refresh?.full, MONTHS[i + 1]).toBeNull();
      expect(r.refresh?.months, MONTHS[i + 1]).toContain(`${MONTHS[i + 1]}-01`);
      // the proof is about models that really were built in place
      expect(r.models.filter((m) => m.mode === 'incremental').length, MONTHS[i + 1]).toBeGreaterThan(0);
    }

    // findings of persons the correction leaves alone, in its months: a person-scoped check must keep them
    const untouched = await db.pool.query<{ n: string }>(
      `select count(*) as n from marts.fct_integrity_benefit_above_standard where month_start in ($1::date, $2::date)`,
      [`${MONTHS[0]}-01`, `${MONTHS[2]}-01`],
    );
    expect(Number(untouched.rows[0]!.n), 'benefit-above-standard findings in the corrected months').toBeGreaterThan(0);

    const correction = path.join(root, 'correction');
    await mkdir(correction);
    const persons = await correctionWorkbook(correction, [MONTHS[0]!, MONTHS[2]!], MONTHS[1]!);
    const corrected = await load(correction);
    expect(corrected.refresh).toMatchObject({ full: null, months: [`${MONTHS[0]}-01`, `${MONTHS[2]}-01`], persons });
    expect(persons.length).toBe(7);
    // the person-level models kept to those persons in place
    for (const model of ['int_basic_living_listing', 'fct_basic_living_person_month', 'int_integrity_person_locations']) {
      expect(corrected.models.find((m) => m.name === model)?.mode, model).toBe('incremental');
    }

    const older = path.join(root, 'older');
    await mkdir(older);
    await reExport(older, MONTHS[1]!);
    const reexported = await load(older);
    expect(reexported.refresh).toEqual({ full: null, months: [`${MONTHS[1]}-01`] });

    const incremental = await checksums(db.pool);
    expect(Object.keys(incremental).filter((t) => t.startsWith('marts.')).length).toBeGreaterThan(10);
    expect(Object.keys(incremental).filter((t) => t.startsWith('rollups.')).length).toBeGreaterThan(0);

    const full = await load('', { rebuild: true, fullRefresh: true });
    expect(full.refresh?.full).toBe('指定了 --full-refresh');
    expect(await checksums(db.pool)).toEqual(incremental);
  }, 900_000);
});

// Incremental equals full: a small synthetic city loaded month by month (each
// month a load of its own, the models rebuilding only the months it changed),
// then a correction workbook over two months and a re-export of an older month,
// gives every mart and rollup row for row the same as one full rebuild of the
// same data.
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
}, 300_000);

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

/** Every table of the marts and rollups (not views: the rectification view reads the application as of now), as rows:md5. */
async function checksums(pool: pg.Pool): Promise<Record<string, string>> {
  const tables = await pool.query<{ schema: string; name: string }>(
    `select table_schema as schema, table_name as name from information_schema.tables
      where table_type = 'BASE TABLE' and (table_schema = 'marts' or (table_schema = 'rollups' and table_name <> 'builds'))
      order by 1, 2`,
  );
  const out: Record<string, string> = {};
  for (const t of tables.rows) {
    const r = await pool.query<{ sum: string }>(`select count(*) || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as sum from "${t.schema}"."${t.name}" x`);
    out[`${t.schema}.${t.name}`] = r.rows[0]!.sum;
  }
  return out;
}

/** A correction workbook of the dibao/tekun roster: two persons' amounts changed, one in each of two months. */
async function correctionWorkbook(dir: string, months: [string, string]): Promise<void> {
  const spec = kindByNumber(3);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(spec.title);
  ws.addRow([...spec.columns.map((c) => c.header), '错误说明', '补正来源']);
  for (const month of months) {
    const r = await db.pool.query<Record<string, string>>(
      `select to_char(stat_month, 'YYYY-MM') as stat_month, household_id, id_number, person_name, relation_to_head, region_code, category,
              coalesce(care_mode, '') as care_mode, coalesce(care_level, '') as care_level, enrolled_on::text as enrolled_on,
              (monthly_benefit_yuan + 10)::text as monthly_benefit_yuan, source_file, source_row::text as source_row, batch_id::text as batch_id
         from raw.basic_living_roster where stat_month = $1::date order by id_number limit 1`,
      [`${month}-01`],
    );
    const row = r.rows[0]!;
    ws.addRow([...spec.columns.map((c) => row[c.column]), '月救助金额：补正', `批次 ${row.batch_id} / ${row.source_file} / 第 ${row.source_row} 行`]);
  }
  await wb.xlsx.writeFile(path.join(dir, '补正-低保特困在册人员.xlsx'));
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

    const correction = path.join(root, 'correction');
    await mkdir(correction);
    await correctionWorkbook(correction, [MONTHS[0]!, MONTHS[2]!]);
    const corrected = await load(correction);
    expect(corrected.refresh).toEqual({ full: null, months: [`${MONTHS[0]}-01`, `${MONTHS[2]}-01`] });

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

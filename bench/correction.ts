// The correction a county sends between monthly loads: a workbook of ten
// corrected rows of the dibao/tekun roster (kind 3), five in each of the two
// newest months, each amount one yuan more, loaded as `etl load` loads it.
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type pg from 'pg';
import { kindByNumber } from '../etl/formats/kinds.ts';
import { measureLoad, type LoadResult } from './load.ts';

const ROWS_PER_MONTH = 5;

async function writeWorkbook(pool: pg.Pool, file: string): Promise<number> {
  const spec = kindByNumber(3);
  const months = await pool.query<{ m: string }>(`select distinct stat_month::text as m from raw.basic_living_roster order by 1 desc limit 2`);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(spec.title);
  ws.addRow([...spec.columns.map((c) => c.header), '错误说明', '补正来源']);
  let rows = 0;
  for (const { m } of months.rows) {
    const r = await pool.query<Record<string, string>>(
      `select to_char(stat_month, 'YYYY-MM') as stat_month, household_id, id_number, person_name, relation_to_head, region_code, category,
              coalesce(care_mode, '') as care_mode, coalesce(care_level, '') as care_level, enrolled_on::text as enrolled_on,
              (monthly_benefit_yuan + 1)::text as monthly_benefit_yuan, source_file, source_row::text as source_row, batch_id::text as batch_id
         from raw.basic_living_roster where stat_month = $1::date order by id_number limit $2`,
      [m, ROWS_PER_MONTH],
    );
    for (const row of r.rows) {
      ws.addRow([...spec.columns.map((c) => row[c.column]), '月救助金额：补正', `批次 ${row.batch_id} / ${row.source_file} / 第 ${row.source_row} 行`]);
      rows++;
    }
  }
  await wb.xlsx.writeFile(file);
  return rows;
}

export async function measureCorrection(pool: pg.Pool, workDir: string, log: (msg: string) => void): Promise<LoadResult & { rows: number }> {
  const dir = path.join(workDir, 'correction');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  try {
    const rows = await writeWorkbook(pool, path.join(dir, '补正-低保特困在册人员.xlsx'));
    log(`补正：${rows} 行（两个最新月份）`);
    return { ...(await measureLoad(pool, dir, log)), rows };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// The region a notice is for: the city (ranking its counties) or a county
// (ranking its townships), named as in the regions table (marts.dim_region).
import type pg from 'pg';
import { NoticeError } from './cube-source.ts';

export interface NoticeRegion {
  code: string;
  name: string;
  level: 'city' | 'county';
}

export async function resolveRegion(pool: pg.Pool, code: string | undefined): Promise<NoticeRegion> {
  if (code !== undefined && !/^\d{12}$/.test(code)) throw new NoticeError(`区划代码"${code}"格式不对：应为12位数字`);
  const r = code === undefined
    ? await pool.query<{ region_code: string; region_name: string; region_level: string }>(
      `select region_code, region_name, region_level from marts.dim_region where region_level = 'city' order by region_code limit 1`)
    : await pool.query<{ region_code: string; region_name: string; region_level: string }>(
      `select region_code, region_name, region_level from marts.dim_region where region_code = $1`, [code]);
  const row = r.rows[0];
  if (!row) {
    throw new NoticeError(code === undefined
      ? '数据仓库中还没有行政区划数据：请先导入数据（npm run etl -- load 目录）'
      : `区划代码 ${code} 不存在：请对照行政区划表填写市或区县的代码`, 404);
  }
  if (row.region_level !== 'city' && row.region_level !== 'county') {
    throw new NoticeError(`通报只能按市或区县生成：${row.region_name}（${row.region_code}）是${row.region_level === 'township' ? '乡镇（街道）' : '村（社区）'}`);
  }
  return { code: row.region_code, name: row.region_name, level: row.region_level };
}

export async function latestBatchId(pool: pg.Pool): Promise<number | null> {
  const r = await pool.query<{ id: string | null }>(`select max(batch_id) as id from etl.batches where status = 'succeeded'`);
  return r.rows[0]?.id == null ? null : Number(r.rows[0].id);
}

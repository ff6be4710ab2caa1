// The synthetic city's first start leaves two notices in the archive so a
// newcomer sees what they look like: last month's notice, issued, and the last
// complete quarter's notification, still a draft.
import type pg from 'pg';
import { compileModel } from '../cube/compiler.ts';
import { SemanticLayer } from '../cube/api/semantic-layer.ts';
import { readNoticeConfig } from './config.ts';
import { rectificationSourceFor } from './rectification-items.ts';
import { NoticeStore, type Actor } from './store.ts';

/** The last quarter whose three months all lie on or before `month` (YYYY-MM): `2024-Q2`. */
export function lastCompleteQuarter(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const q = Math.floor(m / 3);
  return q === 0 ? `${y - 1}-Q4` : `${y}-Q${q}`;
}

export async function seedDemoNotices(pool: pg.Pool, lastMonth: string, log: (msg: string) => void): Promise<{ issued: number; draft: number }> {
  const city = (await pool.query<{ region_code: string }>(`select region_code from marts.dim_region where region_level = 'city' order by region_code limit 1`)).rows[0];
  if (!city) throw new Error('示例通报：数据仓库中没有市级区划');
  const layer = new SemanticLayer(await compileModel(), pool);
  const store = new NoticeStore(pool, { layer, pool, config: await readNoticeConfig(), rectification: await rectificationSourceFor(pool) });
  const drafter: Actor = { name: '示例拟稿人', role: 'staff', region: city.region_code, client: 'npm start（示例数据）' };
  const issuer: Actor = { name: '示例签发人', role: 'leader', region: city.region_code, client: 'npm start（示例数据）' };
  const monthly = await store.create(drafter, { period: lastMonth });
  await store.submit(drafter, monthly.id, '示例数据：提交审核');
  const issued = await store.issue(issuer, monthly.id, '示例数据：签发');
  const quarterly = await store.create(drafter, { period: lastCompleteQuarter(lastMonth) });
  log(`示例通报：已签发 ${issued.number}《${issued.title}》；季度通报拟稿《${quarterly.title}》`);
  return { issued: issued.id, draft: quarterly.id };
}

// A token sees its own region and what lies below it, enforced on the server.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { CITY, COUNTY_A, COUNTY_B, TOWN_A1, TOWN_A2, writeSmallCity } from './fixtures/small-city.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
let dir: string;
let countyA: string;

const month = { dimension: 'indicators.month', granularity: 'month', dateRange: ['2025-03-01', '2025-03-31'] };

beforeAll(async () => {
  platform = await startTestPlatform();
  dir = await mkdtemp(path.join(os.tmpdir(), 'small-city-'));
  await writeSmallCity(dir);
  await runLoad(platform.db.pool, [dir], { runBy: 'test' });
  countyA = await platform.token({ role: 'staff', region: COUNTY_A });
});

afterAll(async () => {
  await platform?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('row-level security by region', () => {
  it('a county token grouped by county sees only its county', async () => {
    const { body } = await platform.load({ measures: ['indicators.low_income_persons'], dimensions: ['indicators.county_code'], timeDimensions: [month] }, countyA);
    expect(body.data.map((r: Record<string, string>) => r['indicators.county_code'])).toEqual([COUNTY_A]);
  });

  it('a county token asking for another county gets nothing', async () => {
    const { status, body } = await platform.load({
      measures: ['indicators.low_income_persons'],
      dimensions: ['indicators.county_code'],
      filters: [{ member: 'indicators.county_code', operator: 'equals', values: [COUNTY_B] }],
      timeDimensions: [month],
    }, countyA);
    expect(status).toBe(200);
    expect(body.data).toEqual([]);
  });

  it('a county token without region members gets its county total, not the city\'s', async () => {
    const { body } = await platform.load({ measures: ['indicators.low_income_persons', 'indicators.registered_population'], timeDimensions: [month] }, countyA);
    expect(body.data).toHaveLength(1);
    expect(Number(body.data[0]['indicators.low_income_persons'])).toBe(6);
    expect(Number(body.data[0]['indicators.registered_population'])).toBe(6000);
  });

  it('a county token grouped by city still sees only its county', async () => {
    const { body } = await platform.load({ measures: ['indicators.low_income_persons'], dimensions: ['indicators.city_name'], timeDimensions: [month] }, countyA);
    expect(body.data).toEqual([expect.objectContaining({ 'indicators.city_name': '测试市', 'indicators.low_income_persons': '6' })]);
  });

  it('a county token sees the townships below it', async () => {
    const { body } = await platform.load({ measures: ['indicators.low_income_persons'], dimensions: ['indicators.township_code'], timeDimensions: [month] }, countyA);
    expect(body.data.map((r: Record<string, string>) => r['indicators.township_code']).sort()).toEqual([TOWN_A1, TOWN_A2]);
  });

  it('a city token and an admin see both counties', async () => {
    for (const ctx of [{ role: 'leader' as const, region: CITY }, { role: 'admin' as const, region: COUNTY_A }]) {
      const { body } = await platform.load({ measures: ['indicators.low_income_persons'], dimensions: ['indicators.county_code'], timeDimensions: [month] }, await platform.token(ctx));
      expect(body.data).toHaveLength(2);
    }
  });

  it('/sql shows the region restriction the server added', async () => {
    const query = JSON.stringify({ measures: ['indicators.low_income_persons'], timeDimensions: [month] });
    const res = await platform.app.inject({ url: `/cubejs-api/v1/sql?query=${encodeURIComponent(query)}`, headers: { authorization: countyA } });
    expect(res.json().sql.sql[1]).toContain(COUNTY_A);
  });

  it('rejects tokens with an unknown role or a malformed region', async () => {
    const { signToken } = await import('../cube/api/security.ts');
    const { TEST_SECRET } = await import('./support/platform.ts');
    for (const payload of [{ role: 'guest', region: CITY }, { role: 'staff', region: '9901' }]) {
      const token = await signToken(payload as never, TEST_SECRET);
      const res = await platform.app.inject({ url: '/cubejs-api/v1/meta', headers: { authorization: token } });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toContain('访问令牌内容无效');
    }
  });

  it('rejects a token signed with another secret', async () => {
    const { signToken } = await import('../cube/api/security.ts');
    const token = await signToken({ role: 'admin', region: CITY }, 'another-secret-0123456789');
    const { status } = await platform.load({ measures: ['indicators.low_income_persons'], timeDimensions: [month] }, token);
    expect(status).toBe(403);
  });
});

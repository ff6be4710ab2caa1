// Monthly facts are list-partitioned by month in the raw layer; a newer export
// of a month swaps that month's partition; an older warehouse is migrated.
import { mkdtemp, rm, writeFile, readFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { ensureWarehouseSchema } from '../warehouse/schema.ts';
import { idCheckChar } from '../etl/formats/id-number.ts';
import { VIL_A1, writeSmallCity } from './fixtures/small-city.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let dir: string;

const partitionsOf = async (table: string) =>
  (await db.pool.query<{ name: string }>(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
      join pg_namespace n on n.oid = p.relnamespace where n.nspname = 'raw' and p.relname = $1 order by 1`,
    [table],
  )).rows.map((r) => r.name);

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'partitions-'));
  await writeSmallCity(dir);
});

afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('partitioned monthly facts', () => {
  it('keeps one partition per month and per snapshot date', async () => {
    await runLoad(db.pool, [dir], { runBy: 'test' });
    expect(await partitionsOf('low_income_roster')).toEqual(['low_income_roster_p20250101', 'low_income_roster_p20250201', 'low_income_roster_p20250301']);
    expect(await partitionsOf('alleviated_persons')).toEqual(['alleviated_persons_p20241231', 'alleviated_persons_p20250331']);
    const kind = await db.pool.query(`select relkind from pg_class where oid = 'raw.basic_living_roster'::regclass`);
    expect(kind.rows[0].relkind).toBe('p');
  });

  it('replaces a month by swapping its partition, leaving the other months', async () => {
    const lines = (await readFile(path.join(dir, 'low-income-202502.csv'), 'utf8')).trimEnd().split('\r\n');
    const newer = path.join(dir, 'newer');
    await mkdir(newer);
    await writeFile(path.join(newer, 'low-income-202502-v2.csv'), lines.slice(0, 2).join('\r\n') + '\r\n');
    const before = await db.pool.query(`select oid from pg_class where relname = 'low_income_roster_p20250201'`);
    await runLoad(db.pool, [newer], { runBy: 'test' });
    const after = await db.pool.query(`select oid from pg_class where relname = 'low_income_roster_p20250201'`);
    expect(after.rows[0].oid).not.toBe(before.rows[0].oid);
    const counts = await db.pool.query(`select stat_month, count(*)::int as n from raw.low_income_roster group by 1 order by 1`);
    expect(counts.rows.map((r) => r.n)).toEqual([5, 1, 10]) // March lists person 120 twice;
  });

  it('loads a month that first appears deep in a file into its own partition too', async () => {
    const id = (n: number) => {
      const body = `9901011980${String(n).padStart(7, '0')}`;
      return body + idCheckChar(body);
    };
    const row = (month: string, n: number) => `${month},JT${n},${id(n)},测试${n},${VIL_A1},低保边缘人口,2024-06-01`;
    const rows = [...Array.from({ length: 6000 }, (_, i) => row('2025-04', i)), row('2025-05', 7001), row('2025-04', 7002), row('2025-05', 7003)];
    const mixed = path.join(dir, 'mixed');
    await mkdir(mixed);
    await writeFile(path.join(mixed, 'two-months.csv'), ['统计月份,家庭编号,身份证号,姓名,区划代码,人口类别,纳入监测日期', ...rows].join('\n') + '\n');
    const report = await runLoad(db.pool, [mixed], { runBy: 'test' });
    expect(report.files[0]).toMatchObject({ rowsRead: 6003, rowsLoaded: 6003, rowsRejected: 0 });
    const counts = await db.pool.query(`select tableoid::regclass::text as part, count(*)::int as n from raw.low_income_roster where stat_month >= '2025-04-01' group by 1 order by 1`);
    expect(counts.rows).toEqual([{ part: 'raw.low_income_roster_p20250401', n: 6001 }, { part: 'raw.low_income_roster_p20250501', n: 2 }]);
  });

  it('keeps each payment batch in its own partition, also batches whose names differ only in punctuation', async () => {
    const id = (n: number) => {
      const body = `9901011981${String(n).padStart(7, '0')}`;
      return body + idCheckChar(body);
    };
    const header = '发放批次,所属月份,家庭编号,身份证号,救助类别,发放金额,发放日期,发放方式';
    const payment = (batch: string, n: number, amount: string) => `${batch},2025-03,JT${n},${id(n)},城市低保,${amount},2025-03-06,社会保障卡`;
    const batches = path.join(dir, 'batches');
    await mkdir(batches);
    await writeFile(path.join(batches, 'payments-a.csv'), [header, payment('FF2025-03', 1, '500.00'), payment('FF2025-03', 2, '500.00'), payment('FF202503', 3, '600.00')].join('\n') + '\n');
    await runLoad(db.pool, [batches], { runBy: 'test' });
    const payments = await partitionsOf('benefit_payments');
    const ours = payments.filter((p) => p.startsWith('benefit_payments_bff202503_'));
    expect(ours).toHaveLength(2);
    // a newer export of one batch replaces that batch only
    const newer = path.join(dir, 'batches-v2');
    await mkdir(newer);
    await writeFile(path.join(newer, 'payments-b.csv'), [header, payment('FF2025-03', 1, '550.00')].join('\n') + '\n');
    await runLoad(db.pool, [newer], { runBy: 'test' });
    const rows = await db.pool.query(`select payment_batch, household_id, amount_yuan::text as amount from raw.benefit_payments where payment_batch in ('FF2025-03', 'FF202503') order by 1, 2`);
    expect(rows.rows).toEqual([
      { payment_batch: 'FF2025-03', household_id: 'JT1', amount: '550.00' },
      { payment_batch: 'FF202503', household_id: 'JT3', amount: '600.00' },
    ]);
  });

  it('moves the rows of an unpartitioned table of an older warehouse into partitions', async () => {
    const client = await db.pool.connect();
    try {
      await client.query(`create table raw.plain_copy as select * from raw.low_income_roster`);
      // as in an older warehouse, a staging view depends on the table being migrated
      await client.query(`create or replace view staging.stg_probe as select * from raw.plain_copy`);
      await client.query(`drop table raw.low_income_roster cascade`);
      await client.query(`alter table raw.plain_copy rename to low_income_roster`);
    } finally {
      client.release();
    }
    await ensureWarehouseSchema(db.pool);
    expect(await partitionsOf('low_income_roster')).toHaveLength(5);
    const n = await db.pool.query(`select count(*)::int as n from raw.low_income_roster`);
    expect(n.rows[0].n).toBe(16 + 6003);
  });
});

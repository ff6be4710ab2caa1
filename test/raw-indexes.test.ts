// raw.benefit_payments is partitioned by payment batch but read by benefit
// month: its index on benefit_month (warehouse/schema.ts RAW_INDEXES) is on
// every batch partition the loader creates, built after COPY (not declared on
// the partitioned table, which COPY would maintain row by row), and an older
// warehouse gets it when its schema is set up again.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { idCheckChar } from '../etl/formats/id-number.ts';
import { ensureWarehouseSchema } from '../warehouse/schema.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let dir: string;

const id = (n: number) => {
  const body = `9901011982${String(n).padStart(7, '0')}`;
  return body + idCheckChar(body);
};

/** Partitions of raw.benefit_payments and whether each has an index on benefit_month alone. */
async function partitionIndexes(): Promise<Array<{ partition: string; indexed: boolean }>> {
  const r = await db.pool.query<{ partition: string; indexed: boolean }>(`
    select c.relname as partition,
           exists (
             select 1 from pg_index x
             where x.indrelid = c.oid and x.indnatts = 1
               and x.indkey[0] = (select attnum from pg_attribute where attrelid = c.oid and attname = 'benefit_month')
           ) as indexed
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = 'raw.benefit_payments'::regclass
     order by 1`);
  return r.rows;
}

interface PlanNode { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] }

/** Every node of an EXPLAIN (format json) plan: its type, relation and index. */
function planNodes(node: PlanNode): Array<{ type: string; relation?: string; index?: string }> {
  return [{ type: node['Node Type'], relation: node['Relation Name'], index: node['Index Name'] }, ...(node.Plans ?? []).flatMap(planNodes)];
}

/** Indexes declared on the partitioned table itself. */
const parentIndexes = async () =>
  (await db.pool.query(`select indexrelid::regclass::text as name from pg_index where indrelid = 'raw.benefit_payments'::regclass`)).rows;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'raw-indexes-'));
  // two batches: a large one paying twelve benefit months, a small one paying one
  const header = '发放批次,所属月份,家庭编号,身份证号,救助类别,发放金额,发放日期,发放方式';
  const rows: string[] = [];
  for (let n = 0; n < 6000; n++) {
    const month = `2025-${String((n % 12) + 1).padStart(2, '0')}`;
    rows.push(`FF2025-A,${month},JT${n},${id(n)},城市低保,500.00,${month}-06,社会保障卡`);
  }
  for (let n = 6000; n < 6010; n++) rows.push(`FF2025-B,2025-03,JT${n},${id(n)},农村低保,400.00,2025-03-08,银行卡`);
  await mkdir(path.join(dir, 'payments'));
  await writeFile(path.join(dir, 'payments', 'payments.csv'), [header, ...rows].join('\n') + '\n');
});

afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('the benefit-month index of raw.benefit_payments', () => {
  it('is on every batch partition the loader creates, none on the partitioned table', async () => {
    const report = await runLoad(db.pool, [path.join(dir, 'payments')], { runBy: 'test' });
    expect(report.files[0]).toMatchObject({ rowsLoaded: 6010, rowsRejected: 0 });
    const partitions = await partitionIndexes();
    expect(partitions).toHaveLength(2);
    expect(partitions.every((p) => p.indexed)).toBe(true);
    expect(await parentIndexes()).toEqual([]);
  });

  it('lets a plan reading one benefit month skip the other months of a batch', async () => {
    await db.pool.query('analyze raw.benefit_payments');
    const plan = await db.pool.query(`explain (format json) select * from raw.benefit_payments where benefit_month = '2025-05-01'`);
    const nodes = planNodes(plan.rows[0]['QUERY PLAN'][0].Plan);
    // the large batch holds twelve months: read through its index, not scanned whole
    const large = nodes.filter((n) => n.relation?.startsWith('benefit_payments_bff2025a_'));
    expect(large.length).toBeGreaterThan(0);
    expect(large.map((n) => n.type)).not.toContain('Seq Scan');
    expect(nodes.some((n) => n.index?.startsWith('benefit_payments_bff2025a_') && n.index.endsWith('_benefit_month'))).toBe(true);
  });

  it('is added to an older warehouse when its schema is set up again', async () => {
    // an older warehouse: no index on the partitions, or one declared on the partitioned table
    for (const { partition } of await partitionIndexes()) await db.pool.query(`drop index raw."${partition}_benefit_month"`);
    expect((await partitionIndexes()).some((p) => p.indexed)).toBe(false);
    await db.pool.query('create index benefit_payments_benefit_month on raw.benefit_payments (benefit_month)');
    await ensureWarehouseSchema(db.pool);
    expect(await parentIndexes()).toEqual([]);
    const partitions = await partitionIndexes();
    expect(partitions).toHaveLength(2);
    expect(partitions.every((p) => p.indexed)).toBe(true);
    // setting it up again changes nothing
    const count = async () => (await db.pool.query(`select count(*)::int as n from pg_indexes where schemaname = 'raw' and tablename like 'benefit_payments%'`)).rows[0].n;
    const before = await count();
    await ensureWarehouseSchema(db.pool);
    expect(await count()).toBe(before);
  });
});

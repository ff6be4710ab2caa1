// Runs a run's data tests with fewer scans: the tests of one relation and one `where:` are counted
// together in one query. Row-by-row tests (not_null, expression_is_true, accepted_values) are each
// their own count(*) filter (count(distinct) for accepted_values, as dbt counts its rows) in one
// pass. For a model updated in place (its tests keep to the rebuilt months: few rows of a large
// table, which each test would otherwise scan), unique and relationships count their failing rows
// over the same rows, read once into a materialized CTE; elsewhere (a whole table or view, which a
// CTE would copy) they run on their own. A test that fails is run again on
// its own for its sample, so each failing test is still reported by name with its failing rows.
// Should the shared query fail, each test runs on its own (its own error).
import type pg from 'pg';
import { quoteIdent } from './relation.ts';
import { isolatedQuery, runTest, testResult } from './tests.ts';
import type { RowCheck, TestResult } from './tests.ts';
import type { TestSpec } from './test-spec.ts';

export interface CompiledTest {
  spec: TestSpec;
  sql: string;
  check?: RowCheck;
  /** The tested rows are few (a `where:` of a model updated in place): a unique or relationships test may share their scan. */
  fewRows?: boolean;
}

/** One query counting every test of a group (the same `from`): column `t<i>` is test i's failures. */
export function groupQuery(from: string, checks: RowCheck[]): string {
  const rowChecks = checks.flatMap((c, i) => (c.failing !== undefined ? [{ c, i }] : []));
  const counted = checks.flatMap((c, i) => (c.countOver !== undefined ? [{ c, i }] : []));
  const rowColumns = rowChecks.map(({ c, i }) => `${c.distinct !== undefined ? `count(distinct ${c.distinct})` : 'count(*)'} filter (where ${c.failing}) as ${quoteIdent(`t${i}`)}`);
  if (counted.length === 0) return `select\n  ${rowColumns.join(',\n  ')}\nfrom ${from}`;
  const rows = 'dbt_test_rows';
  const scalar = counted.map(({ c, i }) => `${c.countOver!(rows)} as ${quoteIdent(`t${i}`)}`);
  return [
    `with ${rows} as materialized (\n  select * from ${from}\n)`,
    rowChecks.length > 0 ? `, dbt_row_counts as (\n  select\n    ${rowColumns.join(',\n    ')}\n  from ${rows}\n)` : '',
    `select\n  ${[...(rowChecks.length > 0 ? ['dbt_row_counts.*'] : []), ...scalar].join(',\n  ')}`,
    rowChecks.length > 0 ? 'from dbt_row_counts' : '',
  ].filter(Boolean).join('\n');
}

export async function runTests(
  client: pg.ClientBase,
  tests: CompiledTest[],
  transaction: boolean,
  onResult: (r: TestResult) => void = () => {},
): Promise<TestResult[]> {
  const results = new Map<CompiledTest, TestResult>();
  const groups = new Map<string, CompiledTest[]>();
  for (const t of tests) {
    if (t.check === undefined || (t.check.failing === undefined && t.fewRows !== true)) continue;
    const group = groups.get(t.check.from) ?? [];
    group.push(t);
    groups.set(t.check.from, group);
  }
  for (const [from, group] of groups) {
    if (group.length < 2) continue;
    const started = performance.now();
    let counts: Record<string, unknown> | undefined;
    try {
      counts = (await isolatedQuery(client, groupQuery(from, group.map((t) => t.check!)), transaction))[0];
    } catch {
      continue; // each test on its own below, reporting its own error
    }
    const share = (performance.now() - started) / group.length;
    for (const [i, t] of group.entries()) {
      const failures = Number(counts?.[`t${i}`] ?? 0);
      // failing (or not passing) tests run again alone for their sample rows
      const result = testResult(t.spec, t.sql, failures, [], share);
      if (failures === 0 && result.status === 'pass') results.set(t, result);
    }
  }
  const out: TestResult[] = [];
  for (const t of tests) {
    const r = results.get(t) ?? (await runTest(client, t.spec, t.sql, transaction));
    onResult(r);
    out.push(r);
  }
  return out;
}

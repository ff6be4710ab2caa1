// Runs a run's data tests with fewer scans: the row-by-row tests (not_null, expression_is_true,
// accepted_values) of one relation and one `where:` are counted together in one query, each its
// own count(*) filter (count(distinct) for accepted_values, as dbt counts its rows); a test that
// fails is run again on its own for its sample, so each failing test is still reported by name
// with its failing rows. Should the shared query fail, each test runs on its own (its own error).
import type pg from 'pg';
import { quoteIdent } from './relation.ts';
import { isolatedQuery, runTest, testResult } from './tests.ts';
import type { RowCheck, TestResult } from './tests.ts';
import type { TestSpec } from './test-spec.ts';

export interface CompiledTest {
  spec: TestSpec;
  sql: string;
  check?: RowCheck;
}

/** Each test's result, in the order given; `onResult` as each one is known. */
export async function runTests(
  client: pg.ClientBase,
  tests: CompiledTest[],
  transaction: boolean,
  onResult: (r: TestResult) => void = () => {},
): Promise<TestResult[]> {
  const results = new Map<CompiledTest, TestResult>();
  const groups = new Map<string, CompiledTest[]>();
  for (const t of tests) {
    if (t.check === undefined) continue;
    const group = groups.get(t.check.from) ?? [];
    group.push(t);
    groups.set(t.check.from, group);
  }
  for (const [from, group] of groups) {
    if (group.length < 2) continue;
    const started = performance.now();
    let counts: Record<string, unknown> | undefined;
    try {
      const columns = group.map((t, i) => `${t.check!.distinct !== undefined ? `count(distinct ${t.check!.distinct})` : 'count(*)'} filter (where ${t.check!.failing}) as ${quoteIdent(`t${i}`)}`);
      counts = (await isolatedQuery(client, `select\n  ${columns.join(',\n  ')}\nfrom ${from}`, transaction))[0];
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

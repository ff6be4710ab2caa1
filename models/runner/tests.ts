// Generic data tests: each compiles to a query returning the failing rows; a test fails when it
// returns rows (or per error_if/warn_if). Queries follow dbt's built-in test macros.
import type pg from 'pg';
import type { CompiledProject } from './compile.ts';
import { quoteIdent, quoteLiteral } from './relation.ts';
import type { Relation } from './relation.ts';
import { ModelProjectError } from './errors.ts';
import { checkCondition } from './test-spec.ts';
import type { Severity, TestSpec, TestType } from './test-spec.ts';

export type TestStatus = 'pass' | 'warn' | 'fail' | 'error';

export interface TestResult {
  name: string;
  type: TestType;
  severity: Severity;
  status: TestStatus;
  /** Model tested (for model tests). */
  model?: string;
  /** `source.table` tested (for source tests). */
  source?: string;
  column?: string;
  /** Number of rows the test query returned (0 when passing). */
  failures: number;
  /** Up to 5 failing rows. */
  sampleRows: Array<Record<string, unknown>>;
  /** The sample rendered as text, one row per line. */
  sample: string;
  /** The database error when the test query itself failed. */
  error?: string;
  /** The compiled query returning the failing rows. */
  sql: string;
  /** YAML file declaring the test. */
  file: string;
  durationMs: number;
}

const SAMPLE_SIZE = 5;

/** What an undefined project generic test renders to, so compileTest can name it. */
const MISSING = '--dbt-runner-missing-generic-test';

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex').slice(0, 40)}`;
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatSample(rows: Array<Record<string, unknown>>): string {
  return rows.map((row) => Object.entries(row).map(([k, v]) => `${k}=${formatValue(v)}`).join(', ')).join('\n');
}

/** The relation a test reads, or undefined when its model is disabled / not compiled. */
function targetRelation(spec: TestSpec, compiled: CompiledProject): Relation | undefined {
  return spec.target.kind === 'model'
    ? compiled.models.get(spec.target.model)?.relation
    : compiled.sourceRelation(spec.target.source, spec.target.table);
}

function label(spec: TestSpec): string {
  const target = spec.target.kind === 'model' ? `模型 ${spec.target.model}` : `数据源 ${spec.target.source}.${spec.target.table}`;
  return `测试 ${spec.name}（${target}${spec.column !== undefined ? ` 的列 ${spec.column}` : ''}）`;
}

/**
 * Compile a test into the query returning its failing rows; undefined if its model is disabled.
 * `isIncremental`: what is_incremental() answers in the test's Jinja (its `where:` config, its
 * arguments, a generic test's body): whether this run updated the tested model in place. dbt
 * answers false for every test, so there a `where:` written with it keeps the whole table.
 */
export function compileTest(spec: TestSpec, compiled: CompiledProject, isIncremental = false): string | undefined {
  return compileParts(spec, compiled, isIncremental)?.sql;
}

/**
 * A test whose failing rows are the rows of `from` for which `failing` holds (not_null,
 * expression_is_true), or, with `distinct`, the distinct values of that column among them
 * (accepted_values); or whose failing rows `countOver` counts, given a relation holding the rows of
 * `from` (unique, relationships). Several of one relation are counted in one scan (test-batch.ts).
 */
export interface RowCheck {
  from: string;
  failing?: string;
  distinct?: string;
  /** A scalar query counting the test's failing rows over `rows` (a relation with the rows of `from`). */
  countOver?: (rows: string) => string;
}

/** The test's query, and its row check when it is one; undefined if its model is disabled. */
export function compileParts(spec: TestSpec, compiled: CompiledProject, isIncremental = false): { sql: string; check?: RowCheck } | undefined {
  const relation = targetRelation(spec, compiled);
  if (!relation) return undefined;
  const render = (text: string): string => compiled.renderSnippet(text, spec.file, label(spec), { isIncremental });
  const model = spec.where !== undefined
    ? `(select * from ${relation} where ${render(spec.where)}) dbt_subquery`
    : relation.toString();
  const column = spec.column === undefined ? '' : spec.quoteColumn ? quoteIdent(spec.column) : spec.column;
  const args = spec.args;
  switch (spec.type) {
    case 'not_null': {
      const failing = `${column} is null`;
      return { sql: `select ${column}\nfrom ${model}\nwhere ${failing}`, check: { from: model, failing } };
    }
    case 'expression_is_true': {
      const failing = `not (${column ? `${column} ` : ''}${render(String(args['expression']))})`;
      return { sql: `select *\nfrom ${model}\nwhere ${failing}`, check: { from: model, failing } };
    }
    case 'accepted_values': {
      const failing = `${column} not in (${acceptedValues(args)})`;
      return { sql: acceptedValuesSql(model, column, acceptedValues(args)), check: { from: model, failing, distinct: column } };
    }
    case 'unique':
      return { sql: otherTestSql(spec, model, column, render), check: { from: model, countOver: (rows) => `(select count(*) from (\n${uniqueSql(rows, column)}\n) dbt_unique)` } };
    case 'relationships':
      return { sql: otherTestSql(spec, model, column, render), check: { from: model, countOver: (rows) => `(select count(*) from (\n${relationshipsSql(rows, column, spec.args, render)}\n) dbt_relationships)` } };
    default:
      return { sql: otherTestSql(spec, model, column, render) };
  }
}

function uniqueSql(model: string, column: string): string {
  return [
    `select ${column} as unique_field, count(*) as n_records`,
    `from ${model}`,
    `where ${column} is not null`,
    `group by ${column}`,
    'having count(*) > 1',
  ].join('\n');
}

function relationshipsSql(model: string, column: string, args: Record<string, unknown>, render: (text: string) => string): string {
  const to = render(`{{ ${String(args['to'])} }}`);
  const field = String(args['field']);
  return [
    'with child as (',
    `  select ${column} as from_field from ${model} where ${column} is not null`,
    '), parent as (',
    `  select ${field} as to_field from ${to}`,
    ')',
    'select from_field from child',
    'left join parent on child.from_field = parent.to_field',
    'where parent.to_field is null',
  ].join('\n');
}

function acceptedValues(args: Record<string, unknown>): string {
  const quote = args['quote'] !== false;
  return (args['values'] as Array<string | number | boolean>)
    .map((v) => (quote ? quoteLiteral(String(v)) : String(v)))
    .join(', ');
}

function acceptedValuesSql(model: string, column: string, values: string): string {
  return [
    'with all_values as (',
    `  select ${column} as value_field, count(*) as n_records`,
    `  from ${model}`,
    `  group by ${column}`,
    ')',
    'select * from all_values',
    `where value_field not in (${values})`,
  ].join('\n');
}

/** unique, relationships and the project's generic tests. */
function otherTestSql(spec: TestSpec, model: string, column: string, render: (text: string) => string): string {
  const args = spec.args;
  if (spec.type === 'generic') {
    const sql = renderGeneric(spec, model, column, render);
    if (sql === MISSING) {
      throw new ModelProjectError(`${spec.file}：${label(spec)} 使用的通用测试 ${spec.generic} 不存在（tests/generic 中没有 {% test ${spec.generic}(model, ...) %}）`, spec.file);
    }
    return sql;
  }

  switch (spec.type) {
    case 'unique':
      return uniqueSql(model, column);
    case 'relationships':
      return relationshipsSql(model, column, args, render);
    default:
      throw new Error(`unexpected test type ${spec.type}`);
  }
}

/** A value as a Jinja literal (test arguments come from YAML: strings, numbers, booleans, lists, maps). */
function jinjaLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return `[${value.map(jinjaLiteral).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${jinjaLiteral(v)}`).join(', ')}}`;
  return JSON.stringify(value);
}

/** A project generic test: dbt calls its macro `test_<name>` with model, column_name and the arguments. */
function renderGeneric(spec: TestSpec, model: string, column: string, render: (text: string) => string): string {
  const args = [`model=${jinjaLiteral(model)}`, ...(spec.column !== undefined ? [`column_name=${jinjaLiteral(column)}`] : [])];
  for (const [key, value] of Object.entries(spec.args)) args.push(`${key}=${jinjaLiteral(value)}`);
  const name = `test_${spec.generic}`;
  return render(`{% if ${name} is defined %}{{ ${name}(${args.join(', ')}) }}{% else %}${MISSING}{% endif %}`).trim();
}

/**
 * Whether the client is inside a transaction block: there a test runs under a savepoint, so that its
 * failure does not abort the caller's transaction; outside one (autocommit) it leaves nothing behind.
 */
export async function inTransaction(client: pg.ClientBase): Promise<boolean> {
  try {
    await client.query('savepoint dbt_runner_probe');
  } catch (err) {
    if ((err as { code?: string }).code === '25P01') return false; // not in a transaction
    throw err;
  }
  await client.query('release savepoint dbt_runner_probe');
  return true;
}

/** One query, under a savepoint in a transaction; one round trip (savepoint, query, release in one simple query). */
export async function isolatedQuery(client: pg.ClientBase, sql: string, transaction: boolean): Promise<Array<Record<string, unknown>>> {
  if (!transaction) return (await client.query(sql)).rows as Array<Record<string, unknown>>;
  try {
    const results = (await client.query(`savepoint dbt_runner_test;\n${sql};\nrelease savepoint dbt_runner_test`)) as unknown as pg.QueryResult[];
    return (results[1]?.rows ?? []) as Array<Record<string, unknown>>;
  } catch (err) {
    await client.query('rollback to savepoint dbt_runner_test; release savepoint dbt_runner_test');
    throw err;
  }
}

/** The result of a test that returned `failures` rows: its status by severity, error_if and warn_if. */
export function testResult(spec: TestSpec, sql: string, failures: number, sampleRows: Array<Record<string, unknown>>, durationMs: number): TestResult {
  let status: TestStatus = 'pass';
  if (spec.severity === 'error' && checkCondition(spec.errorIf, failures)) status = 'fail';
  else if (checkCondition(spec.warnIf, failures)) status = 'warn';
  return { ...testBase(spec, sql), status, failures, sampleRows, sample: formatSample(sampleRows), durationMs };
}

function testBase(spec: TestSpec, sql: string): Pick<TestResult, 'name' | 'type' | 'severity' | 'model' | 'source' | 'column' | 'sql' | 'file'> {
  return {
    name: spec.name,
    type: spec.type,
    severity: spec.severity,
    ...(spec.target.kind === 'model'
      ? { model: spec.target.model }
      : { source: `${spec.target.source}.${spec.target.table}` }),
    ...(spec.column !== undefined ? { column: spec.column } : {}),
    sql,
    file: spec.file,
  };
}

/** `transaction`: whether the client is in a transaction (inTransaction), asked when not given. */
export async function runTest(client: pg.ClientBase, spec: TestSpec, sql: string, transaction?: boolean): Promise<TestResult> {
  const started = performance.now();
  const base = testBase(spec, sql);
  try {
    const inTx = transaction ?? (await inTransaction(client));
    const counted = await isolatedQuery(client, `select count(*) as failures from (\n${sql}\n) dbt_internal_test`, inTx);
    const failures = Number(counted[0]?.['failures'] ?? 0);
    const sampleRows = failures > 0 ? await isolatedQuery(client, `select * from (\n${sql}\n) dbt_internal_test limit ${SAMPLE_SIZE}`, inTx) : [];
    return testResult(spec, sql, failures, sampleRows, performance.now() - started);
  } catch (err) {
    return {
      ...base,
      status: 'error',
      failures: 0,
      sampleRows: [],
      sample: '',
      error: (err as Error).message,
      durationMs: performance.now() - started,
    };
  }
}

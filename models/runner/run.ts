// Runs a dbt project against PostgreSQL: load, compile, order, build the models, run the tests.
// Everything runs on the given client inside the caller's transaction (no begin/commit here).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { compileProject } from './compile.ts';
import type { CompileOptions } from './compile.ts';
import type { Materialization } from './config.ts';
import { ModelTestFailure } from './errors.ts';
import { buildGraph } from './graph.ts';
import { materialize } from './materialize.ts';
import { loadProject } from './project.ts';
import { quoteIdent } from './relation.ts';
import { selectModels } from './select.ts';
import { compileTest, runTest } from './tests.ts';
import type { TestResult } from './tests.ts';
import type { TestSpec } from './test-spec.ts';

export interface RunOptions extends CompileOptions {
  /** The dbt project root (the folder holding dbt_project.yml). */
  projectDir: string;
  /** dbt-style selectors (`name`, `+name`, `name+`, `tag:x`, `path:dir`, `stg_*`); default: all models. */
  select?: string[];
  /** When set, compiled SQL is written there (like dbt's target/compiled) and named in errors. */
  compiledDir?: string;
  /** Progress messages. */
  log?: (message: string) => void;
}

export interface ModelRunResult {
  name: string;
  file: string;
  /** `"schema"."identifier"` */
  relation: string;
  materialized: Materialization;
  durationMs: number;
  /** Rows in the built table; null for views. */
  rowCount: number | null;
}

export interface RunResult {
  /** Built models, in build order. */
  models: ModelRunResult[];
  tests: TestResult[];
  warnings: string[];
  durationMs: number;
}

export async function runModels(client: pg.ClientBase, options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const log = options.log ?? ((): void => {});
  const project = await loadProject(options.projectDir);
  const compiled = compileProject(project, options);
  const graph = buildGraph(new Map([...compiled.models].map(([name, m]) => [name, { deps: m.refs, file: m.node.file }])));
  const selected = selectModels(options.select, compiled.models, graph);
  const order = graph.order.filter((name) => selected.has(name));
  const selecting = (options.select ?? []).length > 0;

  // Compile the tests before touching the database so that YAML/Jinja problems surface first.
  const tests: Array<{ spec: TestSpec; sql: string }> = [];
  for (const spec of project.tests) {
    const inScope = spec.target.kind === 'model' ? selected.has(spec.target.model) : !selecting;
    if (!inScope) continue;
    const sql = compileTest(spec, compiled);
    if (sql !== undefined) tests.push({ spec, sql });
  }

  const compiledFiles = new Map<string, string>();
  if (options.compiledDir !== undefined) {
    const root = path.resolve(options.compiledDir);
    for (const name of order) {
      const m = compiled.models.get(name)!;
      const file = path.join(root, m.node.file);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, `${m.sql}\n`);
      compiledFiles.set(name, file);
    }
    for (const t of tests) {
      const file = path.join(root, 'tests', `${t.spec.name}.sql`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, `${t.sql}\n`);
    }
  }

  const schemas = [...new Set(order.map((name) => compiled.models.get(name)!.relation.schema))];
  for (const schema of schemas) {
    try {
      await client.query(`create schema if not exists ${quoteIdent(schema)}`);
    } catch (err) {
      throw new Error(`创建 schema ${schema} 失败：${(err as Error).message}`, { cause: err });
    }
  }

  const models: ModelRunResult[] = [];
  for (const name of order) {
    const m = compiled.models.get(name)!;
    log(`构建模型 ${name} → ${m.relation}（${m.config.materialized}）`);
    const t0 = performance.now();
    const { rowCount } = await materialize(client, m, compiledFiles.get(name));
    models.push({
      name,
      file: m.node.file,
      relation: m.relation.toString(),
      materialized: m.config.materialized,
      durationMs: performance.now() - t0,
      rowCount,
    });
  }

  const results: TestResult[] = [];
  for (const t of tests) {
    const r = await runTest(client, t.spec, t.sql);
    log(`测试 ${r.name}：${r.status}${r.failures > 0 ? `（${r.failures} 行）` : ''}`);
    results.push(r);
  }

  const warnings = [...project.warnings];
  for (const r of results) {
    if (r.status === 'warn') warnings.push(`测试 ${r.name}（${r.file}）有 ${r.failures} 行不符合（severity: warn）`);
  }
  const result: RunResult = { models, tests: results, warnings, durationMs: performance.now() - started };
  const failures = results.filter((r) => r.status === 'fail' || r.status === 'error');
  if (failures.length > 0) throw new ModelTestFailure(failures, result);
  return result;
}

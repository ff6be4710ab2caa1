// Error types raised by the model runner. Messages are for users (Simplified Chinese).
import type { TestResult } from './tests.ts';
import type { RunResult } from './run.ts';

/** The project cannot be loaded or compiled: bad YAML, unknown ref/source, cycle, bad config... */
export class ModelProjectError extends Error {
  override name = 'ModelProjectError';

  constructor(
    message: string,
    /** File (relative to the project directory) the problem is in, when known. */
    readonly file?: string,
  ) {
    super(message);
  }
}

export interface SqlPosition {
  /** 1-based line in the compiled SQL. */
  line: number;
  /** 1-based column in the compiled SQL. */
  column: number;
  /** The text of that line. */
  lineText: string;
  /** The same line in the model's source file, when it can be told (the line text occurs once there). */
  sourceLine?: number;
}

export type ModelPhase = 'pre_hook' | 'build' | 'index' | 'post_hook' | 'publish';

export interface ModelRunErrorDetails {
  model: string;
  file: string;
  relation: string;
  phase: ModelPhase;
  pgMessage: string;
  pgCode: string | undefined;
  pgDetail: string | undefined;
  pgHint: string | undefined;
  /** Where PostgreSQL located the error inside the compiled model SQL, if it did. */
  position: SqlPosition | undefined;
  /** The compiled SQL of the model (select statement). */
  compiledSql: string;
  /** Where the compiled SQL was written, when `compiledDir` was given. */
  compiledFile: string | undefined;
  /** The exact statement that failed. */
  statement: string;
}

const PHASE_LABEL: Record<ModelPhase, string> = {
  pre_hook: '执行 pre_hook 时',
  build: '构建时',
  index: '创建索引时',
  post_hook: '执行 post_hook 时',
  publish: '发布（替换旧的表或视图）时',
};

/** A model failed to build. The caller's transaction is aborted and must be rolled back. */
export class ModelRunError extends Error implements ModelRunErrorDetails {
  override name = 'ModelRunError';
  readonly model: string;
  readonly file: string;
  readonly relation: string;
  readonly phase: ModelPhase;
  readonly pgMessage: string;
  readonly pgCode: string | undefined;
  readonly pgDetail: string | undefined;
  readonly pgHint: string | undefined;
  readonly position: SqlPosition | undefined;
  readonly compiledSql: string;
  readonly compiledFile: string | undefined;
  readonly statement: string;

  constructor(details: ModelRunErrorDetails, options?: { cause?: unknown }) {
    super(formatRunError(details), options);
    this.model = details.model;
    this.file = details.file;
    this.relation = details.relation;
    this.phase = details.phase;
    this.pgMessage = details.pgMessage;
    this.pgCode = details.pgCode;
    this.pgDetail = details.pgDetail;
    this.pgHint = details.pgHint;
    this.position = details.position;
    this.compiledSql = details.compiledSql;
    this.compiledFile = details.compiledFile;
    this.statement = details.statement;
  }
}

function formatRunError(d: ModelRunErrorDetails): string {
  const lines = [`模型 ${d.model}（${d.file}）${PHASE_LABEL[d.phase]}失败：${d.pgMessage}`];
  if (d.pgDetail) lines.push(`  详情：${d.pgDetail}`);
  if (d.pgHint) lines.push(`  提示：${d.pgHint}`);
  if (d.position) {
    const where = d.compiledFile ?? '编译后的 SQL';
    const source = d.position.sourceLine !== undefined ? `（源文件 ${d.file} 第 ${d.position.sourceLine} 行）` : '';
    lines.push(`  位置：${where} 第 ${d.position.line} 行第 ${d.position.column} 列${source}`);
    lines.push(`    ${d.position.lineText}`);
    lines.push(`    ${' '.repeat(Math.max(0, d.position.column - 1))}^`);
  } else if (d.compiledFile) {
    lines.push(`  编译后的 SQL：${d.compiledFile}`);
  }
  return lines.join('\n');
}

/** One or more error-severity tests failed (thrown after all tests ran). */
export class ModelTestFailure extends Error {
  override name = 'ModelTestFailure';

  constructor(
    /** The tests that failed (status `fail` or `error`). */
    readonly failures: TestResult[],
    /** The whole run, including passing tests and warnings. */
    readonly result: RunResult,
  ) {
    super(formatTestFailures(failures));
  }
}

export function describeTestTarget(t: TestResult): string {
  const target = t.model !== undefined ? `模型 ${t.model}` : `数据源 ${t.source ?? '?'}`;
  return t.column !== undefined ? `${target} 的列 ${t.column}` : target;
}

function formatTestFailures(failures: TestResult[]): string {
  const lines = [`${failures.length} 个数据测试未通过：`];
  for (const t of failures) {
    if (t.status === 'error') {
      lines.push(`- ${t.name}（${describeTestTarget(t)}，${t.file}）执行出错：${t.error ?? ''}`);
      continue;
    }
    lines.push(`- ${t.name}（${describeTestTarget(t)}，${t.file}）：${t.failures} 行不符合`);
    if (t.sample) lines.push(t.sample.replace(/^/gm, '    '));
  }
  return lines.join('\n');
}

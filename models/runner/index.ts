// Public API of the dbt-compatible model runner.
export { runModels, COMPARE_ROWS } from './run.ts';
export type { RunOptions, RunResult, ModelRunResult, SkippedModel, BuildMode, FullRefreshReason } from './run.ts';
export { STATE_TABLE } from './state.ts';
export { ModelProjectError, ModelRunError, ModelTestFailure } from './errors.ts';
export type { ModelPhase, SqlPosition } from './errors.ts';
export type { TestResult, TestStatus } from './tests.ts';
export type { TestType, Severity } from './test-spec.ts';
export { loadProject } from './project.ts';
export type { Project, ModelNode } from './project.ts';
export { compileProject } from './compile.ts';
export type { CompileOptions, CompiledModel, CompiledProject } from './compile.ts';

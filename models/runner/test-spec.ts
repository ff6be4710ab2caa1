// Turns the `tests:` / `data_tests:` entries of dbt YAML files into test specifications.
import { ModelProjectError } from './errors.ts';

export type TestType = 'unique' | 'not_null' | 'accepted_values' | 'relationships' | 'expression_is_true' | 'generic';

export type TestTarget =
  | { kind: 'model'; model: string }
  | { kind: 'source'; source: string; table: string };

export type Severity = 'error' | 'warn';

export interface TestSpec {
  type: TestType;
  /** Unique test name, dbt style (e.g. `not_null_stg_people_id`). */
  name: string;
  target: TestTarget;
  /** Column the test is about: the YAML column, or the `column_name` argument. */
  column: string | undefined;
  /** Quote the column as an identifier (column `quote: true`); otherwise it is used as written. */
  quoteColumn: boolean;
  /** Test arguments: values/quote, to/field, expression; a project generic test's own arguments. */
  args: Record<string, unknown>;
  /** The project generic test (`{% test name(model, ...) %}` in the test-paths) when `type` is `generic`. */
  generic?: string;
  where: string | undefined;
  severity: Severity;
  errorIf: string;
  warnIf: string;
  /** YAML file the test is declared in (relative to the project directory). */
  file: string;
}

const TEST_TYPES: Record<string, TestType> = {
  unique: 'unique',
  not_null: 'not_null',
  accepted_values: 'accepted_values',
  relationships: 'relationships',
  expression_is_true: 'expression_is_true',
  'dbt_utils.expression_is_true': 'expression_is_true',
};

/** Test config keys accepted and ignored (they change nothing in this runner). */
const IGNORED_CONFIG = new Set(['tags', 'meta', 'store_failures', 'store_failures_as', 'alias', 'schema', 'database', 'description']);
const UNSUPPORTED_CONFIG = new Set(['fail_calc', 'limit']);
const CONFIG_KEYS = new Set(['where', 'severity', 'error_if', 'warn_if', 'enabled', ...IGNORED_CONFIG, ...UNSUPPORTED_CONFIG]);

export interface TestContext {
  target: TestTarget;
  column: string | undefined;
  quoteColumn: boolean;
  file: string;
  /** For messages, e.g. `模型 stg_people 的列 id`. */
  label: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The entries under `tests:` or `data_tests:` (never both). */
export function testEntries(
  owner: Record<string, unknown>,
  label: string,
  file: string,
): unknown[] {
  const tests = owner['tests'];
  const dataTests = owner['data_tests'];
  if (tests != null && dataTests != null) {
    throw new ModelProjectError(`${file}：${label} 同时写了 tests 和 data_tests，只能用其中一个`, file);
  }
  const list = tests ?? dataTests ?? [];
  if (!Array.isArray(list)) {
    throw new ModelProjectError(`${file}：${label} 的 tests/data_tests 必须是列表`, file);
  }
  return list;
}

const CONDITION = /^\s*(>=|<=|!=|<>|==|=|>|<)\s*(\d+)\s*$/;

export function checkCondition(condition: string, failures: number): boolean {
  const m = CONDITION.exec(condition);
  if (!m) return failures !== 0;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>=': return failures >= n;
    case '<=': return failures <= n;
    case '>': return failures > n;
    case '<': return failures < n;
    case '!=': case '<>': return failures !== n;
    default: return failures === n;
  }
}

/** Parse one test entry. Returns undefined for a test disabled with `enabled: false`. */
export function parseTestEntry(entry: unknown, ctx: TestContext): Omit<TestSpec, 'name'> & { customName: string | undefined } | undefined {
  const where = `${ctx.file}：${ctx.label} 的测试`;
  let typeName: string;
  let body: Record<string, unknown>;
  if (typeof entry === 'string') {
    typeName = entry;
    body = {};
  } else if (isPlainObject(entry) && typeof entry['test_name'] === 'string') {
    typeName = entry['test_name'];
    body = { ...entry };
    delete body['test_name'];
  } else if (isPlainObject(entry) && Object.keys(entry).length === 1) {
    const [key, value] = Object.entries(entry)[0]!;
    typeName = key;
    if (value != null && !isPlainObject(value)) {
      throw new ModelProjectError(`${where} ${key} 的参数必须是一个映射（键: 值）`, ctx.file);
    }
    body = { ...(value ?? {}) };
  } else {
    throw new ModelProjectError(`${where}写法无法识别：${JSON.stringify(entry)}`, ctx.file);
  }

  // Any other plain name is a project generic test (tests/generic/*.sql); whether it exists is
  // checked when the test compiles, where the project's tests are known.
  const type: TestType | undefined = TEST_TYPES[typeName] ?? (/^[A-Za-z_][A-Za-z0-9_]*$/.test(typeName) ? 'generic' : undefined);
  if (!type) {
    throw new ModelProjectError(
      `${where} ${typeName} 不受支持；支持的通用测试：unique、not_null、accepted_values、relationships、dbt_utils.expression_is_true 和项目 tests/generic 中定义的测试`,
      ctx.file,
    );
  }

  const customName = typeof body['name'] === 'string' ? body['name'] : undefined;
  delete body['name'];

  // Configs may sit under `config:` or (older dbt style) next to the arguments.
  const config: Record<string, unknown> = {};
  if (body['config'] != null) {
    if (!isPlainObject(body['config'])) throw new ModelProjectError(`${where} ${typeName} 的 config 必须是映射`, ctx.file);
    Object.assign(config, body['config']);
  }
  delete body['config'];
  let args: Record<string, unknown> = {};
  if (body['arguments'] != null) {
    if (!isPlainObject(body['arguments'])) throw new ModelProjectError(`${where} ${typeName} 的 arguments 必须是映射`, ctx.file);
    args = { ...body['arguments'] };
  }
  delete body['arguments'];
  for (const [key, value] of Object.entries(body)) {
    if (CONFIG_KEYS.has(key)) config[key] = value;
    else args[key] = value;
  }
  for (const key of Object.keys(config)) {
    if (UNSUPPORTED_CONFIG.has(key)) throw new ModelProjectError(`${where} ${typeName} 的 config.${key} 不受支持`, ctx.file);
    if (!CONFIG_KEYS.has(key)) throw new ModelProjectError(`${where} ${typeName} 的 config.${key} 无法识别`, ctx.file);
  }
  if (config['enabled'] === false) return undefined;

  const severityRaw = config['severity'] ?? 'error';
  const severity = typeof severityRaw === 'string' ? severityRaw.toLowerCase() : '';
  if (severity !== 'error' && severity !== 'warn') {
    throw new ModelProjectError(`${where} ${typeName} 的 severity 只能是 warn 或 error`, ctx.file);
  }
  const optionalString = (key: string, source: Record<string, unknown>): string | undefined => {
    const v = source[key];
    if (v == null) return undefined;
    if (typeof v !== 'string' && typeof v !== 'number') {
      throw new ModelProjectError(`${where} ${typeName} 的 ${key} 必须是字符串`, ctx.file);
    }
    return String(v);
  };
  const errorIf = optionalString('error_if', config) ?? '!=0';
  const warnIf = optionalString('warn_if', config) ?? '!=0';
  for (const [key, cond] of [['error_if', errorIf], ['warn_if', warnIf]] as const) {
    if (!CONDITION.test(cond)) throw new ModelProjectError(`${where} ${typeName} 的 ${key}='${cond}' 无法识别（例：'>10'）`, ctx.file);
  }

  let column = ctx.column;
  let quoteColumn = ctx.quoteColumn;
  if (args['column_name'] != null) {
    column = String(args['column_name']);
    quoteColumn = false;
    delete args['column_name'];
  }
  const needsColumn = type !== 'expression_is_true' && type !== 'generic';
  if (needsColumn && column === undefined) {
    throw new ModelProjectError(`${where} ${typeName} 需要写在列下面（或给出 column_name）`, ctx.file);
  }
  const requireString = (key: string): void => {
    if (typeof args[key] !== 'string' || args[key] === '') {
      throw new ModelProjectError(`${where} ${typeName} 缺少参数 ${key}（字符串）`, ctx.file);
    }
  };
  if (type === 'accepted_values') {
    const values = args['values'];
    if (!Array.isArray(values) || values.length === 0 || values.some((v) => v === null || typeof v === 'object')) {
      throw new ModelProjectError(`${where} accepted_values 需要非空的 values 列表（字符串或数字）`, ctx.file);
    }
    if (args['quote'] != null && typeof args['quote'] !== 'boolean') {
      throw new ModelProjectError(`${where} accepted_values 的 quote 只能是 true 或 false`, ctx.file);
    }
  } else if (type === 'relationships') {
    requireString('to');
    requireString('field');
  } else if (type === 'expression_is_true') {
    requireString('expression');
  }

  return {
    type,
    ...(type === 'generic' ? { generic: typeName } : {}),
    customName,
    target: ctx.target,
    column,
    quoteColumn,
    args,
    where: optionalString('where', config),
    severity,
    errorIf,
    warnIf,
    file: ctx.file,
  };
}

function sanitize(part: string): string {
  return part.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
}

/** dbt-like default test name. */
export function defaultTestName(spec: Omit<TestSpec, 'name'>): string {
  const target = spec.target.kind === 'model' ? [spec.target.model] : [spec.target.source, spec.target.table];
  const prefix = spec.target.kind === 'source' ? 'source_' : '';
  const parts = [prefix + (spec.generic ?? spec.type), ...target];
  if (spec.column !== undefined) parts.push(spec.column);
  return parts.map(sanitize).filter(Boolean).join('_');
}

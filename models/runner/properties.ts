// Reads dbt property files (*.yml / *.yaml in the model paths): `sources:` and `models:`.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ModelProjectError } from './errors.ts';
import { parseYaml } from './parse-cache.ts';
import { defaultTestName, parseTestEntry, testEntries } from './test-spec.ts';
import type { TestContext, TestSpec, TestTarget } from './test-spec.ts';

const columnSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().nullish(),
  quote: z.boolean().nullish(),
});

const modelSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().nullish(),
  config: z.record(z.string(), z.unknown()).nullish(),
  columns: z.array(columnSchema).nullish(),
});

const sourceTableSchema = z.looseObject({
  name: z.string().min(1),
  identifier: z.string().min(1).nullish(),
  description: z.string().nullish(),
  columns: z.array(columnSchema).nullish(),
});

const sourceSchema = z.looseObject({
  name: z.string().min(1),
  schema: z.string().min(1).nullish(),
  description: z.string().nullish(),
  tables: z.array(sourceTableSchema).nullish(),
});

const propertiesSchema = z.looseObject({
  version: z.union([z.number(), z.string()]).nullish(),
  sources: z.array(sourceSchema).nullish(),
  models: z.array(modelSchema).nullish(),
});

export interface ColumnProperties {
  name: string;
  description: string | undefined;
}

export interface ModelProperties {
  name: string;
  description: string | undefined;
  columns: ColumnProperties[];
  /** `config:` of the model entry (applied between dbt_project.yml and the SQL config()). */
  config: Record<string, unknown>;
  /** Property file the entry is in. */
  file: string;
}

export interface SourceTable {
  source: string;
  table: string;
  schema: string;
  identifier: string;
  description: string | undefined;
  columns: ColumnProperties[];
  file: string;
}

export interface PropertiesResult {
  models: ModelProperties[];
  sources: SourceTable[];
  tests: TestSpec[];
}

function zodProblems(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(根)'}：${i.message}`).join('；');
}

type Column = z.infer<typeof columnSchema>;

function collectTests(
  owner: Record<string, unknown>,
  columns: Column[],
  target: TestTarget,
  targetLabel: string,
  file: string,
  out: Array<Omit<TestSpec, 'name'> & { customName: string | undefined }>,
): void {
  const add = (entries: unknown[], ctx: TestContext): void => {
    for (const entry of entries) {
      const spec = parseTestEntry(entry, ctx);
      if (spec) out.push(spec);
    }
  };
  add(testEntries(owner, targetLabel, file), {
    target, column: undefined, quoteColumn: false, file, label: targetLabel,
  });
  for (const column of columns) {
    const label = `${targetLabel} 的列 ${column.name}`;
    add(testEntries(column, label, file), {
      target, column: column.name, quoteColumn: column.quote === true, file, label,
    });
  }
}

/** Read and validate property files; `files` are [absolute path, path relative to the project]. */
/** `cacheDir`: the parse cache (parse-cache.ts), if any. */
export async function readProperties(files: Array<[string, string]>, cacheDir?: string): Promise<PropertiesResult> {
  const models: ModelProperties[] = [];
  const sources: SourceTable[] = [];
  const pending: Array<Omit<TestSpec, 'name'> & { customName: string | undefined }> = [];
  const seenModels = new Map<string, string>();
  const seenSources = new Map<string, string>();

  for (const [absPath, file] of files) {
    let doc: unknown;
    try {
      doc = parseYaml(await readFile(absPath, 'utf8'), cacheDir);
    } catch (err) {
      throw new ModelProjectError(`${file} 不是有效的 YAML：${(err as Error).message}`, file);
    }
    if (doc == null) continue;
    const parsed = propertiesSchema.safeParse(doc);
    if (!parsed.success) {
      throw new ModelProjectError(`${file} 的格式不正确：${zodProblems(parsed.error)}`, file);
    }

    for (const m of parsed.data.models ?? []) {
      const previous = seenModels.get(m.name);
      if (previous !== undefined) {
        throw new ModelProjectError(`模型 ${m.name} 的属性在 ${previous} 和 ${file} 中重复定义`, file);
      }
      seenModels.set(m.name, file);
      const columns = m.columns ?? [];
      models.push({
        name: m.name,
        description: m.description ?? undefined,
        columns: columns.map((c) => ({ name: c.name, description: c.description ?? undefined })),
        config: m.config ?? {},
        file,
      });
      collectTests(m, columns, { kind: 'model', model: m.name }, `模型 ${m.name}`, file, pending);
    }

    for (const s of parsed.data.sources ?? []) {
      for (const t of s.tables ?? []) {
        const key = `${s.name}.${t.name}`;
        const previous = seenSources.get(key);
        if (previous !== undefined) {
          throw new ModelProjectError(`数据源表 ${key} 在 ${previous} 和 ${file} 中重复定义`, file);
        }
        seenSources.set(key, file);
        const columns = t.columns ?? [];
        sources.push({
          source: s.name,
          table: t.name,
          schema: s.schema ?? s.name,
          identifier: t.identifier ?? t.name,
          description: t.description ?? undefined,
          columns: columns.map((c) => ({ name: c.name, description: c.description ?? undefined })),
          file,
        });
        collectTests(t, columns, { kind: 'source', source: s.name, table: t.name }, `数据源 ${key}`, file, pending);
      }
    }
  }

  // Name the tests; same default names get a numeric suffix, custom names must be unique.
  const tests: TestSpec[] = [];
  const used = new Set<string>();
  for (const spec of pending) {
    const { customName, ...rest } = spec;
    let name = customName ?? defaultTestName(rest);
    if (used.has(name)) {
      if (customName !== undefined) {
        throw new ModelProjectError(`${spec.file}：测试名 ${customName} 重复`, spec.file);
      }
      let i = 2;
      while (used.has(`${name}_${i}`)) i++;
      name = `${name}_${i}`;
    }
    used.add(name);
    tests.push({ ...rest, name });
  }
  return { models, sources, tests };
}

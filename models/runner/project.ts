// Loads a dbt project: dbt_project.yml, the .sql models and the YAML property files.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { resolveFolderConfig } from './config.ts';
import type { ConfigDict } from './config.ts';
import { ModelProjectError } from './errors.ts';
import { readGenericTests, readMacroFiles, type MacroFile } from './macros.ts';
import { defaultCacheDir, parseYaml } from './parse-cache.ts';
import { readProperties } from './properties.ts';
import type { ModelProperties, SourceTable } from './properties.ts';
import type { TestSpec } from './test-spec.ts';

const projectFileSchema = z.looseObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, '只能包含字母、数字和下划线，且不能以数字开头'),
  version: z.union([z.string(), z.number()]).nullish(),
  'config-version': z.literal(2).nullish(),
  profile: z.string().nullish(),
  'model-paths': z.array(z.string().min(1)).nullish(),
  'source-paths': z.array(z.string().min(1)).nullish(),
  'macro-paths': z.array(z.string().min(1)).nullish(),
  'test-paths': z.array(z.string().min(1)).nullish(),
  vars: z.record(z.string(), z.unknown()).nullish(),
  models: z.record(z.string(), z.unknown()).nullish(),
});

export interface ModelNode {
  name: string;
  /** Path relative to the project directory, with `/` separators (used in messages). */
  file: string;
  absPath: string;
  /** dbt fully qualified name: [project, ...folders below the model path, model]. */
  fqn: string[];
  rawSql: string;
  /** Config from dbt_project.yml `models:` merged down the fqn. */
  projectConfig: ConfigDict;
  properties: ModelProperties | undefined;
}

export interface Project {
  dir: string;
  name: string;
  modelPaths: string[];
  /** The `.sql` files of `macro-paths` (default `macros`) and the generic tests of `test-paths` (default `tests`). */
  macros: MacroFile[];
  vars: Record<string, unknown>;
  /** All models found, by name (disabled ones included). */
  models: Map<string, ModelNode>;
  /** Source tables by `source.table`. */
  sources: Map<string, SourceTable>;
  tests: TestSpec[];
  warnings: string[];
  /** Where parsed YAML and compiled templates are kept between runs (parse-cache.ts); undefined: nowhere. */
  cacheDir?: string;
}

export interface LoadOptions {
  /** The parse cache's folder; default `<project>/target/runner_cache`; false: none. */
  cacheDir?: string | false;
}

const PROJECT_FILE = 'dbt_project.yml';

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Files under `dir` (recursively) with one of the extensions, skipping dbt's ignored names. */
async function findFiles(dir: string, extensions: string[]): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (/^[.#~]/.test(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await findFiles(full, extensions)));
    else if (entry.isFile() && extensions.some((ext) => entry.name.endsWith(ext))) out.push(full);
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Global vars, with vars scoped to this project (`vars: {<project>: {...}}`) taking precedence. */
function projectVars(vars: Record<string, unknown>, projectName: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...vars };
  const scoped = vars[projectName];
  if (isPlainObject(scoped)) {
    delete out[projectName];
    Object.assign(out, scoped);
  }
  return out;
}

export async function loadProject(projectDir: string, options: LoadOptions = {}): Promise<Project> {
  const dir = path.resolve(projectDir);
  const cacheDir = options.cacheDir === false ? undefined : path.resolve(dir, options.cacheDir ?? defaultCacheDir(dir));
  const projectPath = path.join(dir, PROJECT_FILE);
  let text: string;
  try {
    text = await readFile(projectPath, 'utf8');
  } catch {
    throw new ModelProjectError(`找不到 ${projectPath}：projectDir 必须是 dbt 项目的根目录`, PROJECT_FILE);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, cacheDir);
  } catch (err) {
    throw new ModelProjectError(`${PROJECT_FILE} 不是有效的 YAML：${(err as Error).message}`, PROJECT_FILE);
  }
  const parsed = projectFileSchema.safeParse(doc);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(根)'}：${i.message}`).join('；');
    throw new ModelProjectError(`${PROJECT_FILE} 的格式不正确：${problems}`, PROJECT_FILE);
  }
  const cfg = parsed.data;
  const warnings: string[] = [];
  const modelPaths = (cfg['model-paths'] ?? cfg['source-paths'] ?? ['models']).map((p) => toPosix(path.normalize(p)).replace(/\/$/, ''));

  // Discover models and property files.
  const models = new Map<string, ModelNode>();
  const propertyFiles: Array<[string, string]> = [];
  const sqlFiles: Array<{ abs: string; file: string; fqn: string[]; name: string }> = [];
  for (const modelPath of modelPaths) {
    const root = path.join(dir, modelPath);
    if (!(await isDirectory(root))) {
      warnings.push(`${PROJECT_FILE} 的 model-paths 中的目录 ${modelPath} 不存在`);
      continue;
    }
    for (const abs of await findFiles(root, ['.sql', '.yml', '.yaml', '.py'])) {
      const file = toPosix(path.relative(dir, abs));
      if (abs.endsWith('.py')) {
        throw new ModelProjectError(`${file}：不支持 Python 模型`, file);
      }
      if (!abs.endsWith('.sql')) {
        propertyFiles.push([abs, file]);
        continue;
      }
      const relToModelPath = toPosix(path.relative(root, abs));
      const name = path.basename(abs, '.sql');
      const folders = relToModelPath.split('/').slice(0, -1);
      sqlFiles.push({ abs, file, name, fqn: [cfg.name, ...folders, name] });
    }
  }

  const props = await readProperties(propertyFiles, cacheDir);
  const propsByModel = new Map(props.models.map((m) => [m.name, m]));
  const folderConfig = resolveFolderConfig(cfg.models ?? {}, cfg.name, sqlFiles);
  checkUnusedConfigPaths(folderConfig.unusedPaths, modelPaths, cfg.name, warnings);

  for (const f of sqlFiles) {
    const existing = models.get(f.name);
    if (existing) {
      throw new ModelProjectError(`模型名 ${f.name} 重复：${existing.file} 和 ${f.file}（dbt 要求模型名唯一）`, f.file);
    }
    models.set(f.name, {
      name: f.name,
      file: f.file,
      absPath: f.abs,
      fqn: f.fqn,
      rawSql: await readFile(f.abs, 'utf8'),
      projectConfig: folderConfig.byModel.get(f.name) ?? {},
      properties: propsByModel.get(f.name),
    });
  }

  for (const m of props.models) {
    if (!models.has(m.name)) warnings.push(`${m.file} 描述了模型 ${m.name}，但没有找到对应的 ${m.name}.sql`);
  }
  const tests = props.tests.filter((t) => t.target.kind === 'source' || models.has(t.target.model));

  return {
    dir,
    name: cfg.name,
    modelPaths,
    macros: [
      ...(await readMacroFiles(dir, cfg['macro-paths'] ?? ['macros'])),
      ...(await readGenericTests(dir, cfg['test-paths'] ?? ['tests'])),
    ],
    vars: projectVars(cfg.vars ?? {}, cfg.name),
    models,
    sources: new Map(props.sources.map((s) => [`${s.source}.${s.table}`, s])),
    tests,
    warnings,
    ...(cacheDir !== undefined ? { cacheDir } : {}),
  };
}

/**
 * dbt builds a model's fqn from the folders *below* its model path, so a config block named after a
 * model path (e.g. `staging:` when model-paths contains `staging`) silently applies to nothing in dbt.
 * That would make this runner and dbt disagree, so it is an error; other unused paths are warnings.
 */
function checkUnusedConfigPaths(unused: string[][], modelPaths: string[], projectName: string, warnings: string[]): void {
  for (const p of unused) {
    const key = p[1];
    if (p[0] === projectName && p.length === 2 && key !== undefined && modelPaths.includes(key)) {
      throw new ModelProjectError(
        `${PROJECT_FILE} 中 models.${p.join('.')} 的配置不会作用于任何模型：dbt 计算模型的 fqn 时不包含 model-paths 目录本身，` +
          `${key}/ 下的模型 fqn 是 [${projectName}, 模型名]，真实的 dbt 也会忽略这段配置（只给出警告）。` +
          `请改用以下任一写法：在模型 SQL 中写 {{ config(materialized=..., schema=...) }}；在 .yml 的 models 条目中写 config:；` +
          `或让 model-paths 指向上一级目录（例如 model-paths: ["models"]，模型放在 models/${key}/ 下）`,
        PROJECT_FILE,
      );
    }
    warnings.push(`${PROJECT_FILE} 中 models.${p.join('.')} 的配置没有作用于任何模型`);
  }
}

// Model configuration: the `models:` block of dbt_project.yml, merging rules and validation.
import { z } from 'zod';
import { ModelProjectError } from './errors.ts';

export type ConfigDict = Record<string, unknown>;

export type Materialization = 'view' | 'table' | 'incremental';

/** dbt-postgres strategies this runner implements (dbt's default: delete+insert with a unique_key, else append). */
export type IncrementalStrategy = 'append' | 'delete+insert';

/** dbt's on_schema_change values; dbt's default is `ignore`. */
export type OnSchemaChange = 'ignore' | 'fail' | 'append_new_columns' | 'sync_all_columns' | 'full_refresh';

export interface IndexConfig {
  columns: string[];
  unique: boolean;
  type: string | undefined;
}

export interface ModelConfig {
  materialized: Materialization;
  schema: string | undefined;
  alias: string | undefined;
  enabled: boolean;
  tags: string[];
  indexes: IndexConfig[];
  preHooks: string[];
  postHooks: string[];
  /** Incremental models: `unique_key` as a list (a string becomes a one-element list, as dbt does). */
  uniqueKey: string[];
  /** Incremental models: the strategy, dbt-postgres' default applied. */
  incrementalStrategy: IncrementalStrategy;
  /** Incremental models: `incremental_predicates` (or the older `predicates`), appended to the delete. */
  incrementalPredicates: string[];
  /** dbt's `full_refresh` config: true always rebuilds, false never does (even with --full-refresh). */
  fullRefresh: boolean | undefined;
  onSchemaChange: OnSchemaChange;
  /** Every config key after merging, normalised (no `+`, hooks with `_`). */
  raw: ConfigDict;
}

/**
 * Config names dbt accepts for models. In dbt_project.yml a key is a config when it starts with
 * `+` or is one of these names; any other key is a sub-folder (or a model name).
 */
const KNOWN_CONFIG_KEYS = new Set([
  'materialized', 'schema', 'alias', 'database', 'enabled', 'tags', 'pre_hook', 'post_hook',
  'indexes', 'meta', 'docs', 'persist_docs', 'full_refresh', 'grants', 'contract', 'group',
  'access', 'on_schema_change', 'unique_key', 'incremental_strategy', 'sql_header', 'quoting',
  'column_types', 'bind', 'event_time', 'batch_size', 'lookback', 'begin', 'concurrent_batches',
  'on_configuration_change', 'unlogged', 'labels', 'incremental_predicates', 'predicates',
  'merge_update_columns', 'merge_exclude_columns',
]);

/** Keys whose values add up across levels instead of replacing each other (as in dbt). */
const ADDITIVE_KEYS = new Set(['tags', 'pre_hook', 'post_hook']);

export function normalizeConfigKey(key: string): string {
  const bare = key.startsWith('+') ? key.slice(1) : key;
  return bare === 'pre-hook' || bare === 'post-hook' ? bare.replace('-', '_') : bare;
}

function isConfigKey(key: string): boolean {
  return key.startsWith('+') || KNOWN_CONFIG_KEYS.has(normalizeConfigKey(key));
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Merge `override` over `base` following dbt's rules (tags/hooks append, meta merges). */
export function mergeConfig(base: ConfigDict, override: ConfigDict): ConfigDict {
  const out: ConfigDict = { ...base };
  for (const [rawKey, value] of Object.entries(override)) {
    const key = normalizeConfigKey(rawKey);
    if (ADDITIVE_KEYS.has(key)) {
      out[key] = [...asList(out[key]), ...asList(value)];
    } else if (key === 'meta' && isPlainObject(out[key]) && isPlainObject(value)) {
      out[key] = { ...out[key], ...value };
    } else {
      out[key] = value;
    }
  }
  return out;
}

function configPart(level: Record<string, unknown>): ConfigDict {
  const out: ConfigDict = {};
  for (const [key, value] of Object.entries(level)) {
    if (isConfigKey(key)) out[normalizeConfigKey(key)] = value;
  }
  return out;
}

export interface FolderConfigResult {
  /** Config for each model, keyed by model name. */
  byModel: Map<string, ConfigDict>;
  /** Config paths of dbt_project.yml that apply to no model, e.g. `["proj", "staging"]`. */
  unusedPaths: string[][];
}

/**
 * Apply the `models:` block of dbt_project.yml to models by their fqn
 * ([project, ...folders below the model-path, model name]) exactly as dbt does.
 */
export function resolveFolderConfig(
  modelsBlock: Record<string, unknown>,
  projectName: string,
  models: Array<{ name: string; fqn: string[] }>,
): FolderConfigResult {
  const byModel = new Map<string, ConfigDict>();
  const used = new Set<string>();
  const root = modelsBlock[projectName];
  for (const model of models) {
    let config: ConfigDict = {};
    const path: string[] = [projectName];
    if (isPlainObject(root)) {
      let level: Record<string, unknown> = root;
      used.add(path.join('/'));
      config = mergeConfig(config, configPart(level));
      for (const part of model.fqn.slice(1)) {
        const next: unknown = level[part];
        if (!isPlainObject(next) || isConfigKey(part)) break;
        path.push(part);
        used.add(path.join('/'));
        config = mergeConfig(config, configPart(next));
        level = next;
      }
    }
    byModel.set(model.name, config);
  }

  const unusedPaths: string[][] = [];
  const walk = (level: Record<string, unknown>, path: string[]): void => {
    for (const [key, value] of Object.entries(level)) {
      if (isConfigKey(key) || !isPlainObject(value)) continue;
      const childPath = [...path, key];
      if (!used.has(childPath.join('/'))) unusedPaths.push(childPath);
      else walk(value, childPath);
    }
  };
  for (const [key, value] of Object.entries(modelsBlock)) {
    if (key === projectName) {
      if (isPlainObject(value)) walk(value, [key]);
    } else if (!isConfigKey(key) && isPlainObject(value)) {
      unusedPaths.push([key]);
    }
  }
  return { byModel, unusedPaths };
}

const hookSchema = z.union([
  z.string(),
  z.looseObject({ sql: z.string() }).transform((h) => h.sql),
]);

const indexSchema = z.looseObject({
  columns: z.array(z.string().min(1)).min(1),
  unique: z.boolean().optional(),
  type: z.string().optional(),
});

const SUPPORTED_MATERIALIZATIONS = ['view', 'table', 'incremental'] as const;
const SUPPORTED_STRATEGIES = ['append', 'delete+insert'] as const;
const ON_SCHEMA_CHANGE = ['ignore', 'fail', 'append_new_columns', 'sync_all_columns', 'full_refresh'] as const;

const finalSchema = z.looseObject({
  materialized: z.string().default('view'),
  schema: z.string().min(1).nullish(),
  alias: z.string().min(1).nullish(),
  enabled: z.boolean().default(true),
  tags: z.union([z.string(), z.array(z.string())]).optional(),
  indexes: z.array(indexSchema).nullish(),
  pre_hook: z.array(hookSchema).optional(),
  post_hook: z.array(hookSchema).optional(),
  unique_key: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).nullish(),
  incremental_strategy: z.string().nullish(),
  incremental_predicates: z.union([z.string(), z.array(z.string())]).nullish(),
  predicates: z.union([z.string(), z.array(z.string())]).nullish(),
  full_refresh: z.boolean().nullish(),
  on_schema_change: z.string().nullish(),
});

/** Validate a merged config dict and turn it into a typed ModelConfig. */
export function finalizeConfig(dict: ConfigDict, model: string, file: string): ModelConfig {
  const parsed = finalSchema.safeParse(dict);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(根)'}：${i.message}`);
    throw new ModelProjectError(`模型 ${model}（${file}）的配置不正确：${problems.join('；')}`, file);
  }
  const c = parsed.data;
  const materialized = c.materialized;
  if (!(SUPPORTED_MATERIALIZATIONS as readonly string[]).includes(materialized)) {
    throw new ModelProjectError(
      `模型 ${model}（${file}）的 materialized='${materialized}' 不受支持，本运行器只支持 view、table 和 incremental`,
      file,
    );
  }
  const uniqueKey = c.unique_key == null ? [] : asList(c.unique_key).map(String);
  const strategy = c.incremental_strategy ?? (uniqueKey.length > 0 ? 'delete+insert' : 'append');
  if (!(SUPPORTED_STRATEGIES as readonly string[]).includes(strategy)) {
    throw new ModelProjectError(
      `模型 ${model}（${file}）的 incremental_strategy='${strategy}' 不受支持，本运行器只支持 append 和 delete+insert`,
      file,
    );
  }
  const onSchemaChange = c.on_schema_change ?? 'ignore';
  if (!(ON_SCHEMA_CHANGE as readonly string[]).includes(onSchemaChange)) {
    throw new ModelProjectError(
      `模型 ${model}（${file}）的 on_schema_change='${onSchemaChange}' 无效，可选：${ON_SCHEMA_CHANGE.join('、')}`,
      file,
    );
  }
  return {
    materialized: materialized as Materialization,
    schema: c.schema ?? undefined,
    alias: c.alias ?? undefined,
    enabled: c.enabled,
    tags: asList(c.tags).map(String),
    indexes: (c.indexes ?? []).map((i) => ({ columns: i.columns, unique: i.unique ?? false, type: i.type })),
    preHooks: c.pre_hook ?? [],
    postHooks: c.post_hook ?? [],
    uniqueKey,
    incrementalStrategy: strategy as IncrementalStrategy,
    incrementalPredicates: asList(c.incremental_predicates ?? c.predicates).map(String),
    fullRefresh: c.full_refresh ?? undefined,
    onSchemaChange: onSchemaChange as OnSchemaChange,
    raw: dict,
  };
}

/** Normalise a config dict written by a user (config() call or YAML `config:`). */
export function normalizeConfigDict(dict: Record<string, unknown>): ConfigDict {
  return mergeConfig({}, dict);
}

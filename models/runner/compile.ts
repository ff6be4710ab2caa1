// Renders model SQL with nunjucks (Jinja-compatible): ref(), source(), config(), var(), this...
import nunjucks from 'nunjucks';
import { finalizeConfig, mergeConfig, normalizeConfigDict } from './config.ts';
import type { ConfigDict, ModelConfig } from './config.ts';
import { ModelProjectError } from './errors.ts';
import { macroBinder } from './macros.ts';
import { compileTemplate } from './parse-cache.ts';
import type { ModelNode, Project } from './project.ts';
import { Relation } from './relation.ts';

export interface CompileOptions {
  /** Values overriding dbt_project.yml `vars` (like dbt's `--vars`). */
  vars?: Record<string, unknown>;
  /** Schema for models without a `schema` config (dbt's target schema). Default `public`. */
  defaultSchema?: string;
  /** Value of `target.name` in templates. Default `dev`. */
  targetName?: string;
}

export interface CompiledModel {
  node: ModelNode;
  config: ModelConfig;
  relation: Relation;
  /** The compiled select statement. */
  sql: string;
  /** Names of the models this one refs, deduplicated, in order of first use. */
  refs: string[];
  /** `source.table` keys this model reads. */
  sources: string[];
  preHooks: string[];
  postHooks: string[];
}

/** How one model is rendered for a build: dbt's is_incremental() and where ref()/this point. */
export interface RenderContext {
  isIncremental: boolean;
  /** The relation ref('name') renders as (a model built under a shadow name in this run resolves to it). */
  resolveRef: (name: string) => Relation;
  /** `{{ this }}` in the model's SQL and pre_hooks (dbt: the model's real relation). */
  thisRelation: Relation;
  /** `{{ this }}` in post_hooks: where the new data is once the model is built (a shadow table, or the real one). */
  postHookThis: Relation;
}

/** Where ref() points in a snippet, and what is_incremental() answers there (default false, as in dbt's tests). */
export interface SnippetContext {
  resolveRef?: (name: string) => Relation;
  isIncremental?: boolean;
}

export interface RenderedModel {
  sql: string;
  preHooks: string[];
  postHooks: string[];
}

export interface CompiledProject {
  project: Project;
  /** Enabled models by name. */
  models: Map<string, CompiledModel>;
  /** Relation of a source table. */
  sourceRelation(source: string, table: string): Relation | undefined;
  /**
   * Render a Jinja snippet outside a model (test arguments such as `where:` or `to: ref('x')`).
   * `label` names the place for error messages, e.g. the YAML file and test.
   */
  renderSnippet(template: string, file: string, label: string, context?: SnippetContext): string;
  /** Render a model again for its build (compiled `models` are rendered with is_incremental() false). */
  renderModel(name: string, context: RenderContext): RenderedModel;
}

/**
 * A problem found while rendering; `needle` helps locating the line in the source.
 * nunjucks replaces errors thrown by template functions with its own, so the last issue is also
 * remembered here and picked up by the render wrapper.
 */
let lastIssue: CompileIssue | undefined;

/** Return and forget the last issue (a function, so type narrowing does not assume it unchanged). */
function takeIssue(): CompileIssue | undefined {
  const issue = lastIssue;
  lastIssue = undefined;
  return issue;
}

class CompileIssue extends Error {
  constructor(
    message: string,
    readonly needle?: RegExp,
  ) {
    super(message);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the issue being raised is kept for the caller's report
    lastIssue = this;
  }
}

type Phase = 'parse' | 'compile';

interface RenderState {
  refs: string[];
  sources: string[];
  configCalls: ConfigDict[];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Split nunjucks call arguments into positional ones and the keyword-argument object. */
function splitArgs(args: unknown[]): { positional: unknown[]; keywords: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (typeof last === 'object' && last !== null && Object.prototype.hasOwnProperty.call(last, '__keywords')) {
    const keywords = { ...(last as Record<string, unknown>) };
    delete keywords['__keywords'];
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: args, keywords: {} };
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

function suggestion(name: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? `（是否想写 ${best}？）` : '';
}

function lineOf(source: string, needle: RegExp | undefined): number | undefined {
  if (!needle) return undefined;
  const m = needle.exec(source);
  if (!m) return undefined;
  return source.slice(0, m.index).split('\n').length;
}

export function compileProject(project: Project, options: CompileOptions = {}): CompiledProject {
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
  const bindMacros = macroBinder(env, project.macros ?? [], project.cacheDir);
  env.addGlobal('True', true);
  env.addGlobal('False', false);
  env.addGlobal('None', null);
  const defaultSchema = options.defaultSchema ?? 'public';
  const vars: Record<string, unknown> = { ...project.vars, ...(options.vars ?? {}) };
  const target = { name: options.targetName ?? 'dev', schema: defaultSchema, type: 'postgres', profile_name: project.name };

  const relations = new Map<string, Relation>();
  const enabled = new Map<string, boolean>();

  const sourceRelation = (source: string, table: string): Relation | undefined => {
    const s = project.sources.get(`${source}.${table}`);
    return s ? new Relation(s.schema, s.identifier) : undefined;
  };

  /** Functions and values available to every template. */
  const baseContext = (
    who: string,
    state: RenderState | undefined,
    phase: Phase,
    build?: Pick<RenderContext, 'isIncremental' | 'resolveRef'>,
  ): Record<string, unknown> => ({
    ref: (...rawArgs: unknown[]): Relation => {
      const { positional, keywords } = splitArgs(rawArgs);
      if (Object.keys(keywords).length > 0 || positional.length < 1 || positional.length > 2 || positional.some((a) => typeof a !== 'string')) {
        throw new CompileIssue(`${who} 的 ref() 写法不受支持：只支持 ref('模型名') 或 ref('项目名', '模型名')`, /ref\s*\(/);
      }
      const name = positional[positional.length - 1] as string;
      const needle = new RegExp(`ref\\s*\\(\\s*(['"][^'"]*['"]\\s*,\\s*)?['"]${escapeRegExp(name)}['"]`);
      if (positional.length === 2 && positional[0] !== project.name) {
        throw new CompileIssue(`${who} 引用了其他项目的模型 ref('${String(positional[0])}', '${name}')，本运行器不支持 dbt packages`, needle);
      }
      if (!project.models.has(name)) {
        throw new CompileIssue(`${who} 引用了不存在的模型 ref('${name}')${suggestion(name, project.models.keys())}`, needle);
      }
      if (phase === 'compile' && enabled.get(name) === false) {
        throw new CompileIssue(`${who} 引用的模型 ${name} 已被禁用（enabled: false）`, needle);
      }
      if (state && !state.refs.includes(name)) state.refs.push(name);
      if (build) return build.resolveRef(name);
      return relations.get(name) ?? new Relation(defaultSchema, name);
    },
    source: (...rawArgs: unknown[]): Relation => {
      const { positional } = splitArgs(rawArgs);
      const [src, table] = positional;
      if (positional.length !== 2 || typeof src !== 'string' || typeof table !== 'string') {
        throw new CompileIssue(`${who} 的 source() 需要两个字符串参数：source('数据源名', '表名')`, /source\s*\(/);
      }
      const relation = sourceRelation(src, table);
      if (!relation) {
        const known = [...project.sources.keys()];
        throw new CompileIssue(
          `${who} 引用了未定义的数据源 source('${src}', '${table}')${suggestion(`${src}.${table}`, known)}；` +
            `已定义的数据源表：${known.length > 0 ? known.join('、') : '（无）'}`,
          new RegExp(`source\\s*\\(\\s*['"]${escapeRegExp(src)}['"]\\s*,\\s*['"]${escapeRegExp(table)}['"]`),
        );
      }
      if (state && !state.sources.includes(`${src}.${table}`)) state.sources.push(`${src}.${table}`);
      return relation;
    },
    var: (...rawArgs: unknown[]): unknown => {
      const { positional } = splitArgs(rawArgs);
      const name = positional[0];
      if (typeof name !== 'string') throw new CompileIssue(`${who} 的 var() 需要变量名`, /var\s*\(/);
      if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name];
      if (positional.length >= 2) return positional[1];
      throw new CompileIssue(
        `${who} 使用了未定义的变量 var('${name}')：dbt_project.yml 的 vars 里没有它，调用时也没有给默认值`,
        new RegExp(`var\\s*\\(\\s*['"]${escapeRegExp(name)}['"]`),
      );
    },
    env_var: (...rawArgs: unknown[]): string => {
      const { positional } = splitArgs(rawArgs);
      const name = positional[0];
      if (typeof name !== 'string') throw new CompileIssue(`${who} 的 env_var() 需要变量名`, /env_var\s*\(/);
      const value = process.env[name];
      if (value !== undefined) return value;
      if (positional.length >= 2) return String(positional[1]);
      throw new CompileIssue(`${who} 使用了未设置的环境变量 env_var('${name}')，也没有给默认值`, new RegExp(`env_var\\s*\\(\\s*['"]${escapeRegExp(name)}['"]`));
    },
    target,
    is_incremental: (): boolean => build?.isIncremental ?? false,
  });

  // A model is rendered several times (parse, compile, each build); its template is compiled once.
  const templates = new Map<string, nunjucks.Template>();
  const templateOf = (template: string, file: string): nunjucks.Template => {
    const key = `${file}\u0000${template}`;
    let compiled = templates.get(key);
    if (compiled === undefined) {
      compiled = compileTemplate(template, env, file, project.cacheDir);
      templates.set(key, compiled);
    }
    return compiled;
  };

  const render = (template: string, file: string, who: string, context: Record<string, unknown>): string => {
    takeIssue();
    try {
      return templateOf(template, file).render({ ...context, ...bindMacros(context) });
    } catch (err) {
      const issue = takeIssue();
      if (issue) {
        const lineno = (err as { lineno?: number }).lineno;
        const line = lineOf(template, issue.needle) ?? (typeof lineno === 'number' ? lineno + 1 : undefined);
        throw new ModelProjectError(`${issue.message}（${file}${line !== undefined ? ` 第 ${line} 行` : ''}）`, file);
      }
      const message = String((err as Error).message ?? err).replace(/^\([^)]*\)\s*/, '').replace(/\n\s*/g, ' ');
      throw new ModelProjectError(`${who}（${file}）的 Jinja 模板编译失败：${message}`, file);
    }
  };

  const renderModel = (
    node: ModelNode,
    phase: Phase,
    thisRelation: Relation,
    build?: Pick<RenderContext, 'isIncremental' | 'resolveRef'>,
  ): RenderState & { sql: string } => {
    const state: RenderState = { refs: [], sources: [], configCalls: [] };
    const who = `模型 ${node.name}`;
    const context = {
      ...baseContext(who, state, phase, build),
      config: (...rawArgs: unknown[]): string => {
        const { positional, keywords } = splitArgs(rawArgs);
        const dict: Record<string, unknown> = {};
        for (const p of positional) {
          if (typeof p !== 'object' || p === null || Array.isArray(p)) {
            throw new CompileIssue(`${who} 的 config() 参数必须是 键=值 形式`, /config\s*\(/);
          }
          Object.assign(dict, p);
        }
        Object.assign(dict, keywords);
        state.configCalls.push(normalizeConfigDict(dict));
        return '';
      },
      this: thisRelation,
      model: { name: node.name, fqn: node.fqn, original_file_path: node.file },
    };
    const sql = render(node.rawSql, node.file, who, context);
    return { ...state, sql };
  };

  const relationFor = (node: ModelNode, config: ConfigDict): Relation => {
    const schema = typeof config['schema'] === 'string' && config['schema'] !== '' ? config['schema'] : defaultSchema;
    const alias = typeof config['alias'] === 'string' && config['alias'] !== '' ? config['alias'] : node.name;
    return new Relation(schema, alias);
  };

  // Pass 1 ("parse", as dbt does): collect config() calls so every model's relation is known.
  const configs = new Map<string, ModelConfig>();
  for (const node of project.models.values()) {
    const base = mergeConfig(node.projectConfig, node.properties?.config ?? {});
    const parsed = renderModel(node, 'parse', relationFor(node, base));
    let merged = base;
    for (const call of parsed.configCalls) merged = mergeConfig(merged, call);
    const config = finalizeConfig(merged, node.name, node.file);
    configs.set(node.name, config);
    enabled.set(node.name, config.enabled);
    relations.set(node.name, relationFor(node, merged));
  }

  const taken = new Map<string, string>();
  for (const [name, relation] of relations) {
    if (!enabled.get(name)) continue;
    const key = relation.toString();
    const other = taken.get(key);
    if (other !== undefined) {
      const file = project.models.get(name)!.file;
      throw new ModelProjectError(`模型 ${other} 和 ${name} 会写入同一个关系 ${key}，请修改 schema 或 alias`, file);
    }
    taken.set(key, name);
  }

  const finishSql = (node: ModelNode, rendered: string): string => {
    // Keep leading blank lines so compiled line numbers stay close to the source file.
    const sql = rendered.trimEnd();
    if (sql.trim() === '') throw new ModelProjectError(`模型 ${node.name}（${node.file}）编译后的 SQL 为空`, node.file);
    if (/;\s*$/.test(sql)) {
      throw new ModelProjectError(`模型 ${node.name}（${node.file}）的 SQL 以分号结尾，dbt 不允许，请删除末尾的分号`, node.file);
    }
    return sql;
  };

  const renderHooks = (node: ModelNode, hooks: string[], kind: string, thisRelation: Relation, build?: Pick<RenderContext, 'isIncremental' | 'resolveRef'>): string[] => {
    // Hooks see the same context as the model (is_incremental(), ref(), var(), this), as in dbt.
    const hookContext = { ...baseContext(`模型 ${node.name} 的 hook`, undefined, 'compile', build), this: thisRelation };
    return hooks.map((h) => render(h, node.file, `模型 ${node.name} 的 ${kind}`, hookContext).trim()).filter((h) => h !== '');
  };

  // Pass 2: render for real with final relations.
  const models = new Map<string, CompiledModel>();
  for (const node of project.models.values()) {
    const config = configs.get(node.name)!;
    if (!config.enabled) continue;
    const relation = relations.get(node.name)!;
    const rendered = renderModel(node, 'compile', relation);
    models.set(node.name, {
      node,
      config,
      relation,
      sql: finishSql(node, rendered.sql),
      refs: rendered.refs,
      sources: rendered.sources,
      preHooks: renderHooks(node, config.preHooks, 'pre_hook', relation),
      postHooks: renderHooks(node, config.postHooks, 'post_hook', relation),
    });
  }

  const renderForBuild = (name: string, context: RenderContext): RenderedModel => {
    const model = models.get(name);
    if (!model) throw new ModelProjectError(`模型 ${name} 不存在或已被禁用`);
    const { node, config } = model;
    const rendered = renderModel(node, 'compile', context.thisRelation, context);
    return {
      sql: finishSql(node, rendered.sql),
      preHooks: renderHooks(node, config.preHooks, 'pre_hook', context.thisRelation, context),
      postHooks: renderHooks(node, config.postHooks, 'post_hook', context.postHookThis, context),
    };
  };

  return {
    project,
    models,
    sourceRelation,
    renderSnippet: (template: string, file: string, label: string, context: SnippetContext = {}): string => {
      const { resolveRef, isIncremental = false } = context;
      const build = resolveRef !== undefined || isIncremental ? { isIncremental, resolveRef: resolveRef ?? ((name: string) => relations.get(name) ?? new Relation(defaultSchema, name)) } : undefined;
      return render(template, file, label, baseContext(label, undefined, 'compile', build));
    },
    renderModel: renderForBuild,
  };
}

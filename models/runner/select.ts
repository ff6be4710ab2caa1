// Model selection, a subset of dbt's `--select` syntax:
//   name, stg_*, tag:daily, path:staging/sub, source:raw.table (or source:raw)  — each
//   optionally with `+` before (ancestors) and/or after (descendants).
import type { CompiledModel } from './compile.ts';
import { ModelProjectError } from './errors.ts';
import { reachable } from './graph.ts';
import type { ModelGraph } from './graph.ts';

function globToRegExp(glob: string): RegExp {
  const body = glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`);
}

function matchBase(selector: string, models: Map<string, CompiledModel>): string[] {
  const [method, value] = selector.includes(':') ? (selector.split(/:(.*)/s) as [string, string]) : ['name', selector];
  const all = [...models.values()];
  switch (method) {
    case 'name': {
      const re = globToRegExp(value);
      return all.filter((m) => re.test(m.node.name)).map((m) => m.node.name);
    }
    case 'tag':
      return all.filter((m) => m.config.tags.includes(value)).map((m) => m.node.name);
    case 'path': {
      const prefix = value.replace(/\/$/, '');
      return all
        .filter((m) => m.node.file === prefix || m.node.file.startsWith(`${prefix}/`))
        .map((m) => m.node.name);
    }
    case 'source': {
      // dbt: the models that select from the source (`source:raw`) or one of its tables (`source:raw.table`)
      const matches = (s: string) => s === value || s.startsWith(`${value}.`);
      return all.filter((m) => m.sources.some(matches)).map((m) => m.node.name);
    }
    default:
      throw new ModelProjectError(`无法识别的选择器 ${selector}：支持 模型名（可用 *）、tag:标签、path:目录、source:来源.表，前后可加 +`);
  }
}

/** Names of the selected models; with no selectors, all models. */
export function selectModels(
  selectors: string[] | undefined,
  models: Map<string, CompiledModel>,
  graph: ModelGraph,
): Set<string> {
  return selectModelsReached(selectors, models, graph).selected;
}

export interface Selection {
  selected: Set<string>;
  /**
   * Models selected only as descendants of a matched model (`x+`): not matched themselves nor an
   * ancestor asked for (`+x`). The runner may skip one whose selected parents kept their content.
   */
  descendantsOnly: Set<string>;
}

/** The selected models, and which of them were reached only downstream of a matched one. */
export function selectModelsReached(
  selectors: string[] | undefined,
  models: Map<string, CompiledModel>,
  graph: ModelGraph,
): Selection {
  if (selectors === undefined || selectors.length === 0) return { selected: new Set(models.keys()), descendantsOnly: new Set() };
  const direct = new Set<string>();
  const descendants = new Set<string>();
  for (const raw of selectors.flatMap((s) => s.split(/\s+/)).filter(Boolean)) {
    const upstream = raw.startsWith('+');
    const downstream = raw.endsWith('+') && raw.length > 1;
    const base = raw.slice(upstream ? 1 : 0, downstream ? -1 : undefined);
    const matched = matchBase(base, models);
    // a source table no model reads is legitimate (a load selects what each changed table feeds)
    if (matched.length === 0 && !base.startsWith('source:')) throw new ModelProjectError(`选择器 ${raw} 没有匹配任何模型`);
    for (const name of matched) {
      direct.add(name);
      if (upstream) for (const n of reachable(name, graph.parents)) direct.add(n);
      if (downstream) for (const n of reachable(name, graph.children)) descendants.add(n);
    }
  }
  return {
    selected: new Set([...direct, ...descendants]),
    descendantsOnly: new Set([...descendants].filter((n) => !direct.has(n))),
  };
}

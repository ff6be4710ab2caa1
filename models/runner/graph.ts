// Dependency graph of models (from their refs): topological order and cycle detection.
import { ModelProjectError } from './errors.ts';

export interface GraphNode {
  /** Names of the models this one depends on. */
  deps: string[];
  /** Source file, for messages. */
  file: string;
}

export interface ModelGraph {
  /** All models in an order where every model comes after the models it refs. */
  order: string[];
  parents: Map<string, Set<string>>;
  children: Map<string, Set<string>>;
}

/** Find one cycle (as a closed path a → b → … → a), if the graph has any. */
function findCycle(nodes: Map<string, GraphNode>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of [...(nodes.get(name)?.deps ?? [])].sort()) {
      if (!nodes.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'visiting') return [...stack.slice(stack.indexOf(dep)), dep];
      if (s === undefined) {
        const found = visit(dep);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of [...nodes.keys()].sort()) {
    if (state.get(name) === undefined) {
      const found = visit(name);
      if (found) return found;
    }
  }
  return undefined;
}

export function buildGraph(nodes: Map<string, GraphNode>): ModelGraph {
  const parents = new Map<string, Set<string>>();
  const children = new Map<string, Set<string>>();
  for (const name of nodes.keys()) {
    parents.set(name, new Set());
    children.set(name, new Set());
  }
  for (const [name, node] of nodes) {
    for (const dep of node.deps) {
      if (!nodes.has(dep)) continue;
      parents.get(name)!.add(dep);
      children.get(dep)!.add(name);
    }
  }

  const cycle = findCycle(nodes);
  if (cycle) {
    // A cycle is a path back to its start: it always has at least two entries.
    const first = nodes.get(cycle[0]!)!;
    const path = cycle.map((n, i) => (i < cycle.length - 1 ? `${n}（${nodes.get(n)!.file}）` : n)).join(' → ');
    throw new ModelProjectError(`模型之间存在循环依赖：${path}`, first.file);
  }

  // Kahn's algorithm; among ready models, alphabetical order keeps runs deterministic.
  const remaining = new Map([...parents].map(([n, p]) => [n, p.size]));
  const ready = [...remaining].filter(([, c]) => c === 0).map(([n]) => n).sort();
  const order: string[] = [];
  while (ready.length > 0) {
    const name = ready.shift()!;
    order.push(name);
    for (const child of children.get(name)!) {
      const left = remaining.get(child)! - 1;
      remaining.set(child, left);
      if (left === 0) {
        ready.push(child);
        ready.sort();
      }
    }
  }
  return { order, parents, children };
}

/** A model and everything upstream (`ancestors`) or downstream (`descendants`) of it. */
export function reachable(start: string, edges: Map<string, Set<string>>): Set<string> {
  const seen = new Set<string>();
  const todo = [start];
  while (todo.length > 0) {
    const name = todo.pop()!;
    for (const next of edges.get(name) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  return seen;
}

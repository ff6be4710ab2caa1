// Each period mart declares its measures' kind once, in the column's
// `meta.measure_kind` (models/marts/*.yml). The Cube model's measures over a
// mart must agree: a `sum` of a column has that column's kind, a ratio
// (numerator/denominator) the kind of both. A mismatch would silently sum a
// snapshot over months (README, "Snapshot and flow indicators").
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type Kinds = Map<string, Map<string, string>>; // table → column → kind

interface CubeMeasure { name: string; sql?: string; type: string; meta?: { kind?: string; numerator?: string; denominator?: string } }
interface Cube { name: string; sql_table?: string; measures?: CubeMeasure[] }

function readYaml(dir: string): Array<{ file: string; doc: any }> {
  return readdirSync(dir).filter((f) => f.endsWith('.yml')).map((f) => ({ file: f, doc: parse(readFileSync(path.join(dir, f), 'utf8')) }));
}

function martKinds(): Kinds {
  const kinds: Kinds = new Map();
  for (const { doc } of readYaml('models/marts')) {
    for (const model of doc?.models ?? []) {
      for (const column of model.columns ?? []) {
        const kind = column.meta?.measure_kind;
        if (kind === undefined) continue;
        if (!kinds.has(`marts.${model.name}`)) kinds.set(`marts.${model.name}`, new Map());
        kinds.get(`marts.${model.name}`)!.set(column.name, kind);
      }
    }
  }
  return kinds;
}

function cubes(): Cube[] {
  return readYaml('cube/model/cubes').flatMap(({ doc }) => (doc?.cubes ?? []) as Cube[]);
}

/** Every disagreement between the marts' declared kinds and the cubes' measures. */
export function kindMismatches(kinds: Kinds, model: Cube[]): string[] {
  const problems: string[] = [];
  for (const cube of model) {
    const columns = cube.sql_table ? kinds.get(cube.sql_table) : undefined;
    if (!columns) continue;
    const byName = new Map((cube.measures ?? []).map((m) => [m.name, m]));
    for (const measure of cube.measures ?? []) {
      const kind = measure.meta?.kind;
      const where = `${cube.name}.${measure.name}`;
      if (measure.type === 'number') {
        for (const part of [measure.meta?.numerator, measure.meta?.denominator]) {
          const other = part === undefined ? undefined : byName.get(part)?.meta?.kind;
          if (part !== undefined && other !== kind) problems.push(`${where}: ratio is ${kind}, ${part} is ${other}`);
        }
        continue;
      }
      const sql = measure.sql ?? '';
      const named = /^[a-z_]+$/.test(sql) ? [sql] : [...sql.matchAll(/\{CUBE\}\.([a-z_]+)/g)].map((m) => m[1]!);
      const used = named.filter((c) => columns.has(c));
      if (used.length === 0) problems.push(`${where}: reads no column with a declared measure_kind`);
      for (const column of used) {
        if (columns.get(column) !== kind) problems.push(`${where}: ${kind}, column ${column} is ${columns.get(column)}`);
      }
    }
  }
  return problems;
}

describe('measure kinds declared once', () => {
  it('every period mart declares its measures', () => {
    const kinds = martKinds();
    const periodMarts = readdirSync('models/marts').filter((f) => /^fct_.*_period\.sql$/.test(f)).map((f) => `marts.${f.replace('.sql', '')}`);
    expect(periodMarts.length).toBeGreaterThanOrEqual(10);
    for (const mart of periodMarts) expect(kinds.get(mart)?.size ?? 0, mart).toBeGreaterThan(0);
    for (const columns of kinds.values()) for (const kind of columns.values()) expect(['snapshot', 'flow']).toContain(kind);
  });

  it('the Cube measures agree with the marts', () => {
    const model = cubes();
    expect(model.filter((c) => c.sql_table && martKinds().has(c.sql_table)).length).toBeGreaterThanOrEqual(10);
    expect(kindMismatches(martKinds(), model)).toEqual([]);
  });

  it('each period mart runs period_rollup_consistent with its declared kinds', () => {
    for (const { doc } of readYaml('models/marts')) {
      for (const model of doc?.models ?? []) {
        if (!/^fct_.*_period$/.test(model.name)) continue;
        const test = (model.tests ?? []).find((t: any) => t?.period_rollup_consistent)?.period_rollup_consistent;
        const declared = (kind: string) => (model.columns ?? []).filter((c: any) => c.meta?.measure_kind === kind).map((c: any) => c.name).sort();
        expect(test, model.name).toBeDefined();
        expect([...(test.snapshot ?? [])].sort(), model.name).toEqual(declared('snapshot'));
        expect([...(test.flow ?? [])].sort(), model.name).toEqual(declared('flow'));
      }
    }
  });

  it('a planted disagreement is found', () => {
    const kinds = martKinds();
    kinds.get('marts.fct_benefit_period')!.set('roster_persons', 'flow'); // a snapshot declared as a flow
    const problems = kindMismatches(kinds, cubes());
    expect(problems.some((p) => p.includes('dibao_roster_persons') && p.includes('roster_persons is flow'))).toBe(true);
    const model = structuredClone(cubes());
    const measure = model.find((c) => c.name === 'temp_relief_periods')!.measures!.find((m) => m.meta?.kind === 'flow' && m.type === 'sum')!;
    measure.meta!.kind = 'snapshot';
    expect(kindMismatches(martKinds(), model).some((p) => p.startsWith(`temp_relief_periods.${measure.name}`))).toBe(true);
  });
});

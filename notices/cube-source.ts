// Every figure of a notice comes through the semantic layer (the Cube views),
// never from SQL of its own, so a notice and the dashboard cannot disagree.
// Queries run with the notice region's scope (a leader's view of that region),
// so nothing outside it can leak into its figures.
import { cubeQuerySchema } from '../cube/api/query.ts';
import type { SemanticLayer } from '../cube/api/semantic-layer.ts';
import { dateRange, type Period } from './period.ts';

export type RawQuery = Record<string, unknown>;
export type Row = Record<string, unknown>;

export interface MemberInfo {
  name: string;
  view: string;
  title: string;
  shortTitle: string;
  unit: string;
  higherIsBetter: boolean | null;
  kind: 'snapshot' | 'flow' | null;
}

export class NoticeError extends Error {
  constructor(message: string, readonly status = 400) {
    super(message);
  }
}

export class CubeSource {
  private readonly members = new Map<string, MemberInfo>();
  private readonly cache = new Map<string, Promise<Row[]>>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly layer: SemanticLayer, private readonly regionCode: string, private readonly concurrency = 4) {
    for (const cube of layer.meta().cubes) {
      for (const m of cube.measures) {
        const meta = (m.meta ?? {}) as { unit?: string; higher_is_better?: boolean; kind?: 'snapshot' | 'flow' };
        this.members.set(m.name, {
          name: m.name,
          view: cube.name,
          title: m.shortTitle || m.title,
          shortTitle: m.shortTitle,
          unit: meta.unit ?? '',
          higherIsBetter: meta.higher_is_better ?? null,
          kind: meta.kind ?? null,
        });
      }
    }
  }

  /** A measure's title, unit and direction from /meta; an unknown member is a template error. */
  member(name: string): MemberInfo {
    const info = this.members.get(name);
    if (!info) throw new NoticeError(`通报模板中的指标 ${name} 不存在：请对照 /cubejs-api/v1/meta 修改 notices/templates.yml 或 targets.yml`);
    return info;
  }

  /** `measures` of `view` for exactly one period, optionally by sub-region. */
  periodQuery(view: string, measures: string[], period: Period, dimensions: string[] = []): RawQuery {
    const q: RawQuery = {
      measures,
      timeDimensions: [{ dimension: `${view}.month`, granularity: period.granularity, dateRange: dateRange(period) }],
    };
    if (dimensions.length > 0) q.dimensions = dimensions;
    return q;
  }

  /** Runs a query (cached by its text, so one figure's query runs once per notice). */
  run(query: RawQuery): Promise<Row[]> {
    const key = JSON.stringify(query);
    let result = this.cache.get(key);
    if (!result) {
      result = this.limited(async () => {
        const parsed = cubeQuerySchema.parse(query);
        const loaded = await this.layer.load(parsed, { role: 'leader', region: this.regionCode });
        return loaded.data;
      });
      this.cache.set(key, result);
    }
    return result;
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    while (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

export function numberOf(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

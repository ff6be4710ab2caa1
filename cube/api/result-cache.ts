// Cube's result cache: an answer is kept under its query and the values of the
// refresh keys of the cubes it reads (cube/model: the marts' key is the last
// succeeded load, the live rectification cube's the items' own state), so
// every dashboard user asking the same figures between two loads costs one
// query, and a load or an edit makes the next request read anew. Answers are
// bounded by their size in memory; queries naming persons are never kept.
import { LRUCache } from 'lru-cache';

/** The default bound of the cache (config.ts: RESULT_CACHE_MB). */
export const DEFAULT_RESULT_CACHE_MB = 64;

/** Answers with more rows than this are not kept (a list export, not a dashboard figure). */
export const MAX_CACHED_ROWS = 10_000;

export interface CachedAnswer {
  rows: Record<string, unknown>[];
  total: number | null;
}

/** A rough size: the answer as JSON, which is what it costs to keep and to send. */
function sizeOf(answer: CachedAnswer): number {
  return Math.max(1, JSON.stringify(answer.rows).length);
}

export class ResultCache {
  private readonly answers: LRUCache<string, CachedAnswer> | null;
  /** Misses being answered now: concurrent requests for the same key share one query. */
  private readonly pending = new Map<string, Promise<{ answer: CachedAnswer; keep: boolean }>>();

  /** `maxBytes` 0 turns caching off (every request reads the warehouse). */
  constructor(maxBytes: number) {
    this.answers = maxBytes > 0 ? new LRUCache<string, CachedAnswer>({ maxSize: maxBytes, sizeCalculation: sizeOf }) : null;
  }

  /**
   * The answer under `key`, else `compute`'s. `compute` reports whether its
   * answer may be kept (the refresh keys were the same after it ran, so it
   * is the data of `key`); requests arriving meanwhile share its promise.
   */
  async get(key: string, compute: () => Promise<{ answer: CachedAnswer; keep: boolean }>): Promise<CachedAnswer> {
    if (!this.answers) return (await compute()).answer;
    const hit = this.answers.get(key);
    if (hit) return hit;
    let running = this.pending.get(key);
    if (!running) {
      running = compute().finally(() => this.pending.delete(key));
      this.pending.set(key, running);
      const { answer, keep } = await running;
      if (keep && answer.rows.length <= MAX_CACHED_ROWS) this.answers.set(key, answer);
      return answer;
    }
    return (await running).answer;
  }

  /** Kept answers and their estimated bytes. */
  stats(): { entries: number; bytes: number } {
    return { entries: this.answers?.size ?? 0, bytes: this.answers?.calculatedSize ?? 0 };
  }
}

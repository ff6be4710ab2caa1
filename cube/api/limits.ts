// Bounds on what one caller may ask of the gateway at once, so that one user
// cannot stall the others: queries per request, rows per answer, and heavy
// requests in flight per user.
export const MAX_QUERIES_PER_REQUEST = 20;
/** Rows an answer holds when the query sets no limit (Cube's CUBEJS_DB_QUERY_DEFAULT_LIMIT). */
export const DEFAULT_ROW_LIMIT = 10_000;
/** The largest limit a query may set (Cube's CUBEJS_DB_QUERY_LIMIT); more is a 400. */
export const MAX_ROW_LIMIT = 50_000;
/** /load requests one user may have in flight; more answer 429. */
export const MAX_LOADS_IN_FLIGHT_PER_USER = 4;

export class TooManyRequestsError extends Error {}

/** Counts requests in flight per key; `enter` refuses past the limit. */
export class InFlight {
  private readonly counts = new Map<string, number>();
  constructor(private readonly limit: number) {}

  enter(key: string): () => void {
    const n = this.counts.get(key) ?? 0;
    if (n >= this.limit) throw new TooManyRequestsError(`同一账号同时进行的查询过多（最多 ${this.limit} 个），请稍后再试`);
    this.counts.set(key, n + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const m = (this.counts.get(key) ?? 1) - 1;
      if (m <= 0) this.counts.delete(key);
      else this.counts.set(key, m);
    };
  }
}

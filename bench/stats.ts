// Percentiles of timing samples (nearest-rank on the sorted samples, linear
// interpolation between neighbours), and small formatting helpers.

/** The q-quantile (0..1) of `samples`, interpolating linearly between the closest ranks. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  if (q < 0 || q > 1) throw new Error(`quantile must be within 0..1, got ${q}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export interface Summary {
  runs: number;
  p50_ms: number;
  p95_ms: number;
  min_ms: number;
  max_ms: number;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    runs: samples.length,
    p50_ms: round(percentile(samples, 0.5)),
    p95_ms: round(percentile(samples, 0.95)),
    min_ms: round(Math.min(...samples)),
    max_ms: round(Math.max(...samples)),
  };
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 0.5);
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Milliseconds of `fn`, measured with the monotonic clock. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/**
 * Runs `fn` `runs` times, or fewer once `budgetMs` is spent (after at least
 * `minRuns`), or as soon as three budgets are spent: slow baselines at province
 * scale must not take the benchmark hours.
 */
export async function repeat(fn: () => Promise<unknown>, runs: number, options: { budgetMs?: number; minRuns?: number } = {}): Promise<number[]> {
  const budget = options.budgetMs ?? Infinity;
  const minRuns = Math.min(options.minRuns ?? 5, runs);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    samples.push((await timed(fn)).ms);
    const elapsed = performance.now() - started;
    if ((samples.length >= minRuns && elapsed > budget) || elapsed > 3 * budget) break;
  }
  return samples;
}

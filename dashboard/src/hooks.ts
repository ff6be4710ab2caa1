// Data hooks of the pages: several Cube queries at once, each with its own
// rows or error, and a view's trend indexed by period.

import { useContext, useEffect, useMemo, useState } from 'react';
import type { Query } from '@cubejs-client/core';
import { CubeContext } from '@cubejs-client/react';
import { type PeriodRow, type Row, indexByPeriod } from './results';
import type { Granularity } from './period';

export interface RowsResult {
  /** Null while loading, after an error, or when the query is skipped (null). */
  rows: Row[] | null;
  error: unknown;
}

const PENDING: RowsResult = { rows: null, error: null };

/**
 * Loads each query (null skips it) in parallel. Results belong to the queries
 * they were asked for: while new queries load, their results are pending,
 * never the previous ones.
 */
export function useQueries(queries: readonly (Query | null)[]): { results: RowsResult[]; refetch: () => void } {
  const { cubeApi } = useContext(CubeContext);
  const key = JSON.stringify(queries);
  const [state, setState] = useState<{ key: string; attempt: number; results: RowsResult[] } | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!cubeApi) return undefined;
    let cancelled = false;
    const list = JSON.parse(key) as (Query | null)[];
    const results = list.map(() => PENDING);
    setState({ key, attempt, results: [...results] });
    list.forEach((query, i) => {
      if (!query) return;
      cubeApi.load(query).then(
        (resultSet) => {
          if (cancelled) return;
          results[i] = { rows: resultSet.rawData() as Row[], error: null };
          setState({ key, attempt, results: [...results] });
        },
        (error: unknown) => {
          if (cancelled) return;
          results[i] = { rows: null, error };
          setState({ key, attempt, results: [...results] });
        },
      );
    });
    return () => {
      cancelled = true;
    };
  }, [cubeApi, key, attempt]);

  const results = state && state.key === key && state.attempt === attempt ? state.results : queries.map(() => PENDING);
  return { results, refetch: () => setAttempt((n) => n + 1) };
}

/** The first error among results, if any. */
export function firstError(results: readonly RowsResult[]): unknown {
  return results.find((r) => r.error != null)?.error ?? null;
}

/** Trend rows of several views indexed by period, keyed by view; null until all have loaded. */
export function useIndexedTrends(
  views: readonly { view: string; measures: readonly string[] }[],
  results: readonly RowsResult[],
  granularity: Granularity,
): Map<string, Map<string, PeriodRow>> | null {
  const ready = results.every((r) => r.rows != null);
  return useMemo(() => {
    if (!ready) return null;
    return new Map(views.map((v, i) => [v.view, indexByPeriod(results[i]!.rows!, granularity, v.measures, `${v.view}.month`)]));
  }, [ready, views, results, granularity]);
}

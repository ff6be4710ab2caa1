// The one way the pages read Cube: queries (`useCubeQueries`, `useCubeRows`)
// and /meta (`useCubeMeta`), all through the session's Cube client
// (api/cube.ts, given by CubeProvider). The app's own JSON API has its own
// hook (data/useApi.ts). Results belong to the query they were asked for:
// while a new query loads, its result is pending, never the previous one's.

import { useCallback, useContext, useEffect, useState } from 'react';
import type { Cube, Query } from '@cubejs-client/core';
import { CubeContext } from '@cubejs-client/react';
import type { Row } from '../results';

export interface RowsResult {
  /** Null while loading, after an error, or when the query is skipped (null). */
  rows: Row[] | null;
  error: unknown;
}

const PENDING: RowsResult = { rows: null, error: null };

/** Asks again (same queries); stable across renders. */
function useAttempt(): [number, () => void] {
  const [attempt, setAttempt] = useState(0);
  return [attempt, useCallback(() => setAttempt((n) => n + 1), [])];
}

/**
 * Loads each query (null skips it) in parallel, each with its own rows or
 * error. `refetch` is stable.
 */
export function useCubeQueries(queries: readonly (Query | null)[]): { results: RowsResult[]; refetch: () => void } {
  const { cubeApi } = useContext(CubeContext);
  const key = JSON.stringify(queries);
  const [state, setState] = useState<{ key: string; attempt: number; results: RowsResult[] } | null>(null);
  const [attempt, refetch] = useAttempt();

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
  return { results, refetch };
}

/** One query (null skips it): its rows, its error, whether it is loading. */
export function useCubeRows(query: Query | null): RowsResult & { loading: boolean; refetch: () => void } {
  const { results, refetch } = useCubeQueries([query]);
  const result = results[0] ?? PENDING;
  return { ...result, loading: query != null && result.rows == null && result.error == null, refetch };
}

/** The first error among results, if any. */
export function firstError(results: readonly RowsResult[]): unknown {
  return results.find((r) => r.error != null)?.error ?? null;
}

/** /meta's cubes and views (titles, units, kinds of the members). */
export function useCubeMeta(): { cubes: Cube[] | null; error: unknown; refetch: () => void } {
  const { cubeApi } = useContext(CubeContext);
  const [state, setState] = useState<{ attempt: number; cubes: Cube[] | null; error: unknown } | null>(null);
  const [attempt, refetch] = useAttempt();

  useEffect(() => {
    if (!cubeApi) return undefined;
    let cancelled = false;
    cubeApi.meta().then(
      (meta) => {
        if (!cancelled) setState({ attempt, cubes: meta.cubes, error: null });
      },
      (error: unknown) => {
        if (!cancelled) setState({ attempt, cubes: null, error });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [cubeApi, attempt]);

  // while asking again, the previous answer stays (the pages keep their titles)
  return { cubes: state?.cubes ?? null, error: state?.attempt === attempt ? state.error : null, refetch };
}

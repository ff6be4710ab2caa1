// The one hook over the app's JSON API (data/useCube.ts reads Cube): loads
// `url` (null skips), parses the answer, and keeps the result with the URL it
// belongs to, so a page never shows the previous URL's data as the new one's.
// refetch() (after a change) keeps showing the data it replaces until the new
// answer arrives, with `loading` true.

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { ApiError } from '../api/http';
import { useApiClient } from '../auth/SessionContext';

export interface ApiResult<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  refetch: () => void;
}

/** `parse` returns the typed value or a Chinese reason the answer is wrong; a new function does not refetch. */
export function useApi<T>(url: string | null, parse: (body: unknown) => T | string): ApiResult<T> {
  const api = useApiClient();
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<{ url: string; attempt: number; data: T | null; error: ApiError | null } | null>(null);
  // the latest parse, without making every inline arrow a reason to fetch again
  const parseRef = useRef(parse);
  useLayoutEffect(() => {
    parseRef.current = parse;
  });

  useEffect(() => {
    if (url == null) return undefined;
    const controller = new AbortController();
    api.get(url, controller.signal).then(
      (body) => {
        if (controller.signal.aborted) return;
        const parsed = parseRef.current(body);
        setState(typeof parsed === 'string' ? { url, attempt, data: null, error: new ApiError(parsed, 200) } : { url, attempt, data: parsed, error: null });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({ url, attempt, data: null, error: error instanceof ApiError ? error : new ApiError(String(error), null) });
      },
    );
    return () => controller.abort();
  }, [api, url, attempt]);

  const current = url != null && state?.url === url ? state : null;
  const fresh = current?.attempt === attempt;
  const refetch = useCallback(() => setAttempt((n) => n + 1), []);
  return {
    data: current?.data ?? null,
    error: fresh ? current.error : null,
    loading: url != null && !fresh,
    refetch,
  };
}

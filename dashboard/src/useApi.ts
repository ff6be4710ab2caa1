// The one hook over the JSON API (the Cube hooks serve Cube queries): loads
// `url` (null skips), parses the answer, and keeps the result with the URL it
// belongs to, so a page never shows the previous URL's data as the new one's.

import { useEffect, useState } from 'react';
import { ApiError } from './api/http';
import { useApiClient } from './auth/SessionContext';

export interface ApiResult<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  refetch: () => void;
}

/** `parse` returns the typed value or a Chinese reason the answer is wrong; keep it stable (module level). */
export function useApi<T>(url: string | null, parse: (body: unknown) => T | string): ApiResult<T> {
  const api = useApiClient();
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<{ key: string; data: T | null; error: ApiError | null } | null>(null);
  const key = `${attempt}:${url}`;

  useEffect(() => {
    if (url == null) return undefined;
    const controller = new AbortController();
    api.get(url, controller.signal).then(
      (body) => {
        if (controller.signal.aborted) return;
        const parsed = parse(body);
        setState(typeof parsed === 'string' ? { key, data: null, error: new ApiError(parsed, 200) } : { key, data: parsed, error: null });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({ key, data: null, error: error instanceof ApiError ? error : new ApiError(String(error), null) });
      },
    );
    return () => controller.abort();
  }, [api, url, key, parse]);

  const current = state?.key === key ? state : null;
  return {
    data: current?.data ?? null,
    error: current?.error ?? null,
    loading: url != null && current == null,
    refetch: () => setAttempt((n) => n + 1),
  };
}

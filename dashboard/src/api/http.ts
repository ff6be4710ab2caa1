// The one fetch wrapper for the platform's JSON API (/api/*): sends the
// session's token, turns answers into JSON or an ApiError with the server's
// Chinese message, and reports a 401 (session expired, revoked, user
// disabled) so the app can send the user back to the sign-in page.

export class ApiError extends Error {
  /** HTTP status; null when the server could not be reached. */
  readonly status: number | null;
  constructor(message: string, status: number | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export const LOGIN_URL = '/api/auth/login';

/**
 * Whether an answer means the session has ended: a 401 from the API, or the
 * Cube API's 403 for a refused token (Cube's status; the server marks it with
 * `WWW-Authenticate: Bearer error="invalid_token"`, while a role refused is a
 * plain 403). Not the sign-in request's 401, which means a wrong name or password.
 */
export function endsSession(url: string, status: number, headers?: Headers): boolean {
  const path = pathOf(url);
  if (path === LOGIN_URL) return false;
  if (path.startsWith('/cubejs-api/')) {
    return status === 401 || (status === 403 && (headers?.get('www-authenticate') ?? '').includes('invalid_token'));
  }
  return status === 401 && path.startsWith('/api/');
}

function pathOf(url: string): string {
  try {
    return new URL(url, 'http://same-origin').pathname;
  } catch {
    return url;
  }
}

/** The server's `{ error }` text, else a description of the status. */
export function errorMessage(status: number, body: unknown): string {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : null;
  if (typeof error === 'string' && error.trim()) return error.trim();
  if (status === 401) return '登录已失效，请重新登录';
  if (status === 403) return '当前角色无权进行此操作';
  if (status === 404) return '请求的内容不存在（HTTP 404）';
  if (status === 429) return '请求过于频繁，请稍后再试';
  return `服务器错误（HTTP ${status}）`;
}

export interface ApiClientOptions {
  /** The session's token; null for requests before sign-in. */
  token: string | null;
  /** Called once per answer that ends the session (see endsSession). */
  onSessionEnd?: () => void;
  fetchImpl?: typeof fetch;
}

export interface ApiClient {
  /** JSON of the answer (null for 204); throws ApiError. */
  request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, signal?: AbortSignal): Promise<unknown>;
  get(url: string, signal?: AbortSignal): Promise<unknown>;
  post(url: string, body?: unknown): Promise<unknown>;
}

export function createApiClient({ token, onSessionEnd, fetchImpl = (...args) => fetch(...args) }: ApiClientOptions): ApiClient {
  const request: ApiClient['request'] = async (method, url, body, signal) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetchImpl(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') throw e;
      throw new ApiError('无法连接服务器，请检查网络后重试', null);
    }
    if (endsSession(url, response.status, response.headers)) onSessionEnd?.();
    if (response.status === 204) return null;
    const text = await response.text().catch(() => '');
    let json: unknown = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        if (response.ok) throw new ApiError('服务器返回的内容不是 JSON', response.status);
      }
    }
    if (!response.ok) throw new ApiError(errorMessage(response.status, json), response.status);
    return json;
  };
  return {
    request,
    get: (url, signal) => request('GET', url, undefined, signal),
    post: (url, body) => request('POST', url, body ?? {}),
  };
}

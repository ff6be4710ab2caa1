// Where the dashboard gets its API token. For now the development endpoint;
// a sign-in flow will replace `fetchDevSession`.

export interface Session {
  token: string;
  role: string;
  /** 12-digit region code the token is scoped to. */
  region: string;
  regionName: string;
}

export const DEV_TOKEN_URL = '/api/dev-token';

/** Validates the body of `/api/dev-token`; returns a Chinese reason when it is wrong. */
export function parseSession(body: unknown): Session | string {
  if (typeof body !== 'object' || body === null) return '服务器返回的内容不是 JSON 对象';
  const b = body as Record<string, unknown>;
  if (typeof b.token !== 'string' || b.token === '') return '服务器返回的内容缺少 token';
  return {
    token: b.token,
    role: typeof b.role === 'string' ? b.role : '',
    region: typeof b.region === 'string' ? b.region : '',
    regionName: typeof b.regionName === 'string' ? b.regionName : '',
  };
}

async function readError(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string' && body.error) return body.error;
  } catch {
    // not JSON: fall through
  }
  return `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
}

/** Fetches a development token. Throws an Error with a Chinese message. */
export async function fetchDevSession(fetchImpl: typeof fetch = fetch): Promise<Session> {
  let response: Response;
  try {
    response = await fetchImpl(DEV_TOKEN_URL, { headers: { Accept: 'application/json' } });
  } catch {
    throw new Error('无法连接服务器');
  }
  if (!response.ok) throw new Error(await readError(response));
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new Error('服务器返回的内容不是 JSON');
  }
  const session = parseSession(body);
  if (typeof session === 'string') throw new Error(session);
  return session;
}

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

/** Roles the development token endpoint hands out (`?role=`); the server defaults to leader. */
export const DEV_ROLES = ['admin', 'leader', 'staff', 'inspector'] as const;
export type DevRole = (typeof DEV_ROLES)[number];

export const ROLE_TITLES: Record<DevRole, string> = { admin: '管理员', leader: '领导', staff: '工作人员', inspector: '督查人员' };

/** The role asked for in the page's query string (`?role=inspector`), if it is one. */
export function devRoleFromSearch(search: string): DevRole | null {
  const role = new URLSearchParams(search).get('role');
  return (DEV_ROLES as readonly string[]).includes(role ?? '') ? (role as DevRole) : null;
}

export function devTokenUrl(role: DevRole | null): string {
  return role ? `${DEV_TOKEN_URL}?role=${role}` : DEV_TOKEN_URL;
}

/** `督查人员` for a known role, else the role as given. */
export function roleTitle(role: string): string {
  return ROLE_TITLES[role as DevRole] ?? role;
}

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

/** Fetches a development token (of `role`, else the server's default). Throws an Error with a Chinese message. */
export async function fetchDevSession(fetchImpl: typeof fetch = fetch, role: DevRole | null = null): Promise<Session> {
  let response: Response;
  try {
    response = await fetchImpl(devTokenUrl(role), { headers: { Accept: 'application/json' } });
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

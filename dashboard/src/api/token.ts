// Development only: the server's `/api/dev-token?role=` hands out a city-wide
// token of any role (it does not exist in production). `?role=inspector` in
// the page's address uses it instead of signing in, to try what each role sees.

import { ROLES, type Role, type Session, roleTitle } from './session';

export { ROLE_TITLES, roleTitle } from './session';

export const DEV_TOKEN_URL = '/api/dev-token';

/** Roles the development token endpoint hands out (`?role=`); the server defaults to leader. */
export const DEV_ROLES = ROLES;
export type DevRole = Role;

/** The role asked for in the page's query string (`?role=inspector`), if it is one. */
export function devRoleFromSearch(search: string): DevRole | null {
  const role = new URLSearchParams(search).get('role');
  return (DEV_ROLES as readonly string[]).includes(role ?? '') ? (role as DevRole) : null;
}

export function devTokenUrl(role: DevRole | null): string {
  return role ? `${DEV_TOKEN_URL}?role=${role}` : DEV_TOKEN_URL;
}

/** Validates the body of `/api/dev-token`; returns a Chinese reason when it is wrong. */
export function parseSession(body: unknown): Session | string {
  if (typeof body !== 'object' || body === null) return '服务器返回的内容不是 JSON 对象';
  const b = body as Record<string, unknown>;
  if (typeof b.token !== 'string' || b.token === '') return '服务器返回的内容缺少 token';
  if (!(DEV_ROLES as readonly string[]).includes(b.role as string)) return `服务器返回的角色无效：${String(b.role)}`;
  const role = b.role as Role;
  return {
    token: b.token,
    dev: true,
    name: `dev-${role}`,
    display: `开发调试（${roleTitle(role)}）`,
    role,
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

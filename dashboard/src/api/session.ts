// Who is signed in, and where the session is kept between reloads: the tab's
// sessionStorage (closing the tab ends the session; other tabs sign in on
// their own), never localStorage.

export const ROLES = ['admin', 'leader', 'staff', 'inspector'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_TITLES: Record<Role, string> = { admin: '管理员', leader: '领导', staff: '工作人员', inspector: '督查人员' };

/** `督查人员` for a known role, else the role as given. */
export function roleTitle(role: string): string {
  return ROLE_TITLES[role as Role] ?? role;
}

export interface User {
  /** The sign-in name. */
  name: string;
  /** The name people see (张三). */
  display: string;
  role: Role;
  /** 12-digit region code the user is scoped to. */
  region: string;
  regionName: string;
}

export interface Session extends User {
  token: string;
  /** A development token (`?role=`), not a signed-in user: no /api/auth/me, no logout call. */
  dev: boolean;
}

export const SESSION_STORAGE_KEY = 'social-assistance.session';

const isRole = (v: unknown): v is Role => (ROLES as readonly string[]).includes(v as string);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The `user` object of /api/auth/login and /api/auth/me; a Chinese reason when it is not one. */
export function parseUser(body: unknown): User | string {
  if (typeof body !== 'object' || body === null) return '服务器返回的用户信息不是 JSON 对象';
  const b = body as Record<string, unknown>;
  const name = str(b.name);
  if (!name) return '服务器返回的用户信息缺少 name';
  if (!isRole(b.role)) return `服务器返回的用户角色无效：${String(b.role)}`;
  const region = str(b.region);
  if (!region || !/^\d{12}$/.test(region)) return `服务器返回的用户区划代码无效：${String(b.region)}`;
  return { name, display: str(b.display) || name, role: b.role, region, regionName: str(b.regionName) ?? '' };
}

/** The body of a successful sign-in: `{token, user}`. */
export function parseLogin(body: unknown): Session | string {
  if (typeof body !== 'object' || body === null) return '服务器返回的内容不是 JSON 对象';
  const b = body as Record<string, unknown>;
  const token = str(b.token);
  if (!token) return '服务器返回的内容缺少 token';
  const user = parseUser(b.user);
  return typeof user === 'string' ? user : { ...user, token, dev: false };
}

/** The body of /api/auth/me: `{user}`. */
export function parseMe(body: unknown): User | string {
  if (typeof body !== 'object' || body === null) return '服务器返回的内容不是 JSON 对象';
  return parseUser((body as Record<string, unknown>).user);
}

/** A stored session, or null when there is none or it is not one (then it is ignored). */
export function parseStoredSession(raw: string | null): Session | null {
  if (!raw) return null;
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const token = str(b.token);
  const user = parseUser(b.user);
  if (!token || typeof user === 'string') return null;
  return { ...user, token, dev: b.dev === true };
}

export function serializeSession(session: Session): string {
  const { token, dev, ...user } = session;
  return JSON.stringify({ token, dev, user });
}

type SessionStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function readStoredSession(storage: SessionStore): Session | null {
  try {
    return parseStoredSession(storage.getItem(SESSION_STORAGE_KEY));
  } catch {
    // storage can be unavailable (privacy settings): no stored session
    return null;
  }
}

export function storeSession(storage: SessionStore, session: Session): void {
  try {
    storage.setItem(SESSION_STORAGE_KEY, serializeSession(session));
  } catch {
    // without storage the session lasts until the page is reloaded
  }
}

export function clearStoredSession(storage: SessionStore): void {
  try {
    storage.removeItem(SESSION_STORAGE_KEY);
  } catch {
    // nothing stored
  }
}

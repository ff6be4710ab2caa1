// Where the sign-in page sends people, and back: pure, so it is unit-tested.

export const LOGIN_PATH = '/login';

/**
 * The page to return to after signing in, from `?next=`: only a path of this
 * site (`/living?x=1`), never another origin (`//evil`, `https:`) or the
 * sign-in page itself; otherwise the leadership page.
 */
export function safeNext(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  const path = raw.split(/[?#]/)[0] ?? '';
  if (path === LOGIN_PATH || path.startsWith(`${LOGIN_PATH}/`)) return '/';
  return raw;
}

/** The development switch `?role=` is not part of the page to return to: it would skip the sign-in. */
function withoutRole(search: string): string {
  const params = new URLSearchParams(search);
  params.delete('role');
  const rest = params.toString();
  return rest ? `?${rest}` : '';
}

/** `/login?next=/living` for the page that was open (the leadership page needs no `next`). */
export function loginHref(location: { pathname: string; search: string }): string {
  const next = `${location.pathname}${withoutRole(location.search)}`;
  if (safeNext(next) === '/' ) return LOGIN_PATH;
  return `${LOGIN_PATH}?next=${encodeURIComponent(next).replace(/%2F/g, '/')}`;
}

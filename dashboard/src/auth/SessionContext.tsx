// The signed-in session for the whole app: restored on load (development
// `?role=`, else the tab's sessionStorage checked with /api/auth/me), started
// by the sign-in page, ended by 退出登录 or by any 401 from the API or Cube.

import { type ReactNode, createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation } from 'react-router';
import { type ApiClient, ApiError, LOGIN_URL, createApiClient } from '../api/http';
import { type Session, clearStoredSession, parseLogin, parseMe, readStoredSession, storeSession } from '../api/session';
import { devRoleFromSearch, fetchDevSession } from '../api/token';

export type AuthState =
  | { status: 'restoring' }
  /** `ended`: a 401 ended the session (return to the open page after signing in); `signed-out`: 退出登录. */
  | { status: 'signed-out'; reason: 'none' | 'ended' | 'signed-out' }
  | { status: 'failed'; message: string }
  | { status: 'signed-in'; session: Session };

export interface Auth {
  state: AuthState;
  /** Signs in; throws ApiError with the server's message (wrong name or password, too many attempts). */
  signIn: (name: string, password: string) => Promise<Session>;
  signOut: () => Promise<void>;
  /** A 401 arrived: the session is over. */
  endSession: () => void;
  retry: () => void;
}

const AuthContext = createContext<Auth | null>(null);
const SessionContext = createContext<{ session: Session; api: ApiClient } | null>(null);

const storage = () => window.sessionStorage;

async function restore(search: string): Promise<AuthState> {
  const devRole = devRoleFromSearch(search);
  if (devRole) {
    // development only: the endpoint does not exist in production, where this falls through to sign-in
    const dev = await fetchDevSession(fetch, devRole).catch(() => null);
    if (dev) {
      storeSession(storage(), dev);
      return { status: 'signed-in', session: dev };
    }
  }
  const stored = readStoredSession(storage());
  if (!stored) return { status: 'signed-out', reason: 'none' };
  if (stored.dev) return { status: 'signed-in', session: stored };
  try {
    const user = parseMe(await createApiClient({ token: stored.token }).get('/api/auth/me'));
    if (typeof user === 'string') return { status: 'failed', message: user };
    const session: Session = { ...user, token: stored.token, dev: false };
    storeSession(storage(), session);
    return { status: 'signed-in', session };
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      clearStoredSession(storage());
      return { status: 'signed-out', reason: 'ended' };
    }
    return { status: 'failed', message: e instanceof Error ? e.message : String(e) };
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const location = useLocation();
  const [state, setState] = useState<AuthState>({ status: 'restoring' });
  const [attempt, setAttempt] = useState(0);
  // the address the app was opened with decides the restore, not later moves
  const initialSearch = useRef(location.search);

  useEffect(() => {
    let cancelled = false;
    void restore(initialSearch.current).then((s) => !cancelled && setState(s));
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  const endSession = useCallback(() => {
    clearStoredSession(storage());
    setState((s) => (s.status === 'signed-in' ? { status: 'signed-out', reason: 'ended' } : s));
  }, []);

  const signIn = useCallback(async (name: string, password: string) => {
    const session = parseLogin(await createApiClient({ token: null }).post(LOGIN_URL, { name, password }));
    if (typeof session === 'string') throw new ApiError(session, 200);
    storeSession(storage(), session);
    setState({ status: 'signed-in', session });
    return session;
  }, []);

  const current = state.status === 'signed-in' ? state.session : null;
  const signOut = useCallback(async () => {
    if (current && !current.dev) {
      // revoke the token on the server; signing out locally goes ahead even if that fails
      await createApiClient({ token: current.token })
        .post('/api/auth/logout')
        .catch(() => {});
    }
    clearStoredSession(storage());
    setState({ status: 'signed-out', reason: 'signed-out' });
  }, [current]);

  const retry = useCallback(() => {
    setState({ status: 'restoring' });
    setAttempt((n) => n + 1);
  }, []);

  const auth = useMemo<Auth>(() => ({ state, signIn, signOut, endSession, retry }), [state, signIn, signOut, endSession, retry]);
  const sessionValue = useMemo(
    () => (current ? { session: current, api: createApiClient({ token: current.token, onSessionEnd: endSession }) } : null),
    [current, endSession],
  );
  return (
    <AuthContext.Provider value={auth}>
      <SessionContext.Provider value={sessionValue}>{children}</SessionContext.Provider>
    </AuthContext.Provider>
  );
}

export function useAuth(): Auth {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth 须在 AuthProvider 内使用');
  return value;
}

/** The signed-in session; only inside the pages behind sign-in. */
export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession 须在登录后的页面内使用');
  return value.session;
}

/** The JSON API client with the session's token; a 401 ends the session. */
export function useApiClient(): ApiClient {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useApiClient 须在登录后的页面内使用');
  return value.api;
}

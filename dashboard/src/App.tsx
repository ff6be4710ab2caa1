import { useEffect, useMemo, useState } from 'react';
import { CubeProvider } from '@cubejs-client/react';
import { createCubeApi } from './api/cube';
import { type Session, fetchDevSession } from './api/token';
import { Header } from './components/Header';
import { ErrorState, Loading } from './components/States';
import { Leadership } from './pages/Leadership';

type SessionState = { status: 'loading' } | { status: 'ready'; session: Session } | { status: 'failed'; message: string };

export function App() {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setState({ status: 'loading' });
    fetchDevSession().then(
      (session) => !cancelled && setState({ status: 'ready', session }),
      (error: unknown) => !cancelled && setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  const session = state.status === 'ready' ? state.session : null;
  const cubeApi = useMemo(() => (session ? createCubeApi(session.token) : null), [session]);

  if (!session || !cubeApi) {
    return (
      <div className="app">
        <Header regionName="" sample={false} />
        <main className="content">
          {state.status === 'failed' ? (
            <ErrorState title={`无法获取访问令牌：${state.message}`} message="请确认服务已启动，然后重试。" onRetry={() => setAttempt((n) => n + 1)} />
          ) : (
            <Loading text="正在获取访问令牌…" height={240} />
          )}
        </main>
      </div>
    );
  }

  return (
    <CubeProvider cubeApi={cubeApi}>
      <Leadership session={session} />
    </CubeProvider>
  );
}

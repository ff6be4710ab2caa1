import { useEffect, useMemo, useState } from 'react';
import { CubeProvider } from '@cubejs-client/react';
import { createCubeApi } from './api/cube';
import { type Session, devRoleFromSearch, fetchDevSession } from './api/token';
import { Header } from './components/Header';
import { ErrorState, Loading } from './components/States';
import { MetaProvider } from './MetaContext';
import { type Navigation, useNavigation } from './navigation';
import { Integrity } from './pages/Integrity';
import { Leadership } from './pages/Leadership';
import { Living } from './pages/Living';
import { Monitoring } from './pages/Monitoring';
import { Relief } from './pages/Relief';
import { PeriodProvider } from './PeriodContext';

type SessionState = { status: 'loading' } | { status: 'ready'; session: Session } | { status: 'failed'; message: string };

function CurrentPage({ session, navigation }: { session: Session; navigation: Navigation }) {
  switch (navigation.page.key) {
    case 'living':
      return <Living session={session} navigation={navigation} />;
    case 'relief':
      return <Relief session={session} navigation={navigation} />;
    case 'monitoring':
      return <Monitoring session={session} navigation={navigation} />;
    case 'integrity':
      return <Integrity session={session} navigation={navigation} />;
    case 'leadership':
      return <Leadership session={session} navigation={navigation} />;
  }
}

export function App() {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const navigation = useNavigation();
  // Development: `?role=inspector` asks the dev-token endpoint for that role.
  const [role] = useState(() => devRoleFromSearch(window.location.search));

  useEffect(() => {
    let cancelled = false;
    setState({ status: 'loading' });
    fetchDevSession(fetch, role).then(
      (session) => !cancelled && setState({ status: 'ready', session }),
      (error: unknown) => !cancelled && setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      cancelled = true;
    };
  }, [attempt, role]);

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
      <MetaProvider>
        <PeriodProvider>
          <CurrentPage session={session} navigation={navigation} />
        </PeriodProvider>
      </MetaProvider>
    </CubeProvider>
  );
}

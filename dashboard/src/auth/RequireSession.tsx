// The pages behind sign-in: while the session is restored, a loading note;
// without one, the sign-in page (with the open page as `next` when a session
// ended); with one, the Cube client and the shared meta and period around them.

import { useMemo } from 'react';
import { CubeProvider } from '@cubejs-client/react';
import { Button, Result } from 'antd';
import { Navigate, Outlet, useLocation } from 'react-router';
import { createCubeApi } from '../api/cube';
import { Loading } from '../components/States';
import { MetaProvider } from '../MetaContext';
import { PeriodProvider } from '../PeriodContext';
import { LOGIN_PATH, loginHref } from './paths';
import { useAuth } from './SessionContext';

export function RequireSession() {
  const { state, endSession, retry } = useAuth();
  const location = useLocation();
  const token = state.status === 'signed-in' ? state.session.token : null;
  const cubeApi = useMemo(() => (token ? createCubeApi(token, endSession) : null), [token, endSession]);

  if (state.status === 'restoring') return <Loading text="正在恢复登录状态…" height={320} />;
  if (state.status === 'failed') {
    return (
      <Result
        status="warning"
        title="无法确认登录状态"
        subTitle={state.message}
        extra={
          <Button type="primary" onClick={retry}>
            重试
          </Button>
        }
      />
    );
  }
  if (state.status === 'signed-out' || !cubeApi) {
    const signedOut = state.status === 'signed-out' && state.reason === 'signed-out';
    return <Navigate to={signedOut ? LOGIN_PATH : loginHref(location)} replace />;
  }
  return (
    <CubeProvider cubeApi={cubeApi}>
      <MetaProvider>
        <PeriodProvider>
          <Outlet />
        </PeriodProvider>
      </MetaProvider>
    </CubeProvider>
  );
}

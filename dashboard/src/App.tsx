// The application: Ant Design in Chinese, the router, the session, and the
// pages of the route table (routes.tsx) behind sign-in.

import { App as AntdApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { BrowserRouter, Route, Routes } from 'react-router';
import { antdTheme } from './antd-theme';
import { LoginPage } from './auth/LoginPage';
import { LOGIN_PATH } from './auth/paths';
import { RequireSession } from './auth/RequireSession';
import { AuthProvider } from './auth/SessionContext';
import { ROUTES } from './routes';
import { AppLayout } from './shell/AppLayout';
import { NotFound, RouteGate } from './shell/RouteGate';

export function App() {
  return (
    <ConfigProvider locale={zhCN} theme={antdTheme}>
      <AntdApp>
        <BrowserRouter>
          <AuthProvider>
            <Routes>
              <Route path={LOGIN_PATH} element={<LoginPage />} />
              <Route element={<RequireSession />}>
                {ROUTES.filter((r) => r.bare).map((r) => (
                  <Route key={r.key} path={r.path} element={<RouteGate route={r} />} />
                ))}
                <Route element={<AppLayout />}>
                  {ROUTES.filter((r) => !r.bare).map((r) => (
                    <Route key={r.key} path={r.path} element={<RouteGate route={r} />} />
                  ))}
                  <Route path="*" element={<NotFound />} />
                </Route>
              </Route>
            </Routes>
          </AuthProvider>
        </BrowserRouter>
      </AntdApp>
    </ConfigProvider>
  );
}

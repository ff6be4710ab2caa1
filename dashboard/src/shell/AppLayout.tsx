// The frame around every page after sign-in: the platform's header (user,
// role, region, 退出登录), the menu of the pages this role may open (from the
// route table), and the page itself.

import { Suspense, useEffect, useMemo } from 'react';
import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Layout, Menu, type MenuProps, Tag } from 'antd';
import { NavLink, Outlet, useLocation } from 'react-router';
import { roleTitle } from '../api/session';
import { useAuth, useSession } from '../auth/SessionContext';
import { Loading } from '../components/States';
import { activeMenuKey, matchRoute, menuFor } from '../route-access';
import { ROUTES } from '../routes';
import { CurrentRouteContext } from './current-route';

export const PLATFORM_TITLE = '社会救助数据分析与监测平台';

export function AppLayout() {
  const session = useSession();
  const { signOut } = useAuth();
  const { pathname } = useLocation();
  const route = matchRoute(ROUTES, pathname);

  const items = useMemo<MenuProps['items']>(
    () =>
      menuFor(ROUTES, session.role).map((m) => {
        const link = (e: { key: string; title: string; path: string }) => ({
          key: e.key,
          label: (
            <NavLink to={e.path} end data-testid={`nav-${e.key}`}>
              {e.title}
            </NavLink>
          ),
        });
        return 'group' in m ? { key: `group:${m.group}`, label: m.group, children: m.children.map(link) } : link(m);
      }),
    [session.role],
  );
  const selected = activeMenuKey(ROUTES, pathname, session.role);

  useEffect(() => {
    document.title = route && route.key !== 'leadership' ? `${route.title} · ${PLATFORM_TITLE}` : PLATFORM_TITLE;
  }, [route]);

  return (
    <Layout className="app">
      <Layout.Header className="app-header">
        <div className="app-header__title">
          <h1>{PLATFORM_TITLE}</h1>
        </div>
        <div className="app-header__user" data-testid="header-user">
          <span className="app-header__name" data-testid="user-display">
            <UserOutlined aria-hidden /> {session.display}
          </span>
          <Tag className="app-header__role" data-testid="role-badge">
            {roleTitle(session.role)}
          </Tag>
          {session.regionName && (
            <span className="app-header__region" data-testid="user-region">
              {session.regionName}
            </span>
          )}
          <Button type="text" className="app-header__logout" icon={<LogoutOutlined />} onClick={() => void signOut()} data-testid="sign-out">
            退出登录
          </Button>
        </div>
      </Layout.Header>
      <nav className="app-nav" aria-label="页面导航">
        <Menu mode="horizontal" items={items} selectedKeys={selected ? [selected] : []} />
      </nav>
      <CurrentRouteContext.Provider value={route}>
        <Suspense fallback={<Loading text="正在打开页面…" height={240} />}>
          <Outlet />
        </Suspense>
      </CurrentRouteContext.Provider>
    </Layout>
  );
}

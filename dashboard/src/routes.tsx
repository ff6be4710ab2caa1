// The application's pages: one line each. The menu, the router and the role
// checks all come from this table (see route-access.ts for the fields).
// A page module default-exports its component, which takes no props (it reads
// the session with useSession() and the path's parameters with useParams()).

import { type ComponentType, type LazyExoticComponent, lazy } from 'react';
import type { RouteSpec } from './route-access';

export interface AppRoute extends RouteSpec {
  page: LazyExoticComponent<ComponentType>;
}

export const ROUTES: readonly AppRoute[] = [
  { key: 'leadership', path: '/', title: '领导驾驶舱', page: lazy(() => import('./pages/leadership/Leadership')) },
  { key: 'living', path: '/living', title: '基本生活救助', page: lazy(() => import('./pages/catalogue/Living')) },
  { key: 'relief', path: '/relief', title: '临时救助', page: lazy(() => import('./pages/catalogue/Relief')) },
  { key: 'monitoring', path: '/monitoring', title: '监测预警', page: lazy(() => import('./pages/catalogue/Monitoring')) },
  { key: 'integrity', path: '/integrity', title: '数据比对', page: lazy(() => import('./pages/integrity/Integrity')) },
  { key: 'rectification', path: '/rectification', title: '整改台账', menu: '整改', page: lazy(() => import('./pages/rectification/RectificationList')) },
  { key: 'rectification-board', path: '/rectification/board', title: '整改看板', menu: '整改', page: lazy(() => import('./pages/rectification/RectificationBoard')) },
  { key: 'proposals', path: '/rectification/proposals', title: '问题线索', menu: '整改', roles: ['admin', 'inspector', 'staff'], page: lazy(() => import('./pages/rectification/Proposals')) },
  { key: 'rectification-item', path: '/rectification/:id', title: '整改详情', menu: false, page: lazy(() => import('./pages/rectification/RectificationItem')) },
  { key: 'notices', path: '/notices', title: '通报管理', page: lazy(() => import('./pages/notices/NoticeList')) },
  { key: 'notice', path: '/notices/:id', title: '通报', menu: false, page: lazy(() => import('./pages/notices/NoticeView')) },
  { key: 'notice-print', path: '/notices/:id/print', title: '通报打印', menu: false, bare: true, page: lazy(() => import('./pages/notices/NoticePrint')) },
  { key: 'audit', path: '/audit', title: '审计日志', roles: ['admin'], page: lazy(() => import('./pages/Audit')) },
];

// The dashboard's pages and their paths. The server answers every unknown GET
// path with index.html, so each page has a real path (`/living`) and the
// browser's history API moves between them without a reload.

export type PageKey = 'leadership' | 'living' | 'relief' | 'monitoring' | 'integrity';

export interface PageRoute {
  key: PageKey;
  path: string;
  /** Title in the navigation bar. */
  title: string;
}

export const PAGES: readonly PageRoute[] = [
  { key: 'leadership', path: '/', title: '领导驾驶舱' },
  { key: 'living', path: '/living', title: '基本生活救助' },
  { key: 'relief', path: '/relief', title: '临时救助' },
  { key: 'monitoring', path: '/monitoring', title: '监测预警' },
  { key: 'integrity', path: '/integrity', title: '数据比对' },
];

const DEFAULT_PAGE = PAGES[0]!;

/** The page of a location's pathname; unknown paths show the leadership page. */
export function pageForPath(pathname: string): PageRoute {
  const clean = pathname.replace(/\/index\.html$/, '/').replace(/\/+$/, '') || '/';
  return PAGES.find((p) => p.path === clean) ?? DEFAULT_PAGE;
}

export function pageByKey(key: PageKey): PageRoute {
  return PAGES.find((p) => p.key === key) ?? DEFAULT_PAGE;
}

/** The href of a page, keeping the query string (`?role=inspector` in development). */
export function pageHref(page: PageRoute, search: string): string {
  return `${page.path}${search}`;
}

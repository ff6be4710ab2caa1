import type { MouseEvent } from 'react';
import { PAGES, type PageKey, type PageRoute, pageHref } from '../routes';

export interface HeaderProps {
  regionName: string;
  sample: boolean;
  periodText?: string | null;
  /** The signed-in role, e.g. 督查人员 (shown when not the default). */
  roleText?: string | null;
  /** The current page; without it (no session yet) there is no navigation. */
  current?: PageKey;
  search?: string;
  onNavigate?: (page: PageRoute) => void;
}

export function Header({ regionName, sample, periodText, roleText, current, search = '', onNavigate }: HeaderProps) {
  const follow = (page: PageRoute) => (e: MouseEvent<HTMLAnchorElement>) => {
    // let the browser open new tabs and windows itself
    if (!onNavigate || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    onNavigate(page);
  };
  return (
    <header className="app-header">
      <div className="app-header__bar">
        <div className="app-header__title">
          <h1>社会救助领导驾驶舱</h1>
          {regionName && <span className="app-header__region">{regionName}</span>}
          {roleText && (
            <span className="badge badge--role" data-testid="role-badge">
              {roleText}
            </span>
          )}
          {sample && (
            <span className="badge badge--sample" data-testid="sample-data-badge">
              示例数据
            </span>
          )}
        </div>
        {periodText && <div className="app-header__period">统计期：{periodText}</div>}
      </div>
      {current && (
        <nav className="app-nav" aria-label="页面导航">
          {PAGES.map((page) => (
            <a
              key={page.key}
              href={pageHref(page, search)}
              className={page.key === current ? 'app-nav__link app-nav__link--active' : 'app-nav__link'}
              aria-current={page.key === current ? 'page' : undefined}
              data-testid={`nav-${page.key}`}
              onClick={follow(page)}
            >
              {page.title}
            </a>
          ))}
        </nav>
      )}
    </header>
  );
}

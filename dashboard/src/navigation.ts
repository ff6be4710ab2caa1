// Moving between pages with the browser's history: the path names the page,
// the query string (`?role=` in development) is kept.

import { useCallback, useEffect, useState } from 'react';
import { type PageRoute, pageForPath, pageHref } from './routes';

export interface Navigation {
  page: PageRoute;
  /** The query string to keep on links (`?role=inspector`), or ''. */
  search: string;
  navigate: (page: PageRoute) => void;
}

export function useNavigation(): Navigation {
  const [location, setLocation] = useState(() => ({ path: window.location.pathname, search: window.location.search }));

  useEffect(() => {
    const onPop = () => setLocation({ path: window.location.pathname, search: window.location.search });
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const navigate = useCallback((page: PageRoute) => {
    const search = window.location.search;
    if (pageForPath(window.location.pathname).key !== page.key) {
      window.history.pushState(null, '', pageHref(page, search));
      window.scrollTo(0, 0);
    }
    setLocation({ path: page.path, search });
  }, []);

  return { page: pageForPath(location.path), search: location.search, navigate };
}

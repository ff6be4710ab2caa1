// The route the layout is showing, for the page frame's heading and test id.
import { createContext, useContext } from 'react';
import type { RouteSpec } from '../route-access';

export const CurrentRouteContext = createContext<RouteSpec | null>(null);

export function useCurrentRoute(): RouteSpec | null {
  return useContext(CurrentRouteContext);
}

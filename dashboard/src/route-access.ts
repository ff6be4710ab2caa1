// What the route table means for a role: which pages it may open, the menu it
// sees, and which menu entry a path belongs to. Pure, so it is unit-tested.

import { matchPath } from 'react-router';
import type { Role } from './api/session';

export interface RouteSpec {
  /** Stable id: the menu's key and the test ids `nav-<key>` and `page-<key>`. */
  key: string;
  /** react-router path: `/notices/:id`. */
  path: string;
  /** Chinese title: the menu entry, the page heading and the browser tab. */
  title: string;
  /** Roles that may open the page; every role when absent. */
  roles?: readonly Role[];
  /** Where it sits in the menu: absent = a top-level entry, a string = an entry in that submenu, false = not in the menu. */
  menu?: string | false;
  /** Rendered without the header and menu (print views); still behind sign-in. */
  bare?: boolean;
}

export type MenuEntry = { key: string; title: string; path: string } | { group: string; children: { key: string; title: string; path: string }[] };

export function allows(route: Pick<RouteSpec, 'roles'>, role: Role): boolean {
  return !route.roles || route.roles.includes(role);
}

/** The menu of a role, in table order; a submenu sits where its first entry does. */
export function menuFor(routes: readonly RouteSpec[], role: Role): MenuEntry[] {
  const menu: MenuEntry[] = [];
  for (const r of routes) {
    if (r.menu === false || r.bare || !allows(r, role)) continue;
    const entry = { key: r.key, title: r.title, path: r.path };
    if (r.menu === undefined) {
      menu.push(entry);
      continue;
    }
    const group = menu.find((m): m is Extract<MenuEntry, { group: string }> => 'group' in m && m.group === r.menu);
    if (group) group.children.push(entry);
    else menu.push({ group: r.menu, children: [entry] });
  }
  return menu;
}

/** The route a path shows (static paths win over `:param` ones, as in react-router), or null. */
export function matchRoute<R extends RouteSpec>(routes: readonly R[], pathname: string): R | null {
  const matches = routes.filter((r) => matchPath({ path: r.path, end: true }, pathname));
  return matches.find((r) => !r.path.includes(':')) ?? matches[0] ?? null;
}

/**
 * The menu entry to highlight on a path: the page's own entry, else the entry
 * whose path is the longest leading part of it (`/notices/12` → 通报管理).
 */
export function activeMenuKey(routes: readonly RouteSpec[], pathname: string, role: Role): string | null {
  const inMenu = menuFor(routes, role).flatMap((m) => ('group' in m ? m.children : [m]));
  const own = matchRoute(routes, pathname);
  if (own && inMenu.some((m) => m.key === own.key)) return own.key;
  const prefixes = inMenu.filter((m) => m.path !== '/' && (pathname === m.path || pathname.startsWith(`${m.path}/`)));
  prefixes.sort((a, b) => b.path.length - a.path.length);
  return prefixes[0]?.key ?? null;
}

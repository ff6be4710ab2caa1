// The application shell's pure parts: the route table by role (menu, access,
// the entry a path belongs to), when an answer ends the session (JSON API and
// Cube), where the sign-in page sends people back to, the stored session, and
// the 审计日志 and 查看 (reveal) requests and answers.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AUDIT_ACTIONS } from '../audit/trail.ts';
import { MAX_LOADS_IN_FLIGHT, Slots, createCubeApi } from '../dashboard/src/api/cube';
import { ApiError, createApiClient, endsSession, errorMessage } from '../dashboard/src/api/http';
import {
  SESSION_STORAGE_KEY,
  type Session,
  clearStoredSession,
  parseLogin,
  parseMe,
  parseStoredSession,
  readStoredSession,
  serializeSession,
  storeSession,
} from '../dashboard/src/api/session';
import { parseSession } from '../dashboard/src/api/token';
import { ACTION_LABELS, actionLabel, auditUrl, hasDetail, parseAuditRecords } from '../dashboard/src/audit';
import { loginHref, safeNext } from '../dashboard/src/auth/paths';
import { canReveal, parseReveal, revealRequest } from '../dashboard/src/integrity';
import { type RouteSpec, activeMenuKey, allows, matchRoute, menuFor } from '../dashboard/src/route-access';
import { ROUTES } from '../dashboard/src/routes';

const USER = { name: 'zhangsan', display: '张三', role: 'inspector', region: '130100000000', regionName: '示例市' };

describe('route table', () => {
  const titles = (role: Parameters<typeof menuFor>[1]) => menuFor(ROUTES, role).map((m) => ('group' in m ? m.group : m.title));

  it('shows every role the five indicator pages first, and 审计日志 to administrators only', () => {
    // other pages' lines (整改, 通报) sit between them; their roles are their own tests' business
    const pages = ['领导驾驶舱', '基本生活救助', '临时救助', '监测预警', '数据比对'];
    for (const role of ['admin', 'leader', 'staff', 'inspector'] as const) expect(titles(role).slice(0, 5)).toEqual(pages);
    for (const role of ['leader', 'staff', 'inspector'] as const) expect(titles(role)).not.toContain('审计日志');
    expect(titles('admin')).toContain('审计日志');
    const audit = ROUTES.find((r) => r.key === 'audit')!;
    expect(allows(audit, 'admin')).toBe(true);
    expect(allows(audit, 'leader')).toBe(false);
  });

  it('has unique keys and paths', () => {
    expect(new Set(ROUTES.map((r) => r.key)).size).toBe(ROUTES.length);
    expect(new Set(ROUTES.map((r) => r.path)).size).toBe(ROUTES.length);
  });

  it('maps paths to their page; unknown paths to none', () => {
    expect(matchRoute(ROUTES, '/')?.key).toBe('leadership');
    expect(matchRoute(ROUTES, '/living')?.key).toBe('living');
    expect(matchRoute(ROUTES, '/living/')?.key).toBe('living');
    expect(matchRoute(ROUTES, '/integrity')?.key).toBe('integrity');
    expect(matchRoute(ROUTES, '/nowhere')).toBeNull();
  });

  // the shape other pages add to the table: a list, its detail, a submenu, a print view
  const table: RouteSpec[] = [
    { key: 'home', path: '/', title: '首页' },
    { key: 'rectification', path: '/rectification', title: '整改台账', menu: '整改' },
    { key: 'rectification-item', path: '/rectification/:id', title: '整改详情', menu: false },
    { key: 'proposals', path: '/rectification/proposals', title: '问题线索', menu: '整改', roles: ['admin', 'inspector'] },
    { key: 'notices', path: '/notices', title: '通报管理' },
    { key: 'notice', path: '/notices/:id', title: '通报详情', menu: false },
    { key: 'notice-print', path: '/notices/:id/print', title: '打印通报', bare: true },
    { key: 'audit', path: '/audit', title: '审计日志', roles: ['admin'] },
  ];

  it('groups submenu entries where the first one sits, and leaves out detail and print pages', () => {
    expect(menuFor(table, 'inspector')).toEqual([
      { key: 'home', title: '首页', path: '/' },
      {
        group: '整改',
        children: [
          { key: 'rectification', title: '整改台账', path: '/rectification' },
          { key: 'proposals', title: '问题线索', path: '/rectification/proposals' },
        ],
      },
      { key: 'notices', title: '通报管理', path: '/notices' },
    ]);
    expect(menuFor(table, 'leader').flatMap((m) => ('group' in m ? m.children.map((c) => c.key) : [m.key]))).toEqual(['home', 'rectification', 'notices']);
  });

  it('prefers a static path over a parameter, and highlights the entry a detail page belongs to', () => {
    expect(matchRoute(table, '/rectification/proposals')?.key).toBe('proposals');
    expect(matchRoute(table, '/rectification/12')?.key).toBe('rectification-item');
    expect(matchRoute(table, '/notices/7/print')?.key).toBe('notice-print');
    expect(activeMenuKey(table, '/rectification/proposals', 'admin')).toBe('proposals');
    expect(activeMenuKey(table, '/rectification/12', 'admin')).toBe('rectification');
    expect(activeMenuKey(table, '/notices/7', 'leader')).toBe('notices');
    expect(activeMenuKey(table, '/', 'leader')).toBe('home');
    expect(activeMenuKey(table, '/audit', 'leader')).toBeNull();
    expect(activeMenuKey(table, '/elsewhere', 'admin')).toBeNull();
  });
});

describe('end of the session', () => {
  it('is a 401 from the API or the Cube API, except the sign-in itself', () => {
    expect(endsSession('/api/audit?limit=5', 401)).toBe(true);
    expect(endsSession('/api/auth/me', 401)).toBe(true);
    expect(endsSession('http://127.0.0.1:4000/cubejs-api/v1/load', 401)).toBe(true);
    expect(endsSession('/api/auth/login', 401)).toBe(false);
    expect(endsSession('/api/audit', 403)).toBe(false);
    // Cube's status for a refused token is 403, marked as such; a role refused is a plain 403
    const refusedToken = new Headers({ 'www-authenticate': 'Bearer error="invalid_token"' });
    expect(endsSession('http://127.0.0.1:4000/cubejs-api/v1/load', 403, refusedToken)).toBe(true);
    expect(endsSession('http://127.0.0.1:4000/cubejs-api/v1/load', 403, new Headers())).toBe(false);
    expect(endsSession('/api/audit', 403, refusedToken)).toBe(false);
    expect(endsSession('/api/audit', 500)).toBe(false);
    expect(endsSession('/living', 401)).toBe(false);
  });

  it('is reported by the JSON client once per answer, with the server message thrown', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const answers: Record<string, Response> = {
      '/api/audit': new Response(JSON.stringify({ error: '登录已过期' }), { status: 401 }),
      '/api/auth/login': new Response(JSON.stringify({ error: '用户名或密码错误' }), { status: 401 }),
      '/api/auth/logout': new Response(null, { status: 204 }),
      '/api/persons/reveal': new Response(JSON.stringify({ error: '当前角色（领导）无权查看人员明细' }), { status: 403 }),
    };
    const fetchImpl = (async (url: string, init: RequestInit) => {
      seen.push({ url, auth: new Headers(init.headers).get('authorization') });
      return answers[url]!;
    }) as unknown as typeof fetch;
    const ended = vi.fn();
    const api = createApiClient({ token: 'tok', onSessionEnd: ended, fetchImpl });
    await expect(api.get('/api/audit')).rejects.toMatchObject({ status: 401, message: '登录已过期' });
    expect(ended).toHaveBeenCalledTimes(1);
    await expect(api.post('/api/auth/login', { name: 'a', password: 'b' })).rejects.toMatchObject({ status: 401, message: '用户名或密码错误' });
    await expect(api.post('/api/persons/reveal', {})).rejects.toMatchObject({ status: 403 });
    await expect(api.post('/api/auth/logout')).resolves.toBeNull();
    expect(ended).toHaveBeenCalledTimes(1);
    expect(seen.every((s) => s.auth === 'tok')).toBe(true);
  });

  it('says when the server cannot be reached or answers without a message', async () => {
    const down = createApiClient({ token: null, fetchImpl: (async () => { throw new TypeError('Failed to fetch'); }) as unknown as typeof fetch });
    const error = await down.get('/api/audit').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: null, message: '无法连接服务器，请检查网络后重试' });
    expect(errorMessage(429, null)).toBe('请求过于频繁，请稍后再试');
    expect(errorMessage(502, '<html>')).toBe('服务器错误（HTTP 502）');
    expect(errorMessage(400, { error: ' 请输入用户名 ' })).toBe('请输入用户名');
  });

  describe('for Cube queries', () => {
    afterEach(() => vi.unstubAllGlobals());

    it('reports a refused token from /cubejs-api (403, as Cube answers) and still throws the error to the hook', async () => {
      const urls: string[] = [];
      vi.stubGlobal('fetch', async (url: string) => {
        urls.push(String(url));
        return new Response(JSON.stringify({ error: '令牌已被撤销', code: 'invalid_token' }), { status: 403, headers: { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
      });
      const ended = vi.fn();
      const cube = createCubeApi('revoked', ended);
      await expect(cube.load({ measures: ['indicators.low_income_persons'] })).rejects.toMatchObject({ status: 403 });
      expect(ended).toHaveBeenCalled();
      expect(urls[0]).toContain('/cubejs-api/v1/load');
    });

    it('sends a page\'s queries at most four at a time, and asks again after a 429', async () => {
      let inFlight = 0;
      let most = 0;
      let refused = 0;
      vi.stubGlobal('fetch', async (url: string) => {
        const query = JSON.parse(new URL(String(url), 'http://x').searchParams.get('query')!) as { measures: string[] } | { measures: string[] }[];
        const m = (Array.isArray(query) ? query[0]! : query).measures[0]!;
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight -= 1;
        // the first answer of query 3: another tab of the same user holds the server's slots
        if (m === 'v.m3' && refused++ === 0) return new Response(JSON.stringify({ error: '同一账号同时进行的查询过多（最多 4 个），请稍后再试' }), { status: 429 });
        const result = { query: { measures: [m] }, data: [{ [m]: m }], annotation: { measures: { [m]: { type: 'string' } }, dimensions: {}, segments: {}, timeDimensions: {} } };
        return new Response(JSON.stringify({ queryType: 'regularQuery', results: [result], pivotQuery: { measures: [m], queryType: 'regularQuery' } }));
      });
      const ended = vi.fn();
      const cube = createCubeApi('tok', ended, [10, 10]);
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => cube.load({ measures: [`v.m${i}`] }).then((r) => r.rawData()[0])));
      expect(answers.map((row) => Object.values(row!)[0])).toEqual(Array.from({ length: 10 }, (_, i) => `v.m${i}`));
      expect(most).toBe(MAX_LOADS_IN_FLIGHT);
      expect(refused).toBe(2);
      expect(ended).not.toHaveBeenCalled();
    });

    it('gives up after its retries with the server\'s message', async () => {
      vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: '同一账号同时进行的查询过多（最多 4 个），请稍后再试' }), { status: 429 }));
      await expect(createCubeApi('tok', () => {}, [1, 1]).load({ measures: ['v.m'] })).rejects.toMatchObject({ status: 429, message: expect.stringContaining('同时进行的查询过多') });
    });

    it('does not end the session on other errors', async () => {
      vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: '当前角色无权查看个人明细' }), { status: 403 }));
      const ended = vi.fn();
      await expect(createCubeApi('tok', ended).load({ measures: ['integrity.findings'] })).rejects.toMatchObject({ status: 403 });
      expect(ended).not.toHaveBeenCalled();
    });
  });
});

describe('slots', () => {
  it('lets the waiting in, in order, as holders leave', async () => {
    const slots = new Slots(2);
    const order: string[] = [];
    await slots.acquire();
    await slots.acquire();
    const c = slots.acquire().then(() => order.push('c'));
    const d = slots.acquire().then(() => order.push('d'));
    await Promise.resolve();
    expect(order).toEqual([]);
    slots.release();
    await c;
    expect(order).toEqual(['c']);
    slots.release();
    await d;
    expect(order).toEqual(['c', 'd']);
  });
});

describe('return path', () => {
  it('keeps the open page, without the development role switch', () => {
    expect(loginHref({ pathname: '/living', search: '' })).toBe('/login?next=/living');
    expect(loginHref({ pathname: '/notices/12', search: '?tab=2&role=staff' })).toBe('/login?next=/notices/12%3Ftab%3D2');
    expect(loginHref({ pathname: '/', search: '?role=leader' })).toBe('/login');
  });

  it('goes back only to a page of this site', () => {
    expect(safeNext('/notices/12?tab=2')).toBe('/notices/12?tab=2');
    expect(safeNext(decodeURIComponent('/notices/12%3Ftab%3D2'))).toBe('/notices/12?tab=2');
    for (const bad of [null, '', 'living', '//evil.example/x', '/\\evil.example', 'https://evil.example/', '/login', '/login?next=/x']) {
      expect(safeNext(bad)).toBe('/');
    }
  });
});

describe('session', () => {
  const session: Session = { ...USER, role: 'inspector', token: 'tok', dev: false };

  it('reads the sign-in answer and /api/auth/me', () => {
    expect(parseLogin({ token: 'tok', expiresAt: '2026-01-01T00:00:00Z', user: USER })).toEqual(session);
    expect(parseLogin({ user: USER })).toBe('服务器返回的内容缺少 token');
    expect(parseLogin({ token: 'tok', user: { ...USER, role: 'boss' } })).toBe('服务器返回的用户角色无效：boss');
    expect(parseMe({ user: { ...USER, display: '' } })).toEqual({ ...USER, display: 'zhangsan' });
    expect(parseMe({ user: { ...USER, region: '1301' } })).toBe('服务器返回的用户区划代码无效：1301');
  });

  it('stores and restores a session, and ignores what is not one', () => {
    expect(parseStoredSession(serializeSession(session))).toEqual(session);
    const dev = parseSession({ token: 'd', role: 'staff', region: '130100000000', regionName: '示例市' });
    expect(dev).toMatchObject({ dev: true, role: 'staff', display: '开发调试（工作人员）' });
    expect(parseStoredSession(serializeSession(dev as Session))).toEqual(dev);
    for (const bad of [null, '', '{', '[]', '"tok"', JSON.stringify({ token: 'tok' }), JSON.stringify({ token: '', user: USER })]) {
      expect(parseStoredSession(bad)).toBeNull();
    }
    const storage = new Map<string, string>();
    const store = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v), removeItem: (k: string) => void storage.delete(k) };
    storeSession(store, session);
    expect([...storage.keys()]).toEqual([SESSION_STORAGE_KEY]);
    expect(readStoredSession(store)).toEqual(session);
    clearStoredSession(store);
    expect(readStoredSession(store)).toBeNull();
  });
});

describe('审计日志 and 查看', () => {
  it('names every action in Chinese', () => {
    expect(Object.keys(ACTION_LABELS).sort()).toEqual([...AUDIT_ACTIONS].sort());
    expect(actionLabel('login_failed')).toBe('登录失败');
    expect(actionLabel('something_new')).toBe('something_new');
  });

  it('asks for the filters given, days as YYYY-MM-DD', () => {
    expect(auditUrl({})).toBe('/api/audit?limit=500');
    expect(auditUrl({ user: ' zhangsan ', action: 'reveal', from: '2026-01-01', to: '2026-01-31' }, 100)).toBe(
      '/api/audit?user=zhangsan&action=reveal&from=2026-01-01&to=2026-01-31&limit=100',
    );
  });

  it('reads the records and says what is wrong with a bad answer', () => {
    const record = { id: 7, at: '2026-01-02T03:04:05.000Z', user: 'zhangsan', role: 'inspector', region: '130100000000', client: '127.0.0.1', action: 'reveal', target: 'integrity:x', detail: { members: ['id_number'] }, outcome: 'ok' };
    expect(parseAuditRecords({ records: [record] })).toEqual([{ ...record, id: '7' }]);
    expect(parseAuditRecords({ records: [{ ...record, target: null, detail: {} }] })).toMatchObject([{ target: null, detail: {} }]);
    expect(parseAuditRecords({})).toBe('服务器返回的审计记录格式不正确（缺少 records）');
    expect(parseAuditRecords({ records: [{ id: 1 }] })).toBe('服务器返回的第 1 条审计记录缺少 id、at 或 action');
    expect(hasDetail({})).toBe(false);
    expect(hasDetail({ error: 'x' })).toBe(true);
  });

  it('reveals for the roles that may see persons, one finding at a time', () => {
    expect(['admin', 'inspector', 'staff', 'leader'].map(canReveal)).toEqual([true, true, true, false]);
    expect(revealRequest('paid_after_death:4198**:2025-01')).toEqual({ view: 'integrity', key: 'paid_after_death:4198**:2025-01' });
    expect(parseReveal({ view: 'integrity', key: 'k', values: { id_number: '419801199001011234', person_name: '张三丰', evidence: '死亡日期 2025-01-20', finding_id: 'k' } })).toEqual({
      idNumber: '419801199001011234',
      personName: '张三丰',
      evidence: '死亡日期 2025-01-20',
    });
    expect(parseReveal({ values: { person_name: '张三丰' } })).toBe('服务器返回的内容缺少身份证号或姓名');
    expect(parseReveal({})).toBe('服务器返回的内容缺少 values');
  });
});

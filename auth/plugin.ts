// Sign-in, sign-out and the token check in front of every API route.
// Registered first (server/app.ts); not encapsulated, so its hook guards the
// routes of every other plugin.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import { z } from 'zod';
import { appendAudit } from '../audit/trail.ts';
import { checkSignIn, FAILURE_WINDOW_MINUTES, MAX_FAILURES } from './sign-in.ts';
import { AuthError, issueUserToken, revokeToken, TokenVerifier } from './tokens.ts';
import { findUser, type User } from './users.ts';

export interface AuthOptions {
  pool: pg.Pool;
  apiSecret: string;
  /** Sign-in attempts one client address may make per minute. */
  attemptsPerMinute: number;
}

/** Paths reachable without a token; everything else under /api and /cubejs-api needs one. */
const PUBLIC_PATHS = new Set(['/api/auth/login', '/api/dev-token']);

export function isProtectedPath(url: string): boolean {
  const path = url.split('?')[0]!;
  return (path.startsWith('/api/') || path.startsWith('/cubejs-api/')) && !PUBLIC_PATHS.has(path);
}

const loginSchema = z.object({
  name: z.string().trim().min(1, '请输入用户名').max(64, '用户名过长'),
  password: z.string().min(1, '请输入密码').max(256, '密码过长'),
}).strict();

const WRONG_CREDENTIALS = '用户名或密码错误';

export function userJson(user: User) {
  return { name: user.name, display: user.display, role: user.role, region: user.region, regionName: user.regionName ?? '' };
}

async function auth(app: FastifyInstance, { pool, apiSecret, attemptsPerMinute }: AuthOptions): Promise<void> {
  const verifier = new TokenVerifier(pool, apiSecret);
  app.decorateRequest('principal', null as never);

  app.addHook('onRequest', async (request, reply) => {
    if (!isProtectedPath(request.url)) return;
    try {
      request.principal = await verifier.verify(request.headers.authorization, request.ip);
    } catch (e) {
      if (!(e instanceof AuthError)) throw e;
      // Cube answers a missing or bad token with 403; the platform's own API with 401.
      // Both say why in WWW-Authenticate (RFC 6750), so a client can tell a token
      // refused from a role refused (a plain 403) without reading the body.
      const cube = request.url.startsWith('/cubejs-api/');
      return reply.status(cube ? 403 : 401)
        .header('www-authenticate', `Bearer error="invalid_token"`)
        .send({ error: e.message, code: 'invalid_token' });
    }
  });

  // A flood from one address is cut off before it reaches the per-name count.
  await app.register(rateLimit, { global: false });

  app.post('/api/auth/login', {
    config: { rateLimit: { max: attemptsPerMinute, timeWindow: '1 minute' } },
  }, async (request: FastifyRequest, reply) => {
    const body = loginSchema.safeParse(request.body ?? {});
    if (!body.success) return reply.status(400).send({ error: body.error.issues.map((i) => i.message).join('；') });
    const { name, password } = body.data;
    const client = request.ip;
    const outcome = await checkSignIn(pool, name, password, client);
    const actor = { name, role: null, region: null, client };
    if (!outcome.ok) {
      await appendAudit(pool, { actor, action: 'login_failed', target: `user:${name}`, detail: { reason: outcome.reason }, outcome: 'denied' });
      if (outcome.reason === 'rate_limited') {
        const minutes = Math.ceil(outcome.retryAfterSeconds / 60);
        return reply.status(429).header('retry-after', String(outcome.retryAfterSeconds))
          .send({ error: `登录失败次数过多（${FAILURE_WINDOW_MINUTES} 分钟内 ${MAX_FAILURES} 次），请 ${minutes} 分钟后再试` });
      }
      return reply.status(401).send({ error: WRONG_CREDENTIALS });
    }
    const { user } = outcome;
    const { token, expiresAt } = await issueUserToken(pool, user, apiSecret, client);
    await appendAudit(pool, { actor: { name: user.name, role: user.role, region: user.region, client }, action: 'login', target: `user:${user.name}` });
    return { token, expiresAt: expiresAt.toISOString(), user: userJson(user) };
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const p = request.principal;
    if (p.kind === 'user' && p.jti) {
      await revokeToken(pool, p.jti);
      await appendAudit(pool, { actor: p, action: 'logout', target: `user:${p.name}` });
    }
    return reply.status(204).send();
  });

  app.get('/api/auth/me', async (request) => {
    const p = request.principal;
    if (p.kind === 'user') {
      const user = await findUser(pool, p.name);
      if (user) return { user: userJson(user) };
    }
    const r = await pool.query<{ region_name: string }>('select region_name from raw.regions where region_code = $1 limit 1', [p.region]);
    return { user: { name: p.name, display: p.kind === 'service' ? '服务令牌' : p.name, role: p.role, region: p.region, regionName: r.rows[0]?.region_name ?? '' } };
  });
}

export const authPlugin = fp(auth, { name: 'auth' });

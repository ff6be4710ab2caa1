// Sign-in, tokens and their revocation, the failure limit across a restart,
// and the token checks an attacker would try (issue 8).
import { SignJWT, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../config.ts';
import { compileModel } from '../cube/compiler.ts';
import { SemanticLayer } from '../cube/api/semantic-layer.ts';
import { signToken } from '../cube/api/security.ts';
import { createUser, disableUser, resetPassword } from '../auth/users.ts';
import { runLoad } from '../etl/load/batch.ts';
import { buildApp } from '../server/app.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CITY, COUNTY_A, COUNTY_B, writeSmallCity } from './fixtures/small-city.ts';
import { startTestPlatform, TEST_PASSWORD, TEST_SECRET, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
let dir: string;

const login = (name: string, password: string, app = platform.app) => app.inject({ method: 'POST', url: '/api/auth/login', payload: { name, password } });
const me = (token: string) => platform.app.inject({ url: '/api/auth/me', headers: { authorization: token } });
const key = new TextEncoder().encode(TEST_SECRET);

beforeAll(async () => {
  platform = await startTestPlatform();
  dir = await mkdtemp(path.join(os.tmpdir(), 'auth-city-'));
  await writeSmallCity(dir);
  await runLoad(platform.db.pool, [dir], { runBy: 'test' });
  await createUser(platform.db.pool, { name: 'wang.li', display: '王力', role: 'staff', region: COUNTY_A, password: TEST_PASSWORD });
});

afterAll(async () => {
  await platform?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('accounts', () => {
  it('refuses short passwords, passwords containing the name, unknown regions and duplicate names', async () => {
    const pool = platform.db.pool;
    await expect(createUser(pool, { name: 'zhao', role: 'staff', region: COUNTY_A, password: 'short' })).rejects.toThrow('密码至少 10 个字符');
    await expect(createUser(pool, { name: 'zhaoqian', role: 'staff', region: COUNTY_A, password: 'xx-zhaoqian-xx' })).rejects.toThrow('密码不能包含用户名');
    await expect(createUser(pool, { name: 'zhao', role: 'staff', region: '990199000000', password: TEST_PASSWORD })).rejects.toThrow('不在行政区划表中');
    await expect(createUser(pool, { name: 'wang.li', role: 'staff', region: COUNTY_A, password: TEST_PASSWORD })).rejects.toThrow('已存在');
    await expect(createUser(pool, { name: "x'; drop table app.users; --", role: 'staff', region: COUNTY_A, password: TEST_PASSWORD })).rejects.toThrow('用户名应为');
  });

  it('stores an Argon2id hash, never the password', async () => {
    const r = await platform.db.pool.query(`select password_hash from app.users where name = 'wang.li'`);
    expect(r.rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect(r.rows[0].password_hash).not.toContain(TEST_PASSWORD);
  });
});

describe('sign-in', () => {
  it('answers a token and the user, with the region name', async () => {
    const res = await login('wang.li', TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toEqual({ name: 'wang.li', display: '王力', role: 'staff', region: COUNTY_A, regionName: expect.any(String) });
    expect(body.user.regionName).not.toBe('');
    const claims = decodeJwt(body.token);
    expect(claims).toMatchObject({ sub: 'wang.li', role: 'staff', region: COUNTY_A });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.exp! - claims.iat!).toBe(8 * 3600);
    expect((await me(body.token)).json().user.name).toBe('wang.li');
  });

  it('gives the same 401 for a wrong password and an unknown name, and audits both', async () => {
    const wrong = await login('wang.li', 'not-the-password');
    const unknown = await login('nobody-here', 'not-the-password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    const audit = await platform.db.pool.query(`select user_name, outcome, detail from app.audit_log where action = 'login_failed' order by id`);
    expect(audit.rows.map((r) => [r.user_name, r.outcome, r.detail.reason])).toEqual(expect.arrayContaining([
      ['wang.li', 'denied', 'wrong_password'], ['nobody-here', 'denied', 'unknown_user'],
    ]));
    await platform.db.pool.query(`delete from app.login_failures`);
  });

  it('refuses a malformed body with 400', async () => {
    for (const payload of [{}, { name: 'wang.li' }, { name: 'wang.li', password: 1 }, { name: 'x'.repeat(65), password: 'y' }, { name: 'a', password: 'b', role: 'admin' }]) {
      expect((await platform.app.inject({ method: 'POST', url: '/api/auth/login', payload })).statusCode).toBe(400);
    }
  });

  it('after 5 failures in 15 minutes answers 429, even with the right password, and still after a restart', async () => {
    await createUser(platform.db.pool, { name: 'li.na', role: 'leader', region: CITY, password: TEST_PASSWORD });
    for (let i = 0; i < 5; i++) expect((await login('li.na', `wrong-password-${i}`)).statusCode).toBe(401);
    const blocked = await login('li.na', TEST_PASSWORD);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error).toMatch(/登录失败次数过多/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);

    // a new server process on the same warehouse keeps counting
    const config = readConfig({ NODE_ENV: 'test', CUBEJS_API_SECRET: TEST_SECRET, DATABASE_URL: platform.db.url });
    const restarted = await buildApp({ config, pool: platform.db.pool, layer: new SemanticLayer(await compileModel(), platform.db.pool) });
    try {
      expect((await login('li.na', TEST_PASSWORD, restarted)).statusCode).toBe(429);
      // other names are not affected
      expect((await login('wang.li', TEST_PASSWORD, restarted)).statusCode).toBe(200);
      // once the window has passed, the right password works again
      await platform.db.pool.query(`update app.login_failures set failed_at = failed_at - interval '16 minutes' where user_name = 'li.na'`);
      expect((await login('li.na', TEST_PASSWORD, restarted)).statusCode).toBe(200);
    } finally {
      await restarted.close();
    }
  });
});

describe('tokens', () => {
  it('sign-out revokes the token', async () => {
    const token = (await login('wang.li', TEST_PASSWORD)).json().token;
    expect((await me(token)).statusCode).toBe(200);
    expect((await platform.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: token } })).statusCode).toBe(204);
    expect((await me(token)).statusCode).toBe(401);
    expect((await platform.load({ measures: ['indicators.low_income_persons'], timeDimensions: [{ dimension: 'indicators.month', granularity: 'month' }] }, token)).status).toBe(403);
  });

  it('disabling a user or resetting the password revokes every token of theirs', async () => {
    await createUser(platform.db.pool, { name: 'sun.mei', role: 'inspector', region: CITY, password: TEST_PASSWORD });
    const a = (await login('sun.mei', TEST_PASSWORD)).json().token;
    const b = (await login('sun.mei', TEST_PASSWORD)).json().token;
    await resetPassword(platform.db.pool, 'sun.mei', 'Another-Password-77');
    expect((await me(a)).statusCode).toBe(401);
    expect((await me(b)).statusCode).toBe(401);
    const c = (await login('sun.mei', 'Another-Password-77')).json().token;
    expect((await me(c)).statusCode).toBe(200);
    await disableUser(platform.db.pool, 'sun.mei');
    expect((await me(c)).statusCode).toBe(401);
    expect((await login('sun.mei', 'Another-Password-77')).statusCode).toBe(401);
  });

  it('refuses an expired token', async () => {
    const token = (await login('wang.li', TEST_PASSWORD)).json().token;
    const { jti } = decodeJwt(token);
    await platform.db.pool.query(`update app.sessions set expires_at = now() - interval '1 second' where jti = $1`, [jti]);
    const res = await me(token);
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatch(/过期/);
    const expired = await new SignJWT({ role: 'leader', region: CITY }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(1_700_000_000).setExpirationTime(1_700_000_100).sign(key);
    expect((await me(expired)).statusCode).toBe(401);
  });

  it('refuses a county token whose region was edited, re-signed with a wrong secret or not at all', async () => {
    const token = (await login('wang.li', TEST_PASSWORD)).json().token as string;
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const edited = Buffer.from(JSON.stringify({ ...claims, region: CITY })).toString('base64url');
    expect((await me(`${header}.${edited}.${signature}`)).statusCode).toBe(401);
    const wrongSecret = await new SignJWT({ ...claims, region: CITY }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('a-guessed-secret-123456'));
    expect((await me(wrongSecret)).statusCode).toBe(401);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${edited}.`;
    expect((await me(none)).statusCode).toBe(401);
  });

  it('refuses a forged role even when signed with the right secret: the session says who the user is', async () => {
    const token = (await login('wang.li', TEST_PASSWORD)).json().token as string;
    const claims = decodeJwt(token);
    const forged = await new SignJWT({ ...claims, role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    expect((await me(forged)).statusCode).toBe(401);
    const unknownRole = await signToken({ role: 'superuser' as never, region: CITY }, TEST_SECRET);
    expect((await me(unknownRole)).statusCode).toBe(401);
  });

  it('refuses tokens without exp and service tokens for a region not in the warehouse', async () => {
    const noExp = await new SignJWT({ role: 'admin', region: CITY }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().sign(key);
    expect((await me(noExp)).statusCode).toBe(401);
    const province = await signToken({ role: 'leader', region: '990000000000' }, TEST_SECRET);
    expect((await me(province)).statusCode).toBe(401);
  });

  it('accepts service tokens (no sub) as Cube does', async () => {
    const service = await signToken({ role: 'leader', region: COUNTY_B }, TEST_SECRET);
    const res = await me(service);
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ name: 'service', role: 'leader', region: COUNTY_B });
  });
});

describe('what is reachable without signing in', () => {
  it('answers 401 on every API path without a token (403 on Cube\'s, as Cube does), but serves health and the sign-in page', async () => {
    for (const url of ['/api/auth/me', '/api/audit', '/cubejs-api/v1/meta', '/cubejs-api/v1/load?query=%7B%7D', '/cubejs-api/v1/sql?query=%7B%7D', '/cubejs-api/v1/dry-run?query=%7B%7D', '/api/anything']) {
      const res = await platform.app.inject({ url });
      expect(res.statusCode, url).toBe(url.startsWith('/cubejs-api/') ? 403 : 401);
      expect(res.headers['www-authenticate'], url).toBe('Bearer error="invalid_token"');
      expect(res.json(), url).toMatchObject({ code: 'invalid_token' });
    }
    expect((await platform.app.inject({ method: 'POST', url: '/api/persons/reveal', payload: { view: 'integrity', key: 'x' } })).statusCode).toBe(401);
    expect((await platform.app.inject({ url: '/livez' })).json()).toEqual({ status: 'ok' });
    expect((await platform.app.inject({ url: '/readyz' })).json()).toEqual({ health: 'HEALTH' });
  });

  it('sets security headers', async () => {
    const res = await platform.app.inject({ url: '/livez' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});

describe('production', () => {
  it('refuses to start without CUBEJS_API_SECRET, and has no development token', async () => {
    expect(() => readConfig({ NODE_ENV: 'production' })).toThrow(/CUBEJS_API_SECRET/);
    const config = readConfig({ NODE_ENV: 'production', CUBEJS_API_SECRET: TEST_SECRET, DATABASE_URL: platform.db.url });
    expect(config.demoData).toBe(false);
    const app = await buildApp({ config, pool: platform.db.pool, layer: new SemanticLayer(await compileModel(), platform.db.pool) });
    try {
      expect((await app.inject({ url: '/api/dev-token' })).statusCode).toBe(404);
      expect((await app.inject({ url: '/api/dev-token?role=admin' })).statusCode).toBe(404);
      expect((await app.inject({ url: '/livez' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

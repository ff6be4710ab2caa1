// Tokens: HS256 JWTs as Cube checks them. A signed-in user's token names the
// user (`sub`) and its session (`jti`), lives 8 hours, and is checked against
// app.sessions on every request, so sign-out, disabling a user or a password
// reset end it at once. A token without `sub` is a service token, signed by an
// integration with the same secret, as Cube accepts it.
import { randomUUID, webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type pg from 'pg';
import { z } from 'zod';
import { regionCodeSchema, roleSchema, type Principal } from './principal.ts';
import type { User } from './users.ts';

type Queryable = Pick<pg.Pool | pg.ClientBase, 'query'>;

export const SESSION_HOURS = 8;

export class AuthError extends Error {}

// The HMAC key imported once per secret: given raw bytes (or a KeyObject),
// jose imports a WebCrypto key again at every verification, a fifth of the
// CPU of a cached dashboard answer.
const keys = new Map<string, Promise<CryptoKey>>();
const key = (secret: string): Promise<CryptoKey> => {
  let k = keys.get(secret);
  if (!k) {
    k = webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keys.set(secret, k);
  }
  return k;
};

const claimsSchema = z.object({
  role: roleSchema,
  region: regionCodeSchema,
  sub: z.string().min(1).optional(),
  jti: z.string().uuid().optional(),
});

export async function issueUserToken(db: Queryable, user: User, secret: string, client: string): Promise<{ token: string; expiresAt: Date }> {
  const jti = randomUUID();
  const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
  await db.query(`insert into app.sessions (jti, user_name, expires_at, client_address) values ($1, $2, $3, $4)`, [jti, user.name, expiresAt, client]);
  const token = await new SignJWT({ role: user.role, region: user.region })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.name)
    .setJti(jti)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(await key(secret));
  return { token, expiresAt };
}

export async function revokeToken(db: Queryable, jti: string): Promise<void> {
  await db.query(`update app.sessions set revoked_at = now() where jti = $1 and revoked_at is null`, [jti]);
}

/** Region codes known to the warehouse, re-read at most once a minute. */
class KnownRegions {
  private codes: Set<string> | null = null;
  private readAt = 0;
  async has(db: Queryable, code: string): Promise<boolean> {
    if (!this.codes || Date.now() - this.readAt > 60_000) {
      const r = await db.query<{ region_code: string }>('select region_code from raw.regions');
      this.codes = new Set(r.rows.map((x) => x.region_code));
      this.readAt = Date.now();
    }
    // a warehouse with no regions yet cannot check them
    return this.codes.size === 0 || this.codes.has(code) || (await this.refresh(db, code));
  }
  private async refresh(db: Queryable, code: string): Promise<boolean> {
    const r = await db.query('select 1 from raw.regions where region_code = $1', [code]);
    return (r.rowCount ?? 0) > 0;
  }
}

export class TokenVerifier {
  private readonly regions = new KnownRegions();
  constructor(private readonly db: Queryable, private readonly secret: string) {}

  /** The principal of an `Authorization` header; throws AuthError with a Chinese reason. */
  async verify(authorization: string | undefined, client: string): Promise<Principal> {
    if (!authorization) throw new AuthError('缺少访问令牌，请先登录');
    const token = authorization.replace(/^Bearer\s+/i, '').trim();
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, await key(this.secret), { algorithms: ['HS256'], requiredClaims: ['exp'] }));
    } catch (e) {
      throw new AuthError(e instanceof joseErrors.JWTExpired ? '登录已过期，请重新登录' : '访问令牌无效，请重新登录');
    }
    const parsed = claimsSchema.safeParse(payload);
    if (!parsed.success) throw new AuthError('访问令牌内容无效，请重新登录');
    const claims = parsed.data;
    if (claims.sub === undefined) {
      if (!(await this.regions.has(this.db, claims.region))) throw new AuthError(`访问令牌的区划代码 ${claims.region} 不在行政区划表中`);
      return { kind: 'service', name: 'service', role: claims.role, region: claims.region, jti: claims.jti ?? null, client };
    }
    if (!claims.jti) throw new AuthError('访问令牌无效，请重新登录');
    const r = await this.db.query<{ user_name: string; revoked: boolean; expired: boolean; enabled: boolean; role: string; region_code: string }>(
      `select s.user_name, s.revoked_at is not null as revoked, s.expires_at <= now() as expired, u.enabled, u.role, u.region_code
         from app.sessions s join app.users u on u.name = s.user_name where s.jti = $1`,
      [claims.jti],
    );
    const session = r.rows[0];
    if (!session || session.user_name !== claims.sub) throw new AuthError('访问令牌无效，请重新登录');
    if (session.revoked || !session.enabled) throw new AuthError('登录已失效，请重新登录');
    if (session.expired) throw new AuthError('登录已过期，请重新登录');
    // a token issued before the user's role or region changed is not honoured
    if (session.role !== claims.role || session.region_code !== claims.region) throw new AuthError('账号权限已变更，请重新登录');
    return { kind: 'user', name: claims.sub, role: claims.role, region: claims.region, jti: claims.jti, client };
  }
}

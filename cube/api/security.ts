// Who is asking: a JWT (HS256) whose payload names a role and a region.
import { SignJWT, jwtVerify } from 'jose';
import { z } from 'zod';

export const ROLES = ['admin', 'leader', 'staff', 'inspector'] as const;

const payloadSchema = z.object({
  role: z.enum(ROLES),
  region: z.string().regex(/^\d{12}$/, '区划代码应为12位数字'),
});

export type SecurityContext = z.infer<typeof payloadSchema>;

export class AuthError extends Error {}

const key = (secret: string) => new TextEncoder().encode(secret);

export async function verifyToken(authorization: string | undefined, secret: string): Promise<SecurityContext> {
  if (!authorization) throw new AuthError('缺少访问令牌（Authorization 请求头）');
  const token = authorization.replace(/^Bearer\s+/i, '').trim();
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'] }));
  } catch (e) {
    throw new AuthError(`访问令牌无效：${(e as Error).message}`);
  }
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) throw new AuthError(`访问令牌内容无效：${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('；')}`);
  return parsed.data;
}

export async function signToken(context: SecurityContext, secret: string, expiresIn = '12h'): Promise<string> {
  return new SignJWT({ ...context }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(expiresIn).sign(key(secret));
}

export type RegionLevel = 'city' | 'county' | 'township';
export const LEVEL_ORDER: readonly RegionLevel[] = ['city', 'county', 'township'];

/**
 * The prefix shared by a region's code and every code below it, and the finest
 * level whose rows can lie wholly inside it (statistical division codes:
 * 2 digits province, 4 city, 6 county, 9 township, 12 village).
 */
export function regionScope(code: string): { prefix: string; level: RegionLevel } {
  if (/^\d{2}0{10}$/.test(code)) return { prefix: code.slice(0, 2), level: 'city' };
  if (/^\d{4}0{8}$/.test(code)) return { prefix: code.slice(0, 4), level: 'city' };
  if (/^\d{6}0{6}$/.test(code)) return { prefix: code.slice(0, 6), level: 'county' };
  if (/^\d{9}000$/.test(code)) return { prefix: code.slice(0, 9), level: 'township' };
  return { prefix: code, level: 'township' };
}

// What a query runs as (role and region), the region codes' structure, and
// signing service tokens. Verifying tokens is auth/tokens.ts's job.
import { SignJWT } from 'jose';
import { ROLES, type Role } from '../../auth/principal.ts';

export { ROLES };

/** What the gateway needs of the caller: a role and a 12-digit region code. */
export interface SecurityContext {
  role: Role;
  region: string;
}

const key = (secret: string) => new TextEncoder().encode(secret);

/**
 * A service token (no `sub`): what an integration signs with CUBEJS_API_SECRET,
 * as it would for Cube. Also the development token and the tests' tokens.
 */
export async function signToken(context: SecurityContext, secret: string, expiresIn = '12h'): Promise<string> {
  return new SignJWT({ role: context.role, region: context.region }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(expiresIn).sign(key(secret));
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

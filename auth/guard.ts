// Route guards and region scope: what a principal may do and see.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { regionScope } from '../cube/api/security.ts';
import { ROLE_TITLES, type Principal, type Role } from './principal.ts';

/** A Fastify preHandler that answers 403 unless the caller has one of `roles`. */
export function requireRoles(...roles: Role[]) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!roles.includes(request.principal.role)) {
      return reply.status(403).send({ error: `当前角色（${ROLE_TITLES[request.principal.role]}）无权执行此操作，仅限${roles.map((r) => ROLE_TITLES[r]).join('、')}` });
    }
  };
}

/** The code prefix a principal is confined to; null for admins (everything). */
export function regionPrefix(principal: Pick<Principal, 'role' | 'region'>): string | null {
  return principal.role === 'admin' ? null : regionScope(principal.region).prefix;
}

/** True when `regionCode` lies in the principal's region (or the principal is an admin). */
export function canSeeRegion(principal: Pick<Principal, 'role' | 'region'>, regionCode: string): boolean {
  const prefix = regionPrefix(principal);
  return prefix === null || regionCode.startsWith(prefix);
}

/** A county (or township) user: any role whose region is below the city. */
export function isCountyUser(principal: Pick<Principal, 'role' | 'region'>): boolean {
  return principal.role !== 'admin' && regionScope(principal.region).level !== 'city';
}

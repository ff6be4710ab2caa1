// Who is asking, as every route sees it once the token is checked (auth/plugin.ts).
import { z } from 'zod';

export const ROLES = ['admin', 'leader', 'staff', 'inspector'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_TITLES: Record<Role, string> = { admin: '管理员', leader: '领导', staff: '工作人员', inspector: '督查人员' };

export const roleSchema = z.enum(ROLES, { error: `角色应为 ${ROLES.join('、')} 之一` });
export const regionCodeSchema = z.string().regex(/^\d{12}$/, '区划代码应为12位数字');

export interface Principal {
  /** 'user': a signed-in person; 'service': an integration's token without `sub`. */
  kind: 'user' | 'service';
  /** The user's name; 'service' for service tokens. */
  name: string;
  role: Role;
  /** 12-digit region code: a county user is any role with a county region. */
  region: string;
  /** The token's id (null for service tokens without one). */
  jti: string | null;
  /** The caller's address, for the audit trail. */
  client: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by auth/plugin.ts on every protected route; never null there. */
    principal: Principal;
  }
}

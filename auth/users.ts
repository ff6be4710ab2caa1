// Accounts in app.users: create, list, disable, reset a password, look up.
import type pg from 'pg';
import { z } from 'zod';
import { hashPassword, passwordProblem } from './passwords.ts';
import { regionCodeSchema, roleSchema, type Role } from './principal.ts';

type Queryable = Pick<pg.Pool | pg.ClientBase, 'query'>;

export class UserError extends Error {}

export const userNameSchema = z.string().regex(/^[A-Za-z0-9_.@-]{2,64}$/, '用户名应为 2–64 个字母、数字或 _ . @ -');

export const newUserSchema = z.object({
  name: userNameSchema,
  display: z.string().trim().min(1, '显示名称不能为空').max(64).optional(),
  role: roleSchema,
  region: regionCodeSchema,
  password: z.string(),
});
export type NewUser = z.input<typeof newUserSchema>;

export interface User {
  name: string;
  display: string;
  role: Role;
  region: string;
  regionName: string | null;
  enabled: boolean;
  createdAt: Date;
  lastSignInAt: Date | null;
}

interface UserRow {
  name: string;
  display_name: string;
  role: Role;
  region_code: string;
  region_name: string | null;
  enabled: boolean;
  created_at: Date;
  last_sign_in_at: Date | null;
  password_hash: string;
}

const SELECT_USERS = `
  select u.*, r.region_name
    from app.users u
    left join lateral (select region_name from raw.regions where region_code = u.region_code limit 1) r on true`;

function toUser(row: UserRow): User {
  return {
    name: row.name,
    display: row.display_name,
    role: row.role,
    region: row.region_code,
    regionName: row.region_name,
    enabled: row.enabled,
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
  };
}

/** The region's name, or an error when regions are loaded and this code is not one of them. */
async function checkRegion(db: Queryable, code: string): Promise<void> {
  const r = await db.query<{ known: boolean; any: boolean }>(
    `select exists (select 1 from raw.regions where region_code = $1) as known, exists (select 1 from raw.regions) as any`,
    [code],
  );
  const { known, any } = r.rows[0]!;
  if (any && !known) throw new UserError(`区划代码 ${code} 不在行政区划表中`);
}

export async function createUser(db: Queryable, input: NewUser): Promise<User> {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success) throw new UserError(parsed.error.issues.map((i) => i.message).join('；'));
  const u = parsed.data;
  const problem = passwordProblem(u.password, u.name);
  if (problem) throw new UserError(problem);
  await checkRegion(db, u.region);
  const inserted = await db.query(
    `insert into app.users (name, display_name, role, region_code, password_hash) values ($1, $2, $3, $4, $5)
     on conflict (name) do nothing`,
    [u.name, u.display ?? u.name, u.role, u.region, await hashPassword(u.password)],
  );
  if (inserted.rowCount === 0) throw new UserError(`用户 ${u.name} 已存在`);
  return (await findUser(db, u.name))!;
}

export async function findUser(db: Queryable, name: string): Promise<User | null> {
  const r = await db.query<UserRow>(`${SELECT_USERS} where u.name = $1`, [name]);
  return r.rows[0] ? toUser(r.rows[0]) : null;
}

/** The stored hash too, for sign-in only. */
export async function findUserForSignIn(db: Queryable, name: string): Promise<(User & { passwordHash: string }) | null> {
  const r = await db.query<UserRow>(`${SELECT_USERS} where u.name = $1`, [name]);
  const row = r.rows[0];
  return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
}

export async function listUsers(db: Queryable): Promise<User[]> {
  const r = await db.query<UserRow>(`${SELECT_USERS} order by u.name`);
  return r.rows.map(toUser);
}

async function requireUser(db: Queryable, name: string): Promise<void> {
  if (!(await findUser(db, name))) throw new UserError(`用户 ${name} 不存在`);
}

/** Disables the account and revokes every token it holds. */
export async function disableUser(db: Queryable, name: string): Promise<void> {
  await requireUser(db, name);
  await db.query(`update app.users set enabled = false where name = $1`, [name]);
  await db.query(`update app.sessions set revoked_at = now() where user_name = $1 and revoked_at is null`, [name]);
}

export async function enableUser(db: Queryable, name: string): Promise<void> {
  await requireUser(db, name);
  await db.query(`update app.users set enabled = true where name = $1`, [name]);
}

/** Sets a new password and revokes the tokens issued under the old one. */
export async function resetPassword(db: Queryable, name: string, password: string): Promise<void> {
  await requireUser(db, name);
  const problem = passwordProblem(password, name);
  if (problem) throw new UserError(problem);
  await db.query(`update app.users set password_hash = $2, password_changed_at = now() where name = $1`, [name, await hashPassword(password)]);
  await db.query(`update app.sessions set revoked_at = now() where user_name = $1 and revoked_at is null`, [name]);
}

/** True while no enabled administrator exists (a fresh deployment). */
export async function noAdministrator(db: Queryable): Promise<boolean> {
  const r = await db.query(`select 1 from app.users where role = 'admin' and enabled limit 1`);
  return r.rowCount === 0;
}

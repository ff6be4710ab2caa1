// Signing in: the password check, and the per-name limit on failures, counted
// in the warehouse so a restart does not reset it.
import type pg from 'pg';
import { verifyPassword } from './passwords.ts';
import { findUserForSignIn, type User } from './users.ts';

type Queryable = Pick<pg.Pool | pg.ClientBase, 'query'>;

export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MINUTES = 15;

/** Seconds until `name` may try again, or 0 when it may now. */
export async function secondsBlocked(db: Queryable, name: string): Promise<number> {
  const r = await db.query<{ n: string; wait: string | null }>(
    `select count(*) as n, ceil(extract(epoch from min(failed_at) + make_interval(mins => $3) - now())) as wait
       from (select failed_at from app.login_failures
              where user_name = $1 and failed_at > now() - make_interval(mins => $3)
              order by failed_at desc limit $2) recent`,
    [name, MAX_FAILURES, FAILURE_WINDOW_MINUTES],
  );
  const row = r.rows[0]!;
  return Number(row.n) >= MAX_FAILURES ? Math.max(1, Number(row.wait ?? 1)) : 0;
}

export type SignInOutcome =
  | { ok: true; user: User }
  | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number }
  | { ok: false; reason: 'unknown_user' | 'wrong_password' | 'disabled' };

export async function checkSignIn(db: Queryable, name: string, password: string, client: string): Promise<SignInOutcome> {
  const wait = await secondsBlocked(db, name);
  if (wait > 0) return { ok: false, reason: 'rate_limited', retryAfterSeconds: wait };
  const user = await findUserForSignIn(db, name);
  const passwordOk = await verifyPassword(user?.passwordHash ?? null, password);
  if (!user || !passwordOk || !user.enabled) {
    await db.query(`insert into app.login_failures (user_name, client_address) values ($1, $2)`, [name, client]);
    return { ok: false, reason: !user ? 'unknown_user' : !passwordOk ? 'wrong_password' : 'disabled' };
  }
  await db.query(`update app.users set last_sign_in_at = now() where name = $1`, [name]);
  await db.query(`delete from app.login_failures where user_name = $1`, [name]);
  const { passwordHash: _hash, ...rest } = user;
  return { ok: true, user: rest };
}

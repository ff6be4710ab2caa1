// Days as the bureau counts them: "today" in China (the warehouse runs in UTC),
// and deadlines given as a number of calendar or official working days.
import type pg from 'pg';

/** Today in China, as SQL: the same expression the models use (stg_app__rectification_items). */
export const TODAY_SQL = `(now() at time zone 'Asia/Shanghai')::date`;

type Queryable = Pick<pg.ClientBase, 'query'>;

export async function todayInChina(db: Queryable): Promise<string> {
  const r = await db.query<{ today: string }>(`select ${TODAY_SQL}::text as today`);
  return r.rows[0]!.today;
}

export class DeadlineError extends Error {}

/**
 * The day `days` after `start`: calendar days, or official working days
 * (ref.calendar_days: holidays and make-up workdays) when `workingDays`. The
 * start day itself is never counted, as for the 20-working-day rule.
 */
export async function deadlineAfter(db: Queryable, start: string, days: number, workingDays: boolean): Promise<string> {
  if (!workingDays) {
    const r = await db.query<{ day: string }>(`select ($1::date + $2::int)::text as day`, [start, days]);
    return r.rows[0]!.day;
  }
  const r = await db.query<{ day: string | null }>(
    `select min(d.day)::text as day
       from ref.calendar_days s
       join ref.calendar_days d on d.is_workday and d.workday_number = s.workday_number + $2
      where s.day = $1::date`,
    [start, days],
  );
  const day = r.rows[0]?.day;
  if (!day) throw new DeadlineError(`从 ${start} 起 ${days} 个工作日超出了工作日历的范围`);
  return day;
}

// The rectification list of a quarterly notification from the rectification
// module's tables (app.rectification_items and their steps), when the
// warehouse has them; otherwise null, and the notice falls back to the Cube
// `rectification` view's counts (notices/rectification-source.ts).
import type pg from 'pg';
import type { RectificationItemsSource, RectificationListItem } from './rectification-source.ts';

export async function rectificationSourceFor(pool: pg.Pool): Promise<RectificationItemsSource | null> {
  const r = await pool.query<{ ok: boolean }>(`select to_regclass('app.rectification_items') is not null and to_regclass('app.rectification_steps') is not null as ok`);
  if (!r.rows[0]?.ok) return null;
  return {
    async list(region, period): Promise<RectificationListItem[]> {
      const prefix = region.level === 'city' ? region.code.slice(0, 4) : region.code.slice(0, 6);
      const subLength = region.level === 'city' ? 6 : 9;
      // open at the period's end (found by then, not closed by then) or closed within it;
      // overdue: still open on the period's end and past its deadline then
      const rows = await pool.query<{ number: string; title: string; county: string | null; deadline: string; state: string; follow_up: string | null; overdue: boolean }>(
        `with items as (
           select i.item_id, i.number, i.category || '：' || i.description as title, i.deadline_on, i.state, i.completed_on,
                  rpad(substr(i.region_code, 1, $3), 12, '0') as sub_code
           from app.rectification_items i
           where i.region_code like $1 || '%' and i.found_on <= $2::date
         ),
         reviews as (
           select distinct on (s.item_id) s.item_id, s.review_result, s.step_on
           from app.rectification_steps s
           where s.review_result is not null and s.step_on <= $2::date
           order by s.item_id, s.step_on desc, s.step_id desc
         )
         select items.number, items.title, reg.region_name as county, items.deadline_on::text as deadline, items.state,
                case when reviews.review_result is null then null else reviews.review_result || '（' || reviews.step_on::text || '）' end as follow_up,
                (items.state in ('待整改', '整改中') and items.deadline_on < $2::date) as overdue
         from items
         left join reviews on reviews.item_id = items.item_id
         left join marts.dim_region reg on reg.region_code = items.sub_code
         where items.state not in ('已销号') or items.completed_on >= $4::date
         order by items.number`,
        [prefix, period.end, subLength, period.start],
      );
      return rows.rows.map((row) => ({
        id: row.number, title: row.title, county: row.county ?? '区划不详', deadline: row.deadline, state: row.state,
        followUp: row.follow_up ?? '', overdue: row.overdue,
      }));
    },
  };
}

// The official working-day calendar (State Council holidays and make-up
// workdays) from the maintained `chinese-days` package, as a reference table
// the models join to count working days. Years the package has not published
// yet fall back to Monday–Friday and are marked as such.
import type pg from 'pg';
import chineseDays from 'chinese-days';

const FIRST_YEAR = 2004;
const YEARS_AHEAD = 2;

export const CALENDAR_DDL = `
create schema if not exists ref;
create table if not exists ref.calendar_days (
  day date primary key,
  is_workday boolean not null,
  holiday_name text,
  is_official boolean not null,
  workday_number integer not null
);
`;

export interface CalendarDay {
  day: string;
  isWorkday: boolean;
  holidayName: string | null;
  isOfficial: boolean;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** Years for which the package lists at least one holiday are official. */
function officialYears(lastYear: number): Set<number> {
  const years = new Set<number>();
  for (let y = FIRST_YEAR; y <= lastYear; y++) {
    if (chineseDays.getHolidaysInRange(`${y}-01-01`, `${y}-12-31`, false).length > 0) years.add(y);
  }
  return years;
}

export function calendarDays(lastYear = new Date().getUTCFullYear() + YEARS_AHEAD): CalendarDay[] {
  const official = officialYears(lastYear);
  const days: CalendarDay[] = [];
  for (let d = new Date(Date.UTC(FIRST_YEAR, 0, 1)); d.getUTCFullYear() <= lastYear; d.setUTCDate(d.getUTCDate() + 1)) {
    const day = iso(d);
    const isOfficial = official.has(d.getUTCFullYear());
    const weekday = d.getUTCDay() !== 0 && d.getUTCDay() !== 6;
    if (!isOfficial) {
      days.push({ day, isWorkday: weekday, holidayName: null, isOfficial });
      continue;
    }
    const detail = chineseDays.getDayDetail(day);
    // names look like "National Day,国庆节,3": keep the Chinese name
    const name = !detail.work && detail.name.includes(',') ? (detail.name.split(',')[1] ?? null) : null;
    days.push({ day, isWorkday: detail.work, holidayName: name, isOfficial });
  }
  return days;
}

export async function refreshCalendar(client: pg.ClientBase): Promise<void> {
  const days = calendarDays();
  let workdays = 0;
  const numbers = days.map((d) => (d.isWorkday ? ++workdays : workdays));
  await client.query(CALENDAR_DDL);
  await client.query(
    `insert into ref.calendar_days (day, is_workday, holiday_name, is_official, workday_number)
     select * from unnest($1::date[], $2::boolean[], $3::text[], $4::boolean[], $5::int[])
     on conflict (day) do update set is_workday = excluded.is_workday, holiday_name = excluded.holiday_name,
       is_official = excluded.is_official, workday_number = excluded.workday_number`,
    [days.map((d) => d.day), days.map((d) => d.isWorkday), days.map((d) => d.holidayName), days.map((d) => d.isOfficial), numbers],
  );
}

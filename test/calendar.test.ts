import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLoad } from '../etl/load/batch.ts';
import { calendarDays } from '../warehouse/calendar.ts';
import { writeSmallCity } from './fixtures/small-city.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const byDay = new Map(calendarDays(2027).map((d) => [d.day, d]));

describe('official working-day calendar', () => {
  it('knows holidays and make-up workdays', () => {
    expect(byDay.get('2025-10-01')).toMatchObject({ isWorkday: false, holidayName: '国庆节', isOfficial: true });
    expect(byDay.get('2025-09-28')).toMatchObject({ isWorkday: true, isOfficial: true }); // a Sunday worked in lieu
    expect(byDay.get('2025-01-29')).toMatchObject({ isWorkday: false, holidayName: '春节' });
    expect(byDay.get('2025-03-05')).toMatchObject({ isWorkday: true, holidayName: null });
  });
  it('falls back to Monday–Friday for years not yet published', () => {
    expect(byDay.get('2027-10-01')).toMatchObject({ isWorkday: true, isOfficial: false });
    expect(byDay.get('2027-10-02')).toMatchObject({ isWorkday: false, isOfficial: false });
  });
});

describe('working days to decide an application', () => {
  let db: TestDatabase | undefined;
  let dir: string | undefined;
  afterAll(async () => {
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('counts the workdays after acceptance up to the decision', async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), 'calendar-'));
    await writeSmallCity(dir);
    await runLoad(db.pool, [dir], { runBy: 'test' });
    const r = await db.pool.query(`select application_id, working_days_to_decide from intermediate.int_application_working_days where application_id in ('SQ-1', 'SQ-7') order by 1`);
    // SQ-1: accepted Thu 2025-01-02, decided Wed 01-15: Jan 3, 6–10, 13–15 = 9
    // SQ-7: accepted Sat 01-25, decided Mon 02-10: Sun 01-26 (in lieu), Mon 01-27, then the Spring Festival
    // holiday 01-28..02-04, Sat 02-08 (in lieu), 02-05..07, 02-10 = 1 + 1 + 3 + 1 + 1 = 7
    expect(r.rows).toEqual([{ application_id: 'SQ-1', working_days_to_decide: 9 }, { application_id: 'SQ-7', working_days_to_decide: 7 }]);
  });
});

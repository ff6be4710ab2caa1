// Monthly event files: temporary relief (6, GBK), applications (7), warnings (8), verifications (11).
import type { Application } from './applications';
import { formatDay } from './calendar';
import { writeAll, type Context } from './context';
import { FILE_NAMES } from './headers';
import type { ReliefAct } from './temp-relief';
import type { Verification } from './verifications';
import type { Warning } from './warnings';
import { yuan } from './util';

export async function writeTempRelief(ctx: Context, m: number, acts: ReliefAct[]): Promise<void> {
  const month = ctx.timeline.at(m);
  // saved by Excel in China: GBK, dates like 2024/6/30
  await writeAll(
    ctx,
    6,
    FILE_NAMES.tempRelief(month.compact),
    acts,
    (a) => [
      a.no,
      a.applicant.person.id,
      a.applicant.person.name,
      a.applicant.village.code,
      formatDay(a.day, 'slash'),
      yuan(a.amount * 100),
      String(a.persons),
      a.type,
      a.cause,
      a.approval,
      a.local ? '本地' : '非本地',
    ],
    'gbk',
  );
}

export async function writeApplications(ctx: Context, m: number, apps: Application[]): Promise<void> {
  const month = ctx.timeline.at(m);
  await writeAll(ctx, 7, FILE_NAMES.applications(month.compact), apps, (a) => [
    a.no,
    a.person.id,
    a.householdNo,
    a.village.code,
    a.category,
    a.channel,
    formatDay(a.accept),
    a.decide === undefined ? '' : formatDay(a.decide),
    a.result,
  ]);
}

export async function writeWarnings(ctx: Context, m: number, warnings: Warning[]): Promise<void> {
  const month = ctx.timeline.at(m);
  await writeAll(ctx, 8, FILE_NAMES.warnings(month.compact), warnings, (w) => [
    w.no,
    formatDay(w.day),
    w.target.person.id,
    w.target.person.name,
    w.target.village.code,
    w.department,
    w.reason,
    w.level,
    w.state,
    w.outcome ?? '',
    w.handled === undefined ? '' : formatDay(w.handled),
  ]);
}

export async function writeVerifications(ctx: Context, m: number, checks: Verification[]): Promise<void> {
  const month = ctx.timeline.at(m);
  // this system exports compact dates such as 20240630
  await writeAll(ctx, 11, FILE_NAMES.verifications(month.compact), checks, (v) => [
    v.no,
    formatDay(v.day, 'compact'),
    v.target.person.id,
    v.target.village.code,
    v.item,
    v.result,
  ]);
}

// Monthly lists: dibao/tekun roster (kind 3), low-income roster (kind 4) and benefit payments (kind 5).
import { formatDay } from './calendar';
import { closeCsv, openCsv, type Context } from './context';
import { FILE_NAMES } from './headers';
import type { MonthView } from './month-view';
import { Population, type PoolKind } from './population';
import { Rng } from './random';
import { yuan } from './util';

const LOW_INCOME_CATEGORY: Partial<Record<PoolKind, string>> = {
  margin: '低保边缘人口',
  rigid: '刚性支出困难人口',
  other: '其他困难人口',
};

/** Payment method fixed per household: mostly the social security card. */
function paymentMethod(bits: number): string {
  const x = bits % 100;
  return x < 88 ? '社会保障卡' : x < 98 ? '银行卡' : '现金';
}

export async function writeListsForMonth(ctx: Context, view: MonthView): Promise<void> {
  const month = ctx.timeline.at(view.month);
  const roster = openCsv(ctx, 3, FILE_NAMES.roster(month.compact));
  const lowIncome = openCsv(ctx, 4, FILE_NAMES.lowIncome(month.compact));
  const payments = openCsv(ctx, 5, FILE_NAMES.payments(month.compact));
  const rng = new Rng(ctx.seed, 'payments', view.month);
  // each county pays on its own usual day, within the first ten days
  const payDay = ctx.regions.counties.map(() => rng.range(2, 8));
  const regularBatch = `FF${month.compact}-01`;
  const lateBatch = `FF${month.compact}-02`;

  for (const h of view.roster) {
    const members = view.listed(h);
    if (members.length === 0) continue;
    const category = Population.category(h);
    const tekun = h.kind === 'tekunUrban' || h.kind === 'tekunRural';
    const late = rng.chance(0.02);
    const day = late ? month.first + rng.range(10, 24) : month.first + Math.max(0, Math.min(9, payDay[h.village.county]! - 1 + rng.range(-2, 2)));
    const paidOn = formatDay(day);
    const batch = late ? lateBatch : regularBatch;
    const method = paymentMethod(h.bits);
    const code = h.village.code;
    for (const member of members) {
      const p = member.person;
      const amount = yuan(ctx.pop.benefitCents(h, member, month.first));
      const since = formatDay(member.since);
      roster.write([month.key, h.no, p.id, p.name, member.relation, code, category, member.support ?? '', member.care ?? '', since, amount]);
      payments.write([batch, month.key, h.no, p.id, category, amount, paidOn, method]);
      // the low-income platform lists each person once (anomaly duplicates are already there)
      if (!h.duplicate) lowIncome.write([month.key, h.no, p.id, p.name, code, tekun ? '特困人员' : '低保对象', since]);
    }
    if (roster.needsDrain) await roster.drain();
    if (payments.needsDrain) await payments.drain();
    if (lowIncome.needsDrain) await lowIncome.drain();
  }
  for (const h of view.lowIncome) {
    const category = LOW_INCOME_CATEGORY[h.kind]!;
    for (const member of view.listed(h)) {
      const p = member.person;
      lowIncome.write([month.key, h.no, p.id, p.name, h.village.code, category, formatDay(member.since)]);
    }
    if (lowIncome.needsDrain) await lowIncome.drain();
  }
  await closeCsv(ctx, 3, roster);
  await closeCsv(ctx, 4, lowIncome);
  await closeCsv(ctx, 5, payments);
}

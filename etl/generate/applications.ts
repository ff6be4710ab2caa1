// Applications and their review decisions (kind 7), consistent with admissions to the lists.
import type { Timeline } from './calendar';
import type { Person } from './persons';
import { LOW_INCOME_POOLS, ROSTER_POOLS, type Population, type PoolKind } from './population';
import { Rng, Weighted } from './random';
import type { RegionTree, Village } from './regions';
import type { ReliefAct } from './temp-relief';
import { cmp } from './util';

export type AppCategory = '低保' | '特困' | '临时救助' | '低保边缘认定' | '刚性支出困难认定';
export type Channel = '主动申请' | '大数据预警' | '入户走访' | '部门转介' | '热线求助';
export type Decision = '批准' | '不予批准' | '办理中';

export interface Application {
  no: string;
  person: Person;
  householdNo: string;
  village: Village;
  category: AppCategory;
  channel: Channel;
  accept: number;
  /** decision day, undefined while pending */
  decide?: number;
  result: Decision;
}

const CATEGORY_OF: Partial<Record<PoolKind, AppCategory>> = {
  dibaoUrban: '低保',
  dibaoRural: '低保',
  tekunUrban: '特困',
  tekunRural: '特困',
  margin: '低保边缘认定',
  rigid: '刚性支出困难认定',
};

// Proactive discovery: one county lags (~15 %), one leads (~45 %); the others are solved so the city is ~30 %.
const CITY_PROACTIVE = 0.3;
const FIXED_RATES: Record<number, number> = { 1: 0.45, 2: 0.15 };
const PROACTIVE_CHANNELS = new Weighted<Channel>([
  ['大数据预警', 45],
  ['入户走访', 35],
  ['部门转介', 20],
]);
const PASSIVE_CHANNELS = new Weighted<Channel>([
  ['主动申请', 85],
  ['热线求助', 15],
]);
const REJECT_SHARE: Record<AppCategory, number> = { 低保: 0.35, 特困: 0.25, 临时救助: 0.2, 低保边缘认定: 0.3, 刚性支出困难认定: 0.3 };

/** Calendar days from acceptance to decision: mostly 8–26 (within 20 working days), some longer. */
function reviewDays(rng: Rng): number {
  const x = rng.next();
  if (x < 0.86) return rng.range(8, 26);
  if (x < 0.95) return rng.range(27, 33);
  return rng.range(34, 45);
}

export function planApplications(
  seed: number,
  pop: Population,
  regions: RegionTree,
  timeline: Timeline,
  relief: ReliefAct[][],
): Application[] {
  const rng = new Rng(seed, 'applications');
  const startDay = timeline.startDay;
  const endDay = timeline.endDay;
  const apps: Omit<Application, 'no' | 'channel'>[] = [];

  // 1. Admissions: every household admitted during the period was approved the month before it is listed.
  for (const kind of [...ROSTER_POOLS, ...LOW_INCOME_POOLS]) {
    const category = CATEGORY_OF[kind];
    if (!category) continue;
    for (const h of pop.pools[kind]) {
      if (h.start < 1) continue;
      const head = h.members[0]!.person;
      apps.push({ person: head, householdNo: h.no, village: h.village, category, accept: h.entryDay - reviewDays(rng), decide: h.entryDay, result: '批准' });
    }
  }
  // 2. Temporary relief: approved when (or after, for relief first) the relief is given.
  for (const acts of relief) {
    for (const act of acts) {
      const h = act.applicant.household;
      const householdNo = h ? h.no : pop.householdNo(rng, act.applicant.village.county);
      let accept: number;
      let decide: number;
      if (act.approval === '先行救助后补手续') {
        accept = act.day + rng.range(1, 5);
        decide = accept + rng.range(2, 10);
      } else {
        accept = act.day - rng.range(0, 6);
        decide = act.day;
      }
      apps.push({ person: act.applicant.person, householdNo, village: act.applicant.village, category: '临时救助', accept, decide, result: '批准' });
    }
  }
  // 3. Rejections, in proportion to the approvals of each month and category.
  const approvedByMonth = new Map<string, number>();
  for (const a of apps) {
    const key = timeline.monthOfDay(a.accept) + '|' + a.category;
    approvedByMonth.set(key, (approvedByMonth.get(key) ?? 0) + 1);
  }
  const urbanVillages = regions.villages.filter((v) => v.urban);
  const ruralVillages = regions.villages.filter((v) => !v.urban);
  for (let m = 0; m < timeline.count; m++) {
    const month = timeline.at(m);
    for (const category of Object.keys(REJECT_SHARE) as AppCategory[]) {
      const approved = approvedByMonth.get(m + '|' + category) ?? 0;
      const share = REJECT_SHARE[category];
      const count = rng.roundCount((approved * share) / (1 - share));
      for (let i = 0; i < count; i++) {
        const urban = rng.chance(category === '特困' ? 0.2 : 0.3);
        const candidates = urban ? urbanVillages : ruralVillages;
        const village = rng.pick(candidates.length > 0 ? candidates : regions.villages);
        const person = pop.factory.ofAge(rng, village.county, month.first, rng.range(22, 85));
        const accept = month.first + rng.int(month.days);
        apps.push({ person, householdNo: pop.householdNo(rng, village.county), village, category, accept, decide: accept + reviewDays(rng), result: '不予批准' });
      }
    }
  }

  // Keep what was accepted within the period; decisions after the period's end are still pending.
  const kept = apps.filter((a) => a.accept >= startDay && a.accept <= endDay);
  for (const a of kept) {
    if (a.decide !== undefined && a.decide > endDay) {
      a.decide = undefined;
      a.result = '办理中';
    }
  }
  kept.sort((a, b) => a.accept - b.accept || cmp(a.village.code, b.village.code) || cmp(a.person.id, b.person.id));

  // Channels: solve the rate of the "ordinary" counties so the city-wide approved share is ~30 %.
  const approvedPerCounty = regions.counties.map(() => 0);
  for (const a of kept) if (a.result === '批准') approvedPerCounty[a.village.county]!++;
  const total = approvedPerCounty.reduce((x, y) => x + y, 0);
  let fixedMass = 0;
  let freeCount = 0;
  approvedPerCounty.forEach((c, i) => {
    if (FIXED_RATES[i] !== undefined) fixedMass += c * FIXED_RATES[i]!;
    else freeCount += c;
  });
  const freeRate = freeCount > 0 ? Math.max(0.2, Math.min(0.4, (CITY_PROACTIVE * total - fixedMass) / freeCount)) : CITY_PROACTIVE;
  const rate = (county: number): number => FIXED_RATES[county] ?? freeRate;

  const seqByCountyMonth = new Map<string, number>();
  return kept.map((a) => {
    const channel = rng.chance(rate(a.village.county)) ? PROACTIVE_CHANNELS.pick(rng) : PASSIVE_CHANNELS.pick(rng);
    const code6 = regions.counties[a.village.county]!.code6;
    const key = code6 + '-' + timeline.at(timeline.monthOfDay(a.accept)).compact;
    const seq = (seqByCountyMonth.get(key) ?? 0) + 1;
    seqByCountyMonth.set(key, seq);
    return { ...a, channel, no: `SQ-${key}-${String(seq).padStart(5, '0')}` };
  });
}

// Temporary relief acts (kind 6): about 506 person-times a month at scale 1, 1,283 yuan per person-time.
import type { Timeline } from './calendar';
import type { MonthView, PersonAt } from './month-view';
import type { Population } from './population';
import { Rng, Weighted } from './random';
import type { RegionTree } from './regions';
import type { Standards } from './standards';
import { cmp } from './util';

export type ReliefType = '急难型' | '支出型';
export type ReliefCause = '疾病' | '意外事故' | '自然灾害' | '突发公共事件' | '教育支出' | '其他';
export type Approval = '乡镇备用金审批' | '县级审批' | '先行救助后补手续';

export interface ReliefAct {
  no: string;
  applicant: PersonAt;
  day: number;
  /** yuan, whole */
  amount: number;
  persons: number;
  type: ReliefType;
  cause: ReliefCause;
  approval: Approval;
  local: boolean;
}

// Half a year at scale 1: 3,035 person-times and 3,893,600 yuan.
const PERSON_TIMES_PER_MONTH = 3035 / 6;
const YUAN_PER_PERSON_TIME = 3_893_600 / 3035;

const PERSONS = new Weighted<number>([
  [1, 74],
  [2, 17],
  [3, 5],
  [4, 2.5],
  [5, 1.5],
]);
const MEAN_PERSONS = (74 + 2 * 17 + 3 * 5 + 4 * 2.5 + 5 * 1.5) / 100;

// Typical per-person amounts; rescaled so the mean hits the month's level.
const BASE_AMOUNTS: [number, number][] = [
  [300, 5], [500, 15], [800, 15], [1000, 20], [1200, 10], [1500, 12], [2000, 12], [3000, 7], [5000, 3],
];
const BASE_TABLE = new Weighted(BASE_AMOUNTS);
const BASE_MEAN = BASE_AMOUNTS.reduce((a, [v, w]) => a + v * w, 0) / BASE_AMOUNTS.reduce((a, [, w]) => a + w, 0);

const URGENT_CAUSES = new Weighted<ReliefCause>([
  ['疾病', 35],
  ['意外事故', 35],
  ['自然灾害', 15],
  ['突发公共事件', 8],
  ['其他', 7],
]);
const EXPENSE_CAUSES = new Weighted<ReliefCause>([
  ['疾病', 60],
  ['教育支出', 25],
  ['其他', 15],
]);

/** All relief acts, grouped by month index (0..count-1), numbered per county and year. */
export function planTempRelief(
  seed: number,
  pop: Population,
  regions: RegionTree,
  timeline: Timeline,
  standards: Standards,
  scale: number,
  views: (m: number) => MonthView,
): ReliefAct[][] {
  const out: ReliefAct[][] = [];
  const seqByCountyYear = new Map<string, number>();
  for (let m = 0; m < timeline.count; m++) {
    const rng = new Rng(seed, 'temp-relief', m);
    const month = timeline.at(m);
    const view = views(m);
    const level = YUAN_PER_PERSON_TIME * rng.uniform(0.9, 1.1);
    const count = Math.max(1, rng.roundCount((PERSON_TIMES_PER_MONTH * scale * rng.uniform(0.9, 1.1)) / MEAN_PERSONS));
    const acts: ReliefAct[] = [];
    for (let i = 0; i < count; i++) {
      const x = rng.next();
      let applicant: PersonAt | undefined;
      let local = true;
      if (x < 0.35) applicant = view.rosterPerson(rng, true);
      else if (x < 0.6) applicant = view.lowIncomePerson(rng, true);
      if (!applicant) {
        local = !(x > 0.88);
        const village = rng.pick(regions.villages);
        const person = pop.factory.ofAge(rng, village.county, month.first, rng.range(20, 80), undefined, undefined, !local);
        applicant = { person, village };
      }
      const persons = PERSONS.pick(rng);
      const perPerson = (BASE_TABLE.pick(rng) * level) / BASE_MEAN;
      const amount = Math.max(100, Math.round((perPerson * persons) / 10) * 10);
      const type: ReliefType = rng.chance(0.42) ? '急难型' : '支出型';
      const cause = (type === '急难型' ? URGENT_CAUSES : EXPENSE_CAUSES).pick(rng);
      const day = month.first + rng.int(month.days);
      // a township may approve from its reserve fund up to 4 × the (lower, rural) monthly dibao standard
      const limit = 4 * standards.dibao(false, day);
      let approval: Approval;
      const y = rng.next();
      if (amount <= limit) approval = y < 0.72 ? '乡镇备用金审批' : type === '急难型' && y < 0.84 ? '先行救助后补手续' : '县级审批';
      else approval = type === '急难型' && y < 0.15 ? '先行救助后补手续' : '县级审批';
      acts.push({ no: '', applicant, day, amount, persons, type, cause, approval, local });
    }
    acts.sort((a, b) => a.day - b.day || cmp(a.applicant.village.code, b.applicant.village.code) || cmp(a.applicant.person.id, b.applicant.person.id));
    for (const act of acts) {
      const county = regions.counties[act.applicant.village.county]!;
      const key = county.code6 + '-' + month.year;
      const seq = (seqByCountyYear.get(key) ?? 0) + 1;
      seqByCountyYear.set(key, seq);
      act.no = `LS-${county.code6}-${month.year}-${String(seq).padStart(6, '0')}`;
    }
    out.push(acts);
  }
  return out;
}

// Household economic-status verifications (kind 11): new applications, reviews of recipients, spot checks.
import type { Application } from './applications';
import type { Timeline } from './calendar';
import type { MonthView, PersonAt } from './month-view';
import { Rng } from './random';
import { cmp } from './util';

export type CheckItem = '新申请' | '复核' | '抽查';
export type CheckResult = '符合' | '不符合' | '疑似不符待核实';

export interface Verification {
  no: string;
  day: number;
  target: PersonAt;
  item: CheckItem;
  result: CheckResult;
}

const PER_MONTH = 2000;

function result(rng: Rng, mismatch: number, suspect: number): CheckResult {
  const x = rng.next();
  return x < mismatch ? '不符合' : x < mismatch + suspect ? '疑似不符待核实' : '符合';
}

/** Verifications dated in month m: one per new application (not temporary relief), the rest reviews and spot checks. */
export function monthVerifications(seed: number, m: number, timeline: Timeline, view: MonthView, appsAccepted: Application[], scale: number): Verification[] {
  const rng = new Rng(seed, 'verifications', m);
  const month = timeline.at(m);
  const list: Verification[] = [];
  for (const a of appsAccepted) {
    if (a.category === '临时救助') continue;
    const day = Math.min(month.last, a.accept + rng.range(1, 5));
    const r = a.result === '不予批准' ? result(rng, 0.3, 0.1) : a.result === '批准' ? result(rng, 0, 0.02) : result(rng, 0.05, 0.1);
    list.push({ no: '', day, target: { person: a.person, village: a.village }, item: '新申请', result: r });
  }
  const total = Math.max(list.length, Math.round(PER_MONTH * scale * rng.uniform(0.93, 1.07)));
  for (let i = list.length; i < total; i++) {
    const review = rng.chance(0.6);
    const target = review ? view.rosterPerson(rng, true) : rng.chance(0.5) ? view.lowIncomePerson(rng, true) : view.rosterPerson(rng);
    if (!target) continue;
    list.push({ no: '', day: month.first + rng.int(month.days), target, item: review ? '复核' : '抽查', result: result(rng, 0.014, 0.012) });
  }
  list.sort((a, b) => a.day - b.day || cmp(a.target.village.code, b.target.village.code) || cmp(a.target.person.id, b.target.person.id));
  list.forEach((v, i) => (v.no = `HD${month.compact}${String(i + 1).padStart(6, '0')}`));
  return list;
}

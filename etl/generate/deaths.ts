// Death records (kind 10) of listed persons, from the funeral, police and health systems.
import type { Timeline } from './calendar';
import type { Person } from './persons';
import type { Population } from './population';
import { Rng, Weighted } from './random';
import type { Village } from './regions';
import { cmp } from './util';

export type DeathSource = '殡葬' | '公安' | '卫健';

export interface DeathRecord {
  person: Person;
  day: number;
  village: Village;
  source: DeathSource;
  /** the person was on a list when it died */
  listed: boolean;
}

const SOURCES = new Weighted<DeathSource>([
  ['殡葬', 55],
  ['公安', 30],
  ['卫健', 15],
]);

export function deathRecords(seed: number, pop: Population, timeline: Timeline): DeathRecord[] {
  const rng = new Rng(seed, 'deaths');
  const records = pop.deaths
    .filter((d) => d.day <= timeline.endDay)
    .map((d) => ({ person: d.person, day: d.day, village: d.village, source: SOURCES.pick(rng), listed: true }));
  records.sort((a, b) => a.day - b.day || cmp(a.person.id, b.person.id));
  return records;
}

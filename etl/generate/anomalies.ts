// Integrity problems the platform must find: payments after death, persons listed twice in a month.
import type { Timeline } from './calendar';
import { ROSTER_POOLS, type Household, type Population, type PoolKind } from './population';
import type { Person } from './persons';
import type { Rng } from './random';
import type { RegionTree } from './regions';

export interface AnomalySummary {
  /** persons still listed (and paid) 1–3 months after their recorded death */
  paidAfterDeath: Person[];
  /** persons listed twice in the same month (dibao and tekun, or in two counties) */
  listedTwice: Person[];
}

export function plantAnomalies(rng: Rng, pop: Population, regions: RegionTree, timeline: Timeline, scale: number): AnomalySummary {
  const n = timeline.count;
  const paidAfterDeath: Person[] = [];
  const listedTwice: Person[] = [];

  // 1. Deaths of one-person roster households not followed by a stop: listed 1–3 more months.
  const candidates = pop.deaths.filter(
    (d) => ROSTER_POOLS.includes(d.household.kind) && d.household.members.length === 1 && timeline.monthOfDay(d.day) <= n - 2,
  );
  rng.shuffle(candidates);
  const lingerCount = Math.min(candidates.length, Math.max(2, Math.round(10 * scale)));
  for (const death of candidates.slice(0, lingerCount)) {
    const d = timeline.monthOfDay(death.day);
    const extra = rng.range(1, Math.min(3, n - 1 - d));
    death.household.end = d + 1 + extra;
    death.household.members[0]!.end = d + 1 + extra;
    paidAfterDeath.push(death.person);
  }

  // 2. Persons listed twice in a month.
  const wanted = Math.max(2, Math.round(20 * scale));
  const roster: Household[] = ROSTER_POOLS.flatMap((k) => pop.pools[k]).filter((h) => h.start < n && h.end > 0 && h.end - Math.max(0, h.start) >= 1);
  const used = new Set<string>();
  for (let tries = 0; listedTwice.length < wanted && tries < wanted * 50; tries++) {
    const h = rng.pick(roster);
    const member = rng.pick(h.members);
    if (member.person.death !== undefined || used.has(member.person.id)) continue;
    const from = Math.max(0, h.start);
    const to = Math.min(n, h.end); // exclusive
    if (to <= from) continue;
    const start = rng.range(from, to - 1);
    const end = Math.min(to, start + rng.range(1, 4));
    const urban = h.village.urban;
    const isDibao = h.kind === 'dibaoUrban' || h.kind === 'dibaoRural';
    let kind: PoolKind;
    let village = h.village;
    if (rng.chance(0.5)) {
      // on both the dibao and the tekun roster, same village
      kind = isDibao ? (urban ? 'tekunUrban' : 'tekunRural') : urban ? 'dibaoUrban' : 'dibaoRural';
    } else {
      // the same list in another county
      kind = h.kind;
      const others = regions.villages.filter((v) => v.county !== h.village.county && v.urban === urban);
      village = rng.pick(others);
    }
    pop.addDuplicate(rng, member.person, kind, village, start, end);
    used.add(member.person.id);
    listedTwice.push(member.person);
  }
  return { paidAfterDeath, listedTwice };
}

// The households and persons listed in one month, in export order.
import { LOW_INCOME_POOLS, Population, ROSTER_POOLS, type Household, type Member } from './population';
import type { Person } from './persons';
import type { Rng } from './random';
import type { Village } from './regions';

export interface PersonAt {
  person: Person;
  village: Village;
  household?: Household;
}

const byVillageThenNo = (a: Household, b: Household): number =>
  a.village.code < b.village.code ? -1 : a.village.code > b.village.code ? 1 : a.no < b.no ? -1 : a.no > b.no ? 1 : 0;

export class MonthView {
  /** dibao/tekun households listed this month (including anomaly duplicates), sorted by village and number */
  readonly roster: Household[];
  /** margin / rigid-expense / other households listed this month */
  readonly lowIncome: Household[];

  constructor(
    pop: Population,
    readonly month: number,
  ) {
    const m = month;
    this.roster = [...ROSTER_POOLS.flatMap((k) => pop.pools[k]), ...pop.duplicates].filter((h) => Population.isActive(h, m)).sort(byVillageThenNo);
    this.lowIncome = LOW_INCOME_POOLS.flatMap((k) => pop.pools[k]).filter((h) => Population.isActive(h, m)).sort(byVillageThenNo);
  }

  /** Members of a household listed this month. */
  listed(h: Household): Member[] {
    const m = this.month;
    return h.members.length === 1 ? (h.members[0]!.end > m ? h.members : []) : h.members.filter((x) => x.end > m);
  }

  private pickFrom(rng: Rng, list: Household[], headOnly: boolean): PersonAt | undefined {
    for (let tries = 0; tries < 10 && list.length > 0; tries++) {
      const h = rng.pick(list);
      const members = this.listed(h);
      if (members.length === 0) continue;
      const member = headOnly ? members[0]! : rng.pick(members);
      return { person: member.person, village: h.village, household: h };
    }
    return undefined;
  }

  /** A random person on the dibao/tekun roster this month (not an anomaly duplicate). */
  rosterPerson(rng: Rng, headOnly = false): PersonAt | undefined {
    const p = this.pickFrom(rng, this.roster, headOnly);
    return p && !p.household?.duplicate ? p : this.pickFrom(rng, this.roster, headOnly);
  }

  /** A random margin / rigid-expense / other low-income person this month. */
  lowIncomePerson(rng: Rng, headOnly = false): PersonAt | undefined {
    return this.pickFrom(rng, this.lowIncome, headOnly);
  }
}

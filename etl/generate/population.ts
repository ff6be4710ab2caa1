// Households on the rosters and their monthly evolution: entries, exits, deaths, slow drift.
import type { Timeline } from './calendar';
import { ageOn, composeHousehold, PersonFactory, tekunPerson, type Kin, type Person, type Relation } from './persons';
import { Rng, Weighted } from './random';
import type { RegionTree, Village } from './regions';
import type { CareLevel, Standards } from './standards';

export type PoolKind = 'dibaoUrban' | 'dibaoRural' | 'tekunUrban' | 'tekunRural' | 'margin' | 'rigid' | 'other';
export const ROSTER_POOLS: PoolKind[] = ['dibaoUrban', 'dibaoRural', 'tekunUrban', 'tekunRural'];
export const LOW_INCOME_POOLS: PoolKind[] = ['margin', 'rigid', 'other'];

export type RosterCategory = '城市低保' | '农村低保' | '城市特困' | '农村特困';
export type SupportMode = '集中供养' | '分散供养';
export type AgriType = '脱贫人口' | '防止返贫监测对象';

export interface Member {
  person: Person;
  relation: Relation;
  /** inclusion date (day number) */
  since: number;
  /** first month index in which this member is no longer listed */
  end: number;
  support?: SupportMode;
  care?: CareLevel;
}

export interface Household {
  /** 家庭编号 */
  no: string;
  kind: PoolKind;
  village: Village;
  members: Member[];
  /** first month index on the list */
  start: number;
  /** first month index no longer on the list */
  end: number;
  /** day the household was admitted (decision date) */
  entryDay: number;
  /** per-capita monthly income in cents (dibao) */
  income: number;
  /** stable random bits for per-household choices */
  bits: number;
  agri?: AgriHousehold;
  /** set on anomaly duplicates: the row duplicates a person listed elsewhere the same month */
  duplicate?: boolean;
}

export interface AgriHousehold {
  /** 户编号 */
  no: string;
  type: AgriType;
  village: Village;
  members: Kin[];
  /** quarter index (0 = first snapshot) from which the risk counts as eliminated; relapse-watch only */
  riskClearedFrom: number;
  used: boolean;
}

export interface DeathEvent {
  person: Person;
  day: number;
  village: Village;
  household: Household;
}

// Calibration at scale 1 (see docs/domain.md): persons on each list in the first month.
const BASE_PERSONS: Record<PoolKind, number> = {
  dibaoUrban: 8211,
  dibaoRural: 26645,
  tekunUrban: 780,
  tekunRural: 3240,
  margin: 0, // derived from the dibao count
  rigid: 0,
  other: 0,
};
const RATIO_TO_DIBAO: Partial<Record<PoolKind, number>> = { margin: 0.466, rigid: 0.145, other: 0.05 };
// Monthly exit probability per household (besides deaths).
const EXIT_RATE: Record<PoolKind, number> = {
  dibaoUrban: 0.011,
  dibaoRural: 0.011,
  tekunUrban: 0.002,
  tekunRural: 0.002,
  margin: 0.012,
  rigid: 0.015,
  other: 0.02,
};
const ALLEVIATED_PERSONS = 51_500;
const RELAPSE_PERSONS = 15_500;
const ALLEVIATED_ON_ROSTER = 0.2181;
const RELAPSE_ON_ROSTER = 0.4494;

/** Monthly death probability by age; recipients are in poorer health than average. */
function deathRate(age: number): number {
  if (age < 18) return 0.00005;
  if (age < 60) return 0.0005;
  if (age < 70) return 0.0012;
  if (age < 80) return 0.003;
  return 0.009;
}

export class Population {
  readonly pools: Record<PoolKind, Household[]> = {
    dibaoUrban: [],
    dibaoRural: [],
    tekunUrban: [],
    tekunRural: [],
    margin: [],
    rigid: [],
    other: [],
  };
  /** anomaly duplicates (same person twice on the roster in a month) */
  readonly duplicates: Household[] = [];
  readonly agri: AgriHousehold[] = [];
  readonly deaths: DeathEvent[] = [];
  readonly factory: PersonFactory;

  private readonly householdSeq: number[];
  private readonly agriSeq: number[];
  private readonly urbanVillages: Weighted<Village>;
  private readonly ruralVillages: Weighted<Village>;
  private readonly agriQueue: Record<AgriType, AgriHousehold[]> = { 脱贫人口: [], 防止返贫监测对象: [] };
  private readonly agriNext: Record<AgriType, number> = { 脱贫人口: 0, 防止返贫监测对象: 0 };

  constructor(
    readonly regions: RegionTree,
    readonly timeline: Timeline,
    readonly standards: Standards,
    readonly scale: number,
    readonly seed: number,
  ) {
    this.factory = new PersonFactory(regions.counties);
    const setupRng = new Rng(seed, 'population-setup');
    this.householdSeq = regions.counties.map(() => setupRng.range(1000, 4000));
    this.agriSeq = regions.counties.map(() => setupRng.range(100, 900));
    const weight = (v: Village): number => v.population * regions.counties[v.county]!.povertyFactor;
    this.urbanVillages = new Weighted(regions.villages.filter((v) => v.urban).map((v) => [v, weight(v)] as const));
    this.ruralVillages = new Weighted(regions.villages.filter((v) => !v.urban).map((v) => [v, weight(v)] as const));
  }

  /** Household number `JT` + county code + 7-digit sequence, unique across all lists. */
  private nextHouseholdNo(rng: Rng, county: number): string {
    const seq = (this.householdSeq[county]! += rng.range(1, 3));
    return 'JT' + this.regions.counties[county]!.code6 + String(seq).padStart(7, '0');
  }

  private nextAgriNo(rng: Rng, county: number): string {
    const seq = (this.agriSeq[county]! += rng.range(1, 4));
    return 'FP' + this.regions.counties[county]!.code6 + String(seq).padStart(6, '0');
  }

  private villageFor(rng: Rng, kind: PoolKind): Village {
    switch (kind) {
      case 'dibaoUrban':
      case 'tekunUrban':
        return this.urbanVillages.pick(rng);
      case 'dibaoRural':
      case 'tekunRural':
        return this.ruralVillages.pick(rng);
      default:
        return rng.chance(0.27) ? this.urbanVillages.pick(rng) : this.ruralVillages.pick(rng);
    }
  }

  // ---------------------------------------------------------------- agri (alleviated / relapse-watch)

  private buildAgri(rng: Rng): void {
    const refDay = this.timeline.startDay;
    const build = (type: AgriType, persons: number): void => {
      let count = 0;
      const list: AgriHousehold[] = [];
      while (count < persons) {
        const village = this.ruralVillages.pick(rng);
        const members = composeHousehold(rng, this.factory, village.county, refDay, 'agri');
        const riskClearedFrom = type === '防止返贫监测对象' ? (rng.chance(0.35) ? 0 : rng.chance(0.45) ? rng.range(1, 8) : 1000) : 1000;
        list.push({ no: this.nextAgriNo(rng, village.county), type, village, members, riskClearedFrom, used: false });
        count += members.length;
      }
      for (const h of list) this.agri.push(h);
      this.agriQueue[type] = rng.shuffle([...list]);
    };
    build('脱贫人口', Math.round(ALLEVIATED_PERSONS * this.scale));
    build('防止返贫监测对象', Math.round(RELAPSE_PERSONS * this.scale));
    // Keep the export order by household number
    this.agri.sort((a, b) => (a.no < b.no ? -1 : a.no > b.no ? 1 : 0));
  }

  private takeAgri(type: AgriType): AgriHousehold | undefined {
    const queue = this.agriQueue[type];
    while (this.agriNext[type] < queue.length) {
      const h = queue[this.agriNext[type]++]!;
      if (!h.used && h.members.every((k) => k.person.death === undefined)) {
        h.used = true;
        return h;
      }
    }
    return undefined;
  }

  // ---------------------------------------------------------------- households

  /** Members with their inclusion dates: the admission date, or shortly after birth for babies, never after `latest`. */
  private makeMembers(rng: Rng, kin: Kin[], since: number, latest: number, kind: PoolKind): Member[] {
    return kin.map((k) => {
      const m: Member = { person: k.person, relation: k.relation, since: Math.min(latest, Math.max(since, k.person.birth + 30)), end: Infinity };
      if (kind === 'tekunUrban' || kind === 'tekunRural') {
        const age = ageOn(k.person, since);
        m.support = rng.chance(age >= 80 ? 0.4 : age < 18 ? 0.3 : 0.2) ? '集中供养' : '分散供养';
        const x = rng.next();
        m.care = m.support === '集中供养' ? (x < 0.5 ? '全自理' : x < 0.78 ? '半护理' : '全护理') : x < 0.78 ? '全自理' : x < 0.93 ? '半护理' : '全护理';
      }
      return m;
    });
  }

  /**
   * A new household of a pool; `start` is its first month on the list, `entryDay` the admission date.
   * Rural dibao households are sometimes formed from an alleviated / relapse-watch household.
   */
  private createHousehold(rng: Rng, kind: PoolKind, start: number, entryDay: number, agri?: AgriHousehold): Household {
    // ages are drawn as of the first listed month for the initial lists, as of admission for newcomers
    const refDay = start === 0 ? this.timeline.startDay - 1 : entryDay;
    const latest = this.timeline.at(start).first - 1;
    let village: Village;
    let kin: Kin[];
    if (agri) {
      village = agri.village;
      // the head and some of the other members are admitted
      kin = agri.members.filter((_k, i) => i === 0 || rng.chance(0.45)).filter((k) => k.person.death === undefined);
      if (kin.length === 0 || kin[0]!.relation !== '本人') kin = [agri.members[0]!];
    } else {
      village = this.villageFor(rng, kind);
      if (kind === 'tekunUrban' || kind === 'tekunRural') {
        const head = tekunPerson(rng, this.factory, village.county, refDay);
        kin = [{ person: head, relation: '本人' }];
        if (head.birth < refDay - 65 * 365 && rng.chance(0.05)) {
          // an elderly couple both supported as tekun
          const spouse = this.factory.ofAge(rng, village.county, refDay, ageOn(head, refDay) + rng.range(-4, 4), head.sex === 1 ? 2 : 1);
          kin.push({ person: spouse, relation: '配偶' });
        }
      } else {
        kin = composeHousehold(rng, this.factory, village.county, refDay, 'dibao');
      }
    }
    const members = this.makeMembers(rng, kin, entryDay, latest, kind);
    let income = 0;
    if (kind === 'dibaoUrban' || kind === 'dibaoRural') {
      const standard = this.standards.dibao(kind === 'dibaoUrban', Math.max(entryDay, this.timeline.startDay)) * 100;
      income = rng.chance(0.28) ? 0 : Math.floor(rng.next() * (standard - 12000));
    }
    const household: Household = {
      no: this.nextHouseholdNo(rng, village.county),
      kind,
      village,
      members,
      start,
      end: Infinity,
      entryDay,
      income,
      bits: rng.u32(),
    };
    if (agri) household.agri = agri;
    this.pools[kind].push(household);
    return household;
  }

  // ---------------------------------------------------------------- simulation

  /** Runs the whole period: initial lists, then monthly deaths, exits and admissions (plus two planning months). */
  simulate(): void {
    const rng = new Rng(this.seed, 'population');
    const n = this.timeline.count;
    this.buildAgri(new Rng(this.seed, 'agri'));

    // Slow drift of the caseload: about ±1 % a quarter, slightly downward.
    const drift: number[] = [1];
    const tekunDrift: number[] = [1];
    for (let m = 1; m <= n + 1; m++) {
      drift.push(drift[m - 1]! * (1 - 0.0006 + 0.003 * rng.normal()));
      tekunDrift.push(tekunDrift[m - 1]! * (1 + 0.0002 + 0.002 * rng.normal()));
    }
    const base: Record<PoolKind, number> = { ...BASE_PERSONS };
    for (const kind of ROSTER_POOLS) base[kind] = BASE_PERSONS[kind] * this.scale * rng.uniform(0.985, 1.015);
    const target = (kind: PoolKind, m: number, dibaoNow: number): number => {
      const ratio = RATIO_TO_DIBAO[kind];
      if (ratio !== undefined) return ratio * dibaoNow;
      return base[kind] * (kind.startsWith('tekun') ? tekunDrift[m]! : drift[m]!);
    };

    const active: Record<PoolKind, number> = { dibaoUrban: 0, dibaoRural: 0, tekunUrban: 0, tekunRural: 0, margin: 0, rigid: 0, other: 0 };
    const linked: Record<AgriType, number> = { 脱贫人口: 0, 防止返贫监测对象: 0 };
    const startDay = this.timeline.startDay;
    const initialEntryDay = (): number => {
      const tenure = Math.min(365 * 15, Math.floor(-Math.log(1 - rng.next()) * 365 * 4.5));
      return startDay - 1 - tenure;
    };

    // Initial rural dibao households formed from alleviated / relapse-watch households.
    const aliveAgriPersons = (type: AgriType): number =>
      this.agri.filter((h) => h.type === type).reduce((a, h) => a + h.members.length, 0);
    const linkTarget: Record<AgriType, number> = {
      脱贫人口: ALLEVIATED_ON_ROSTER * aliveAgriPersons('脱贫人口'),
      防止返贫监测对象: RELAPSE_ON_ROSTER * aliveAgriPersons('防止返贫监测对象'),
    };
    for (const type of ['脱贫人口', '防止返贫监测对象'] as const) {
      while (linked[type] < linkTarget[type]) {
        const agri = this.takeAgri(type);
        if (!agri) break;
        const h = this.createHousehold(rng, 'dibaoRural', 0, initialEntryDay(), agri);
        linked[type] += h.members.length;
        active.dibaoRural += h.members.length;
      }
    }
    const ruralBase = target('dibaoRural', 0, 0);
    const linkShare: Record<AgriType, number> = {
      脱贫人口: linkTarget['脱贫人口'] / ruralBase,
      防止返贫监测对象: linkTarget['防止返贫监测对象'] / ruralBase,
    };
    for (const kind of ROSTER_POOLS) {
      while (active[kind] < target(kind, 0, 0)) active[kind] += this.createHousehold(rng, kind, 0, initialEntryDay()).members.length;
    }
    const dibaoAt = (): number => active.dibaoUrban + active.dibaoRural;
    for (const kind of LOW_INCOME_POOLS) {
      while (active[kind] < target(kind, 0, dibaoAt())) active[kind] += this.createHousehold(rng, kind, 0, initialEntryDay()).members.length;
    }

    for (let m = 0; m <= n; m++) {
      const month = this.timeline.at(m);
      if (m < n) {
        // deaths and exits during month m: off the lists from month m + 1
        for (const kind of [...ROSTER_POOLS, ...LOW_INCOME_POOLS]) {
          for (const h of this.pools[kind]) {
            if (h.start > m || h.end <= m) continue;
            let alive = 0;
            for (let i = 0; i < h.members.length; i++) {
              const member = h.members[i]!;
              if (member.end <= m) continue;
              const headOfFamily = i === 0 && h.members.length > 1;
              if (!headOfFamily && rng.chance(deathRate(ageOn(member.person, month.first)))) {
                const day = month.first + rng.int(month.days);
                member.person.death = day;
                member.end = m + 1;
                active[kind]--;
                if (h.agri) linked[h.agri.type]--;
                this.deaths.push({ person: member.person, day, village: h.village, household: h });
              } else {
                alive++;
              }
            }
            if (alive === 0) {
              h.end = m + 1;
            } else if (rng.chance(EXIT_RATE[kind])) {
              h.end = m + 1;
              active[kind] -= alive;
              if (h.agri) linked[h.agri.type] -= alive;
            }
          }
        }
      }
      // admissions decided during month m: on the lists from month m + 1
      const next = m + 1;
      const decisionDay = (): number => month.first + rng.int(month.days);
      for (const kind of ROSTER_POOLS) {
        const goal = target(kind, next, 0);
        while (active[kind] < goal) {
          let agri: AgriHousehold | undefined;
          if (kind === 'dibaoRural') {
            const x = rng.next();
            const pA = Math.max(0, Math.min(0.9, linkShare['脱贫人口'] + 1.5 * (linkShare['脱贫人口'] - linked['脱贫人口'] / Math.max(1, active.dibaoRural))));
            const pR = Math.max(0, Math.min(0.9, linkShare['防止返贫监测对象'] + 1.5 * (linkShare['防止返贫监测对象'] - linked['防止返贫监测对象'] / Math.max(1, active.dibaoRural))));
            if (x < pA) agri = this.takeAgri('脱贫人口');
            else if (x < pA + pR) agri = this.takeAgri('防止返贫监测对象');
          }
          const h = this.createHousehold(rng, kind, next, decisionDay(), agri);
          active[kind] += h.members.length;
          if (agri) linked[agri.type] += h.members.length;
        }
      }
      for (const kind of LOW_INCOME_POOLS) {
        const goal = target(kind, next, dibaoAt());
        while (active[kind] < goal) active[kind] += this.createHousehold(rng, kind, next, decisionDay()).members.length;
      }
    }
  }

  // ---------------------------------------------------------------- helpers for other modules

  /** A fresh household number (for applicants who never get on a list). */
  householdNo(rng: Rng, county: number): string {
    return this.nextHouseholdNo(rng, county);
  }

  /**
   * An anomaly: `person` also listed in a one-person household of `kind` in `village`
   * for months [start, end). Kept apart from the pools so it never counts as a low-income person twice.
   */
  addDuplicate(rng: Rng, person: Person, kind: PoolKind, village: Village, start: number, end: number): Household {
    const first = this.timeline.at(start).first;
    const entryDay = first - rng.range(5, 200);
    const member: Member = { person, relation: '本人', since: entryDay, end: Infinity };
    if (kind === 'tekunUrban' || kind === 'tekunRural') {
      member.support = '分散供养';
      member.care = '全自理';
    }
    const income = kind === 'dibaoUrban' || kind === 'dibaoRural' ? rng.range(0, 200) * 100 : 0;
    const h: Household = {
      no: this.nextHouseholdNo(rng, village.county),
      kind,
      village,
      members: [member],
      start,
      end,
      entryDay,
      income,
      bits: rng.u32(),
      duplicate: true,
    };
    this.duplicates.push(h);
    return h;
  }

  // ---------------------------------------------------------------- queries

  static isActive(h: Household, m: number): boolean {
    return h.start <= m && m < h.end;
  }

  static category(h: Household): RosterCategory {
    switch (h.kind) {
      case 'dibaoUrban':
        return '城市低保';
      case 'dibaoRural':
        return '农村低保';
      case 'tekunUrban':
        return '城市特困';
      case 'tekunRural':
        return '农村特困';
      default:
        throw new Error(`${h.kind} households are not on the dibao/tekun roster`);
    }
  }

  /** This member's benefit in cents for a month (dibao: standard − income share; tekun: standard + care). */
  benefitCents(h: Household, member: Member, monthFirstDay: number): number {
    const urban = h.kind === 'dibaoUrban' || h.kind === 'tekunUrban';
    if (h.kind === 'tekunUrban' || h.kind === 'tekunRural') {
      return (this.standards.tekun(urban, monthFirstDay) + this.standards.care(h.village.county, member.care ?? '全自理')) * 100;
    }
    return Math.max(10000, this.standards.dibao(urban, monthFirstDay) * 100 - h.income);
  }
}

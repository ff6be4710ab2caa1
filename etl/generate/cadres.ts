// Cadres and their close relatives (干部近亲属备案, kind 13): village party secretaries, village
// (community) committee directors, civil-affairs staff and township cadres, each with a spouse,
// parents, children, siblings. Most relatives receive no assistance. A few are on the dibao/tekun
// roster: most of those were filed before their inclusion; a few (planted) were never filed, which
// the integrity check must find; two near misses sit on the month boundary of the rule "no filing
// dated on or before the month's last day".
import type { Timeline } from './calendar';
import { ageOn, type Person } from './persons';
import { surnameOf } from './names';
import { LOW_INCOME_POOLS, Population, ROSTER_POOLS, type Household, type Member } from './population';
import type { Rng } from './random';
import type { RegionTree, Township, Village } from './regions';

export type CadreRelation = '配偶' | '父母' | '子女' | '兄弟姐妹' | '其他';
type PostKind = 'secretary' | 'director' | 'civilAffairs' | 'township';

export interface CadreRelative {
  person: Person;
  relation: CadreRelation;
  /** day the relative's assistance was filed (备案), if ever */
  filed?: number;
}

export interface Cadre {
  person: Person;
  post: string;
  unit: string;
  regionCode: string;
  /** months [from, to) in which the cadre is on the register */
  from: number;
  to: number;
  relatives: CadreRelative[];
}

/** A roster relative of the boundary cases: filed relative to the last day of `month`. */
export interface BoundaryCase {
  person: Person;
  /** the first month the relative is listed on the roster */
  month: number;
  filed: number;
}

export interface CadrePlan {
  cadres: Cadre[];
  /** on the dibao/tekun roster and never filed: a finding in every month listed */
  unfiled: Person[];
  /** on the roster and filed before inclusion: never a finding */
  filed: Person[];
  /** on the low-income roster only, never filed: not a finding (the check is about dibao/tekun) */
  lowIncomeOnly: Person[];
  /** near miss: filed on the last day of the first month listed, so never a finding */
  filedOnMonthEnd?: BoundaryCase;
  /** filed the day after the first listed month's end: a finding for that month only */
  filedDayAfter?: BoundaryCase;
}

const POST_WEIGHTS: [PostKind, number][] = [['secretary', 0.4], ['director', 0.3], ['civilAffairs', 0.15], ['township', 0.15]];

/** How many cadres the register lists at scale 1 (a few hundred in a city of 1.6 million). */
const CADRES_AT_SCALE_1 = 300;

interface Candidate {
  household: Household;
  member: Member;
  /** first month the member is listed */
  first: number;
}

export function planCadres(rng: Rng, pop: Population, regions: RegionTree, timeline: Timeline, scale: number, exclude: ReadonlySet<string>): CadrePlan {
  const n = timeline.count;
  const refDay = timeline.startDay;
  const factory = pop.factory;
  const townshipOf = new Map(regions.townships.map((t) => [t.code, t]));
  const used = new Set<string>(exclude);

  const pickPost = (): PostKind => {
    let x = rng.next();
    for (const [kind, w] of POST_WEIGHTS) if ((x -= w) < 0) return kind;
    return 'township';
  };

  /** Post, unit and region of a cadre serving in `village` (village posts) or its township (others). */
  const placement = (kind: PostKind, village: Village): { post: string; unit: string; regionCode: string } => {
    const township: Township = townshipOf.get(village.township)!;
    switch (kind) {
      case 'secretary':
        return { post: village.urban ? '社区党支部书记' : '村党支部书记', unit: `中共${township.name}${village.name}支部委员会`, regionCode: village.code };
      case 'director':
        return village.urban
          ? { post: '社区居委会主任', unit: `${township.name}${village.name}居民委员会`, regionCode: village.code }
          : { post: '村委会主任', unit: `${township.name}${village.name}村民委员会`, regionCode: village.code };
      case 'civilAffairs':
        // most at the township's social-affairs office, some at the county's civil-affairs bureau
        return rng.chance(0.75)
          ? { post: '民政经办人员', unit: `${township.name}${township.kind === '街道' ? '办事处' : '人民政府'}社会事务办公室`, regionCode: township.code }
          : { post: '民政经办人员', unit: `${regions.counties[village.county]!.name}民政局`, regionCode: regions.counties[village.county]!.code };
      case 'township':
        return { post: '乡镇干部', unit: `${township.name}${township.kind === '街道' ? '办事处' : '人民政府'}`, regionCode: township.code };
    }
  };

  const newCadre = (kind: PostKind, village: Village, age: number, surname?: string): Cadre => {
    const sex: 1 | 2 = rng.chance(kind === 'secretary' || kind === 'director' ? 0.78 : 0.6) ? 1 : 2;
    const person = factory.ofAge(rng, village.county, refDay, age, sex, surname);
    return { person, ...placement(kind, village), from: 0, to: n, relatives: [] };
  };

  /** The usual family of a cadre: spouse, living parents, children, siblings, now and then an in-law. */
  const addFamily = (cadre: Cadre, county: number, skip: ReadonlySet<CadreRelation> = new Set()): void => {
    const age = ageOn(cadre.person, refDay);
    const surname = surnameOf(cadre.person.name);
    const add = (person: Person, relation: CadreRelation): void => void cadre.relatives.push({ person, relation });
    if (!skip.has('配偶') && rng.chance(0.88)) add(factory.ofAge(rng, county, refDay, age + rng.range(-4, 5), cadre.person.sex === 1 ? 2 : 1), '配偶');
    if (!skip.has('父母')) {
      const parentAge = age + rng.range(22, 32);
      if (parentAge < 92 && rng.chance(age < 50 ? 0.8 : 0.5)) add(factory.ofAge(rng, county, refDay, parentAge, 1, surname), '父母');
      if (parentAge < 94 && rng.chance(age < 50 ? 0.85 : 0.6)) add(factory.ofAge(rng, county, refDay, parentAge - rng.range(0, 4), 2), '父母');
    }
    if (!skip.has('子女')) {
      const children = age < 27 ? 0 : rng.chance(0.15) ? 0 : rng.chance(0.6) ? 1 : 2;
      for (let i = 0; i < children; i++) add(factory.ofAge(rng, county, refDay, rng.range(0, Math.min(35, age - 23)), undefined, cadre.person.sex === 1 ? surname : undefined), '子女');
    }
    if (!skip.has('兄弟姐妹')) {
      const siblings = rng.chance(0.35) ? 0 : rng.chance(0.6) ? 1 : 2;
      for (let i = 0; i < siblings; i++) {
        const sex: 1 | 2 = rng.chance(0.5) ? 1 : 2;
        add(factory.ofAge(rng, county, refDay, age + rng.range(-8, 8), sex, surname), '兄弟姐妹');
      }
    }
    if (rng.chance(0.08)) add(factory.ofAge(rng, county, refDay, age + rng.range(20, 30), undefined), '其他'); // a parent-in-law
  };

  // ---------------------------------------------------------------- the register
  const cadres: Cadre[] = [];
  const total = Math.max(6, Math.round(CADRES_AT_SCALE_1 * scale));
  for (let i = 0; i < total; i++) {
    const village = rng.pick(regions.villages);
    const kind = pickPost();
    const cadre = newCadre(kind, village, rng.range(kind === 'township' || kind === 'civilAffairs' ? 26 : 32, 58));
    addFamily(cadre, village.county);
    cadres.push(cadre);
  }
  // a few village cadres are replaced during the period: the successor's family joins the register
  if (n >= 2) {
    for (const cadre of [...cadres]) {
      if (!rng.chance(0.04) || !(cadre.post.endsWith('书记') || cadre.post.endsWith('主任'))) continue;
      const month = rng.range(1, n - 1);
      cadre.to = month;
      const village = regions.villages.find((v) => v.code === cadre.regionCode) ?? rng.pick(regions.villages);
      const successor = newCadre(cadre.post.includes('书记') ? 'secretary' : 'director', village, rng.range(30, 50));
      Object.assign(successor, { post: cadre.post, unit: cadre.unit, regionCode: cadre.regionCode, from: month });
      addFamily(successor, village.county);
      cadres.push(successor);
    }
  }

  // ---------------------------------------------------------------- relatives on the rosters
  const listedIn = (h: Household, member: Member, m: number): boolean => Population.isActive(h, m) && member.end > m;
  const candidates = (pools: Household[]): Candidate[] => {
    const out: Candidate[] = [];
    for (const h of pools) {
      if (h.duplicate || h.start >= n || h.end <= 0) continue;
      for (const member of h.members) {
        if (member.person.death !== undefined || used.has(member.person.id)) continue;
        const first = Math.max(0, h.start);
        if (listedIn(h, member, first)) out.push({ household: h, member, first });
      }
    }
    return out;
  };
  const roster = candidates(ROSTER_POOLS.flatMap((k) => pop.pools[k]));
  const lowIncome = candidates(LOW_INCOME_POOLS.flatMap((k) => pop.pools[k]));

  /** A cadre related to a listed person: a child, sibling or in-law, serving in the person's village or township. */
  const cadreOf = (c: Candidate): { cadre: Cadre; relation: CadreRelation } => {
    const person = c.member.person;
    const age = ageOn(person, refDay);
    let relation: CadreRelation;
    let cadreAge: number;
    let surname: string | undefined;
    if (age >= 52) {
      relation = '父母';
      cadreAge = Math.max(28, Math.min(58, age - rng.range(22, 32)));
      surname = person.sex === 1 ? surnameOf(person.name) : undefined;
    } else if (age >= 22 && rng.chance(0.7)) {
      relation = '兄弟姐妹';
      cadreAge = Math.max(28, Math.min(58, age + rng.range(-6, 6)));
      surname = surnameOf(person.name);
    } else {
      relation = '其他'; // a nephew, niece or in-law
      cadreAge = rng.range(32, 55);
    }
    const cadre = newCadre(pickPost(), c.household.village, cadreAge, surname);
    addFamily(cadre, c.household.village.county, new Set([relation]));
    cadres.push(cadre);
    return { cadre, relation };
  };

  const take = (list: Candidate[], accept: (c: Candidate) => boolean): Candidate | undefined => {
    for (let tries = 0; tries < 400 && list.length > 0; tries++) {
      const c = rng.pick(list);
      if (!used.has(c.member.person.id) && accept(c)) {
        used.add(c.member.person.id);
        return c;
      }
    }
    return undefined;
  };
  const attach = (c: Candidate, filed?: number): void => {
    const { cadre, relation } = cadreOf(c);
    cadre.relatives.unshift({ person: c.member.person, relation, ...(filed === undefined ? {} : { filed }) });
  };

  const plan: CadrePlan = { cadres, unfiled: [], filed: [], lowIncomeOnly: [] };
  for (let i = 0; i < Math.max(2, Math.round(8 * scale)); i++) {
    const c = take(roster, () => true);
    if (!c) break;
    // filed a few days to weeks before the inclusion date
    attach(c, c.member.since - rng.range(3, 40));
    plan.filed.push(c.member.person);
  }
  for (let i = 0; i < Math.max(2, Math.round(5 * scale)); i++) {
    const c = take(roster, () => true);
    if (!c) break;
    attach(c);
    plan.unfiled.push(c.member.person);
  }
  for (let i = 0; i < Math.max(1, Math.round(4 * scale)); i++) {
    const c = take(lowIncome, () => true);
    if (!c) break;
    attach(c);
    plan.lowIncomeOnly.push(c.member.person);
  }

  // Boundary cases: newly admitted relatives (first listed in a month after the first, where the
  // period allows), filed on that month's last day, or on the day after.
  const admittedIn = (c: Candidate, latest: number, stays: boolean): boolean =>
    c.household.start >= Math.min(1, latest) && c.household.start <= latest && (!stays || listedIn(c.household, c.member, c.first + 1));
  const onMonthEnd = take(roster, (c) => admittedIn(c, n - 1, false));
  if (onMonthEnd) {
    const filed = timeline.at(onMonthEnd.first).last;
    attach(onMonthEnd, filed);
    plan.filedOnMonthEnd = { person: onMonthEnd.member.person, month: onMonthEnd.first, filed };
  }
  if (n >= 2) {
    // listed in the month after too, so that month shows the filing clearing the finding
    const dayAfter = take(roster, (c) => admittedIn(c, n - 2, true));
    if (dayAfter) {
      const filed = timeline.at(dayAfter.first).last + 1;
      attach(dayAfter, filed);
      plan.filedDayAfter = { person: dayAfter.member.person, month: dayAfter.first, filed };
    }
  }

  cadres.sort((a, b) => (a.regionCode < b.regionCode ? -1 : a.regionCode > b.regionCode ? 1 : a.from - b.from || (a.person.id < b.person.id ? -1 : 1)));
  return plan;
}

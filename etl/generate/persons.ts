// Synthetic persons and household compositions (who lives together, ages, names, relations).
import { IdAllocator } from './id-numbers';
import { fullName, pickSurname, surnameOf } from './names';
import { Weighted, type Rng } from './random';
import { ymdFromDay } from './calendar';
import type { County } from './regions';

export interface Person {
  id: string;
  name: string;
  sex: 1 | 2;
  /** day number of birth */
  birth: number;
  /** day number of death, if it died in the simulated period */
  death?: number;
}

export type Relation = '本人' | '配偶' | '子女' | '父母' | '孙子女' | '兄弟姐妹';

export interface Kin {
  person: Person;
  relation: Relation;
}

// Prefixes used for migrants' IDs: fictional places in province 99 outside this city.
const ELSEWHERE_PREFIXES = ['990201', '990202', '990221', '990302', '990321', '990322', '990421', '990502'];

const YEAR = 365.25;

/** Creates persons with unique valid ID numbers. */
export class PersonFactory {
  readonly ids = new IdAllocator();

  constructor(private readonly counties: County[]) {}

  /** ID address prefix: mostly the home county, some from another county of the city, a few from elsewhere. */
  prefixFor(rng: Rng, county: number, migrant = false): string {
    if (migrant) return rng.pick(ELSEWHERE_PREFIXES);
    const x = rng.next();
    if (x < 0.9) return this.counties[county]!.code6;
    if (x < 0.97) return rng.pick(this.counties).code6;
    return rng.pick(ELSEWHERE_PREFIXES);
  }

  make(rng: Rng, county: number, birth: number, sex: 1 | 2, surname?: string, migrant = false): Person {
    const id = this.ids.allocate(rng, this.prefixFor(rng, county, migrant), birth, sex);
    return { id, name: fullName(rng, sex, ymdFromDay(birth)[0], surname), sex, birth };
  }

  /** A person of the given age (years) on refDay. */
  ofAge(rng: Rng, county: number, refDay: number, age: number, sex?: 1 | 2, surname?: string, migrant = false): Person {
    const birth = refDay - Math.floor(Math.max(0, age) * YEAR) - rng.int(365) - 1;
    return this.make(rng, county, birth, sex ?? (rng.chance(0.5) ? 1 : 2), surname, migrant);
  }
}

type Composition = 'single' | 'couple' | 'singleParent' | 'family' | 'withParent' | 'grand' | 'threeGen';

const DIBAO_COMPOSITION = new Weighted<Composition>([
  ['single', 0.38],
  ['couple', 0.14],
  ['singleParent', 0.16],
  ['family', 0.13],
  ['withParent', 0.07],
  ['grand', 0.07],
  ['threeGen', 0.05],
]);

const AGRI_COMPOSITION = new Weighted<Composition>([
  ['single', 0.12],
  ['couple', 0.2],
  ['singleParent', 0.08],
  ['family', 0.33],
  ['withParent', 0.07],
  ['grand', 0.07],
  ['threeGen', 0.13],
]);

/** Age of a single-person recipient household: mostly older, some disabled working-age adults. */
function singleAge(rng: Rng): number {
  const x = rng.next();
  if (x < 0.25) return rng.range(25, 59);
  if (x < 0.6) return rng.range(60, 74);
  return rng.range(75, 92);
}

function childAges(rng: Rng, n: number, parentAge: number): number[] {
  const ages: number[] = [];
  const maxAge = Math.min(17, parentAge - 20);
  for (let i = 0; i < n; i++) ages.push(rng.range(0, Math.max(0, maxAge)));
  return ages.sort((a, b) => b - a);
}

/** Members of a household, head first. `style` selects the composition mix. */
export function composeHousehold(rng: Rng, factory: PersonFactory, county: number, refDay: number, style: 'dibao' | 'agri'): Kin[] {
  const comp = (style === 'dibao' ? DIBAO_COMPOSITION : AGRI_COMPOSITION).pick(rng);
  const headSex: 1 | 2 = rng.chance(comp === 'singleParent' ? 0.35 : 0.62) ? 1 : 2;
  const otherSex = (s: 1 | 2): 1 | 2 => (s === 1 ? 2 : 1);
  const kin: Kin[] = [];
  const add = (person: Person, relation: Relation): void => {
    kin.push({ person, relation });
  };
  const headAge = (lo: number, hi: number): number => rng.range(lo, hi);
  const childSurname = (head: Person): string => (head.sex === 1 || rng.chance(0.3) ? surnameOf(head.name) : pickSurname(rng));

  switch (comp) {
    case 'single': {
      add(factory.ofAge(rng, county, refDay, singleAge(rng), headSex), '本人');
      break;
    }
    case 'couple': {
      const age = headAge(45, 86);
      const head = factory.ofAge(rng, county, refDay, age, 1);
      add(head, '本人');
      add(factory.ofAge(rng, county, refDay, age - rng.range(-2, 6), 2), '配偶');
      break;
    }
    case 'singleParent': {
      const age = headAge(26, 52);
      const head = factory.ofAge(rng, county, refDay, age, headSex);
      add(head, '本人');
      const n = rng.chance(0.6) ? 1 : 2;
      for (const a of childAges(rng, n, age)) add(factory.ofAge(rng, county, refDay, a, undefined, childSurname(head)), '子女');
      break;
    }
    case 'family': {
      const age = headAge(28, 55);
      const head = factory.ofAge(rng, county, refDay, age, 1);
      add(head, '本人');
      add(factory.ofAge(rng, county, refDay, age - rng.range(-2, 5), 2), '配偶');
      const n = rng.chance(0.55) ? 1 : rng.chance(0.75) ? 2 : 3;
      for (const a of childAges(rng, n, age)) add(factory.ofAge(rng, county, refDay, a, undefined, childSurname(head)), '子女');
      break;
    }
    case 'withParent': {
      const age = headAge(25, 58);
      const head = factory.ofAge(rng, county, refDay, age, headSex);
      add(head, '本人');
      const parentSex: 1 | 2 = rng.chance(0.4) ? 1 : 2;
      add(factory.ofAge(rng, county, refDay, Math.min(95, age + rng.range(22, 35)), parentSex, parentSex === 1 ? surnameOf(head.name) : undefined), '父母');
      break;
    }
    case 'grand': {
      const age = headAge(55, 80);
      const head = factory.ofAge(rng, county, refDay, age, headSex);
      add(head, '本人');
      const n = rng.chance(0.65) ? 1 : 2;
      for (let i = 0; i < n; i++) add(factory.ofAge(rng, county, refDay, rng.range(3, 17), undefined, childSurname(head)), '孙子女');
      break;
    }
    case 'threeGen': {
      const age = headAge(32, 55);
      const head = factory.ofAge(rng, county, refDay, age, 1);
      add(head, '本人');
      add(factory.ofAge(rng, county, refDay, age - rng.range(-2, 5), 2), '配偶');
      add(factory.ofAge(rng, county, refDay, Math.min(95, age + rng.range(22, 33)), otherSex(1), undefined), '父母');
      const n = rng.chance(0.6) ? 1 : 2;
      for (const a of childAges(rng, n, age)) add(factory.ofAge(rng, county, refDay, a, undefined, surnameOf(head.name)), '子女');
      break;
    }
  }
  return kin;
}

/** A tekun person: mostly elderly, some disabled adults and a few orphaned minors. */
export function tekunPerson(rng: Rng, factory: PersonFactory, county: number, refDay: number): Person {
  const x = rng.next();
  const age = x < 0.05 ? rng.range(4, 17) : x < 0.2 ? rng.range(18, 59) : x < 0.55 ? rng.range(60, 74) : rng.range(75, 96);
  return factory.ofAge(rng, county, refDay, age, rng.chance(0.58) ? 1 : 2);
}

/** Age in whole years on a day. */
export function ageOn(person: Person, day: number): number {
  return Math.floor((day - person.birth) / YEAR);
}

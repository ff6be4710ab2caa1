// The fictional city: province code 99, city 990100000000, five counties, townships and villages.
import type { Rng } from './random';

export type RegionLevel = '市' | '区县' | '乡镇街道' | '村社区';
export type UrbanRural = '城镇' | '乡村' | '';

/** One row of the regions export (kind 1). */
export interface RegionRow {
  code: string;
  name: string;
  level: RegionLevel;
  parent: string;
  urbanRural: UrbanRural;
  population: number;
}

export interface County {
  index: number;
  /** 12-digit code, e.g. 990102000000 */
  code: string;
  /** first 6 digits, e.g. 990102 */
  code6: string;
  name: string;
  isDistrict: boolean;
  population: number;
  /** relative poverty incidence used to place recipients */
  povertyFactor: number;
}

export interface Township {
  code: string;
  name: string;
  county: number;
  kind: '街道' | '镇' | '乡';
}

export interface Village {
  index: number;
  code: string;
  name: string;
  county: number;
  township: string;
  /** 社区 (urban) or 村 (rural) */
  urban: boolean;
  population: number;
}

export interface RegionTree {
  city: RegionRow;
  counties: County[];
  townships: Township[];
  villages: Village[];
  /** all rows, sorted by code (city, county, its townships each followed by its villages) */
  rows: RegionRow[];
  codes: Set<string>;
}

export const CITY_CODE = '990100000000';
export const CITY_NAME = '示例市（示例数据）';

interface CountySpec {
  suffix: string;
  name: string;
  district: boolean;
  povertyFactor: number;
}

const COUNTY_SPECS: CountySpec[] = [
  { suffix: '02', name: '东湖区', district: true, povertyFactor: 0.75 },
  { suffix: '03', name: '南城区', district: true, povertyFactor: 0.95 },
  { suffix: '21', name: '西山县', district: false, povertyFactor: 1.35 },
  { suffix: '22', name: '北岭县', district: false, povertyFactor: 1.15 },
  { suffix: '23', name: '青河县', district: false, povertyFactor: 1.05 },
];

const FIRST = Array.from('东西南北中新大小金银石青红白黄柳杨桃梅松竹兰龙凤马鹿花田河湖山峰岭溪泉桥塘林沙和安平顺兴福康宁永长清明光丰华太春秋桂荷莲玉翠碧云高龙双三五七九');
const RURAL_SECOND = Array.from('湖山河桥庄园坪岭口湾塘溪林坡田沟阳门堡寨营店铺冲洲渡港源峪滩');
const URBAN_SECOND = Array.from('苑园里路街府城湾庭景华台坊阁门桥湖苑都馨');
const TOWNSHIP_SECOND = Array.from('湖山河桥庄园坪岭口湾塘溪林坡田阳城门堡关集店铺洲渡港');

const pad3 = (n: number): string => String(n).padStart(3, '0');

/** Builds the region tree; populations total about 1.6 million × scale. */
export function buildRegions(rng: Rng, scale: number): RegionTree {
  const usedNames = new Set<string>();
  const uniqueName = (second: string[], suffix: string): string => {
    for (;;) {
      const name = rng.pick(FIRST) + rng.pick(second) + suffix;
      if (!usedNames.has(name)) {
        usedNames.add(name);
        return name;
      }
    }
  };

  const counties: County[] = [];
  const townships: Township[] = [];
  const villages: Village[] = [];

  COUNTY_SPECS.forEach((spec, countyIndex) => {
    const code6 = '9901' + spec.suffix;
    counties.push({
      index: countyIndex,
      code: code6 + '000000',
      code6,
      name: spec.name,
      isDistrict: spec.district,
      population: 0,
      povertyFactor: spec.povertyFactor,
    });
    const townshipCount = rng.range(10, 14);
    let streetNo = 1;
    let townNo = 100;
    let xiangNo = 200;
    for (let t = 0; t < townshipCount; t++) {
      let kind: Township['kind'];
      let code3: string;
      if (spec.district) {
        kind = '街道';
        code3 = pad3(streetNo++);
      } else if (t === 0 || t < townshipCount - 3 || rng.chance(0.3)) {
        kind = '镇';
        code3 = pad3(townNo++);
      } else {
        kind = '乡';
        code3 = pad3(xiangNo++);
      }
      const townshipCode = code6 + code3 + '000';
      townships.push({ code: townshipCode, name: uniqueName(TOWNSHIP_SECOND, kind), county: countyIndex, kind });
      // share of communities (社区) among the township's villages
      let urbanShare: number;
      if (spec.district) urbanShare = t < Math.ceil(townshipCount * 0.6) ? 1 : 0.3;
      else if (t === 0) urbanShare = 0.7;
      else urbanShare = kind === '镇' ? 0.12 : 0;
      const villageCount = rng.range(8, 12);
      let communityNo = 1;
      let villageNo = 200;
      for (let v = 0; v < villageCount; v++) {
        const urban = v === 0 ? urbanShare > 0 : rng.chance(urbanShare);
        const code = townshipCode.slice(0, 9) + pad3(urban ? communityNo++ : villageNo++);
        const name = urban ? uniqueName(URBAN_SECOND, '社区') : uniqueName(RURAL_SECOND, '村');
        // population holds a raw size weight until the allocation below
        const weight = urban ? rng.uniform(spec.district ? 4000 : 3000, spec.district ? 9000 : 7000) : rng.uniform(900, 3200);
        villages.push({ index: villages.length, code, name, county: countyIndex, township: townshipCode, urban, population: weight });
      }
    }
  });

  // Village codes within a township must be sorted: communities 001.., villages 200..
  const byCode = (a: { code: string }, b: { code: string }): number => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  villages.sort(byCode);
  townships.sort(byCode);
  villages.forEach((v, i) => (v.index = i));

  // Allocate the total population over villages (largest remainder), then sum upwards.
  const total = Math.max(villages.length * 20, Math.round(1_600_000 * scale * rng.uniform(0.99, 1.02)));
  const weightSum = villages.reduce((a, v) => a + v.population, 0);
  const shares = villages.map((v) => (v.population / weightSum) * total);
  let assigned = 0;
  villages.forEach((v, i) => {
    v.population = Math.max(10, Math.floor(shares[i]!));
    assigned += v.population;
  });
  const byRemainder = villages.map((_, i) => i).sort((a, b) => (shares[b]! % 1) - (shares[a]! % 1) || a - b);
  for (let k = 0; assigned < total; k = (k + 1) % byRemainder.length) {
    villages[byRemainder[k]!]!.population++;
    assigned++;
  }

  const townshipPop = new Map<string, number>();
  for (const v of villages) {
    townshipPop.set(v.township, (townshipPop.get(v.township) ?? 0) + v.population);
    counties[v.county]!.population += v.population;
  }
  const cityPop = counties.reduce((a, c) => a + c.population, 0);

  const city: RegionRow = { code: CITY_CODE, name: CITY_NAME, level: '市', parent: '', urbanRural: '', population: cityPop };
  const rows: RegionRow[] = [city];
  for (const county of counties) {
    rows.push({
      code: county.code,
      name: county.name,
      level: '区县',
      parent: CITY_CODE,
      urbanRural: county.isDistrict ? '城镇' : '乡村',
      population: county.population,
    });
    for (const t of townships.filter((x) => x.county === county.index)) {
      const seatOrStreet = t.kind === '街道' || t.code.slice(6, 9) === '100';
      rows.push({
        code: t.code,
        name: t.name,
        level: '乡镇街道',
        parent: county.code,
        urbanRural: seatOrStreet ? '城镇' : '乡村',
        population: townshipPop.get(t.code) ?? 0,
      });
      for (const v of villages.filter((x) => x.township === t.code)) {
        rows.push({ code: v.code, name: v.name, level: '村社区', parent: t.code, urbanRural: v.urban ? '城镇' : '乡村', population: v.population });
      }
    }
  }
  return { city, counties, townships, villages, rows, codes: new Set(rows.map((r) => r.code)) };
}

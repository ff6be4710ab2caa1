// Administrative levels from 12-digit region codes (2 province, 2 city,
// 2 county, 3 township, 3 village digits) and the level a region's page ranks.

import { VIEW } from './indicators';

export type RegionLevel = 'province' | 'city' | 'county' | 'township' | 'village';

export function regionLevel(code: string): RegionLevel | null {
  if (!/^\d{12}$/.test(code)) return null;
  if (code.endsWith('0000000000')) return 'province';
  if (code.endsWith('00000000')) return 'city';
  if (code.endsWith('000000')) return 'county';
  if (code.endsWith('000')) return 'township';
  return 'village';
}

export interface RankingLevel {
  /** The level ranked, e.g. counties for a city. */
  level: 'city' | 'county' | 'township';
  label: string;
  codeDimension: string;
  nameDimension: string;
}

const RANKING_LEVELS: Record<RankingLevel['level'], RankingLevel> = {
  city: { level: 'city', label: '市', codeDimension: `${VIEW}.city_code`, nameDimension: `${VIEW}.city_name` },
  county: { level: 'county', label: '区县', codeDimension: `${VIEW}.county_code`, nameDimension: `${VIEW}.county_name` },
  township: { level: 'township', label: '乡镇（街道）', codeDimension: `${VIEW}.township_code`, nameDimension: `${VIEW}.township_name` },
};

/**
 * The sub-regions a region's leaders compare: counties for a city (the usual
 * case), townships for a county, cities for a province; none below a township.
 * An unrecognised code is taken as a city.
 */
export function rankingLevelFor(regionCode: string): RankingLevel | null {
  switch (regionLevel(regionCode)) {
    case 'province':
      return RANKING_LEVELS.city;
    case 'county':
      return RANKING_LEVELS.township;
    case 'township':
    case 'village':
      return null;
    case 'city':
    case null:
      return RANKING_LEVELS.county;
  }
}

export const CITY_NAME_DIMENSION = `${VIEW}.city_name`;

/** Sample (synthetic) data is marked by its city name. */
export function isSampleData(...names: readonly (string | null | undefined)[]): boolean {
  return names.some((n) => typeof n === 'string' && n.includes('示例数据'));
}

/** Label of the whole region's value on ranking charts: 全市 for a city. */
export function referenceLabelFor(regionCode: string): string {
  switch (regionLevel(regionCode)) {
    case 'province':
      return '全省';
    case 'county':
      return '全县（区）';
    default:
      return '全市';
  }
}

// The Cube queries behind the dashboard's pages. Pure builders, unit-tested.

import type { Filter, Query } from '@cubejs-client/core';
import { QUERY_MEASURES, TIME_DIMENSION, VIEW } from './indicators';
import { type Granularity, type Period, periodEnd, periodStart, searchDateRange } from './period';
import { CITY_NAME_DIMENSION, type RankingLevel } from './regions';

/** The dateRange of exactly one period. */
export function periodRange(period: Period): [string, string] {
  return [periodStart(period), periodEnd(period)];
}

/**
 * A view's trend: `measures` per period of granularity `g` over the search
 * range (whole years up to this one). It gives the cards their values and
 * 环比/同比 comparisons and draws the trends; picking another period of the
 * same granularity does not reload it.
 */
export function buildViewTrendQuery(view: string, measures: readonly string[], granularity: Granularity, today: Date): Query {
  return {
    measures: [...measures],
    timeDimensions: [{ dimension: `${view}.month`, granularity, dateRange: searchDateRange(today) }],
  };
}

/** `measures` of one period, optionally grouped by `dimensions` and filtered. */
export function buildPeriodQuery(
  view: string,
  measures: readonly string[],
  period: Period,
  dimensions: readonly string[] = [],
  filters: readonly Filter[] = [],
): Query {
  const query: Query = {
    measures: [...measures],
    timeDimensions: [{ dimension: `${view}.month`, granularity: period.granularity, dateRange: periodRange(period) }],
  };
  if (dimensions.length > 0) query.dimensions = [...dimensions];
  if (filters.length > 0) query.filters = [...filters];
  return query;
}

/** The code and name members of a ranking level in `view` (`temp_relief.county_code`, …). */
export function levelMembers(view: string, level: RankingLevel): { code: string; name: string } {
  return { code: `${view}.${level.level}_code`, name: `${view}.${level.level}_name` };
}

/**
 * Sub-regions (counties for a city) of a view for one period. The city name
 * comes along on views that have it, to tell sample data apart.
 */
export function buildViewRankingQuery(view: string, measures: readonly string[], period: Period, level: RankingLevel, withCityName = true): Query {
  const { code, name } = levelMembers(view, level);
  const dimensions = [code, name];
  if (withCityName && level.level !== 'city') dimensions.push(`${view}.city_name`);
  return buildPeriodQuery(view, measures, period, dimensions);
}

/**
 * (1) The leadership page's city trend, which also lists the periods with data
 * for the period picker every page shares.
 */
export function buildTrendQuery(granularity: Granularity, today: Date): Query {
  return {
    measures: [...QUERY_MEASURES],
    timeDimensions: [{ dimension: TIME_DIMENSION, granularity, dateRange: searchDateRange(today) }],
  };
}

/**
 * (2) Ranking: every headline measure per sub-region (counties for a city) for
 * the selected period. The city name comes along to tell sample data apart.
 */
export function buildRankingQuery(period: Period, level: RankingLevel): Query {
  const dimensions = [level.codeDimension, level.nameDimension];
  if (level.level !== 'city') dimensions.push(CITY_NAME_DIMENSION);
  return {
    measures: [...QUERY_MEASURES],
    dimensions,
    timeDimensions: [{ dimension: `${VIEW}.month`, granularity: period.granularity, dateRange: periodRange(period) }],
  };
}

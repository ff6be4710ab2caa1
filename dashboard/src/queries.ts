// The two Cube queries behind the leadership page. Pure builders, unit-tested.

import type { Query } from '@cubejs-client/core';
import { QUERY_MEASURES, TIME_DIMENSION } from './indicators';
import { type Granularity, type Period, periodEnd, periodStart, searchDateRange } from './period';
import { CITY_NAME_DIMENSION, type RankingLevel } from './regions';

/**
 * (1) City trend: every measure per period of granularity `g` over the search
 * range. It lists the periods with data (for the picker), draws the trend
 * charts and gives the cards their values and 环比/同比 comparisons. It does not
 * depend on the selected period, so picking another period does not reload it.
 */
export function buildTrendQuery(granularity: Granularity, today: Date): Query {
  return {
    measures: [...QUERY_MEASURES],
    timeDimensions: [{ dimension: TIME_DIMENSION, granularity, dateRange: searchDateRange(today) }],
  };
}

/**
 * (2) Ranking: every measure per sub-region (counties for a city) for the
 * selected period. The city name comes along to tell sample data apart.
 */
export function buildRankingQuery(period: Period, level: RankingLevel): Query {
  const dimensions = [level.codeDimension, level.nameDimension];
  if (level.level !== 'city') dimensions.push(CITY_NAME_DIMENSION);
  return {
    measures: [...QUERY_MEASURES],
    dimensions,
    timeDimensions: [
      { dimension: TIME_DIMENSION, granularity: period.granularity, dateRange: [periodStart(period), periodEnd(period)] },
    ],
  };
}

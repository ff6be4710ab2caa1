// 领导驾驶舱's data: the headline indicators of the selected period (from the
// shared city trend), their trends, and the sub-regions ranked.

import { useMemo } from 'react';
import { useSession } from '../../auth/SessionContext';
import { useCubeRows } from '../../data/useCube';
import { QUERY_MEASURES } from '../../indicators';
import { useSharedMeta } from '../../MetaContext';
import { buildCards, buildRankingInputs, buildTrendInputs } from '../../model';
import { useSharedPeriod } from '../../PeriodContext';
import { buildRankingQuery } from '../../queries';
import { CITY_NAME_DIMENSION, isSampleData, rankingLevelFor, referenceLabelFor } from '../../regions';
import { firstText, regionRows } from '../../results';

export function useLeadership() {
  const session = useSession();
  // The city trend of the headline indicators is the shared period source.
  const period = useSharedPeriod();
  const { byPeriod, periods, selected } = period;
  // /meta: titles, descriptions, units and directions of the members.
  const meta = useSharedMeta();
  const metaIndex = meta.index;

  // Sub-regions ranked for the selected period.
  const level = rankingLevelFor(session.region);
  const rankingQuery = useMemo(() => (selected && level ? buildRankingQuery(selected, level) : null), [selected, level]);
  const ranking = useCubeRows(rankingQuery);
  const regions = useMemo(
    () => (ranking.rows && level ? regionRows(ranking.rows, level.codeDimension, level.nameDimension, QUERY_MEASURES) : null),
    [ranking.rows, level],
  );
  const cityName = ranking.rows ? firstText(ranking.rows, CITY_NAME_DIMENSION) : null;

  const cards = useMemo(
    () => (byPeriod && selected && metaIndex ? buildCards(byPeriod, selected, metaIndex) : null),
    [byPeriod, selected, metaIndex],
  );
  const trendInputs = useMemo(
    () => (byPeriod && selected && metaIndex ? buildTrendInputs(byPeriod, selected, periods.at(-1) ?? null, metaIndex) : null),
    [byPeriod, selected, periods, metaIndex],
  );
  const referenceLabel = referenceLabelFor(session.region);
  const rankingInputs = useMemo(
    () => (regions && byPeriod && selected && metaIndex ? buildRankingInputs(regions, byPeriod, selected, metaIndex, referenceLabel) : null),
    [regions, byPeriod, selected, metaIndex, referenceLabel],
  );

  return {
    period,
    meta,
    sample: isSampleData(session.regionName, cityName),
    level,
    referenceLabel,
    cards,
    trendInputs,
    rankingInputs,
    rankingError: ranking.error,
    refetchRanking: ranking.refetch,
  };
}

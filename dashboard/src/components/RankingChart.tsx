import { useMemo } from 'react';
import { EChart } from '../charts/EChart';
import { type RankingInput, buildRankingOption, rankingChartHeight } from '../charts/ranking';

/** `input` should be memoised by the caller: a new object redraws the chart. */
export function RankingChart({ input }: { input: RankingInput }) {
  const option = useMemo(() => buildRankingOption(input), [input]);
  return (
    <EChart
      option={option}
      height={rankingChartHeight(input.regions.length)}
      ariaLabel={`${input.title}排名图，共 ${input.regions.length} 个地区`}
    />
  );
}

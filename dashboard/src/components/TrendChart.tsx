import { useMemo } from 'react';
import { EChart } from '../charts/EChart';
import { type TrendInput, buildTrendOption } from '../charts/trend';
import { formatValue } from '../format';
import { periodLabel, samePeriod } from '../period';

/** `input` should be memoised by the caller: a new object redraws the chart. */
export function TrendChart({ input }: { input: TrendInput }) {
  const option = useMemo(() => buildTrendOption(input), [input]);
  const selected = input.points.find((p) => samePeriod(p.period, input.selected)) ?? input.points.at(-1);
  const aria = `${input.title}趋势图${selected ? `，${periodLabel(selected.period)}为 ${formatValue(selected.value, input.unit)}` : ''}`;
  return <EChart option={option} height={260} ariaLabel={aria} />;
}

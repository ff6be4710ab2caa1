import { useMemo } from 'react';
import { type BarInput, type BarItem, barChartHeight, buildBarOption, orderedBars } from '../charts/bars';
import { type ChartClick, EChart } from '../charts/EChart';
import { formatValue } from '../format';

/** `input` should be memoised by the caller: a new object redraws the chart. */
export function BarChart({ input, onSelect }: { input: BarInput; onSelect?: (bar: BarItem) => void }) {
  const option = useMemo(() => buildBarOption({ ...input, clickable: onSelect != null }), [input, onSelect]);
  const bars = useMemo(() => orderedBars(input), [input]);
  const aria = `${input.title}：${bars.map((b) => `${b.name} ${formatValue(b.value, input.unit)}`).join('，')}`;
  const click = onSelect
    ? ({ dataIndex, axisValue }: ChartClick) => {
        const bar = dataIndex != null ? bars[dataIndex] : bars.find((b) => b.name === axisValue);
        if (bar) onSelect(bar);
      }
    : undefined;
  return <EChart option={option} height={barChartHeight(bars.length)} ariaLabel={aria} onClick={click} />;
}

// Trend line of one indicator over the trend window, the selected period highlighted.

import { formatAxisValue, formatValue } from '../format';
import { type Period, periodAxisLabel, periodLabel, samePeriod } from '../period';
import { FONT_FAMILY, baseChartOption, colors } from '../theme';
import type { ChartOption } from './types';

export interface TrendInput {
  title: string;
  unit: string;
  /** The window, oldest first; null values leave gaps. */
  points: readonly { period: Period; value: number | null }[];
  selected: Period;
  color: string;
  target?: number | null;
}

interface TooltipParam {
  dataIndex?: number;
}

export function buildTrendOption(input: TrendInput): ChartOption {
  const { title, unit, points, selected, color } = input;
  const categories = points.map((p) => periodAxisLabel(p.period));
  const selectedIndex = points.findIndex((p) => samePeriod(p.period, selected));
  const data = points.map((p, i) =>
    i === selectedIndex
      ? {
          value: p.value,
          symbol: 'circle',
          symbolSize: 10,
          itemStyle: { color, borderColor: colors.surface, borderWidth: 2 },
          label: {
            show: p.value != null,
            position: 'top' as const,
            formatter: () => formatValue(p.value, unit),
            color: colors.text,
            fontWeight: 'bold' as const,
            fontFamily: FONT_FAMILY,
          },
        }
      : { value: p.value },
  );

  const lines: { xAxis?: string; yAxis?: number; name: string; lineStyle: object; label: object }[] = [];
  if (selectedIndex >= 0) {
    lines.push({
      xAxis: categories[selectedIndex] ?? '',
      name: '所选统计期',
      lineStyle: { color: colors.reference, type: 'dashed', width: 1 },
      label: { show: false },
    });
  }
  if (input.target != null) {
    lines.push({
      yAxis: input.target,
      name: '目标',
      lineStyle: { color: colors.target, type: 'dotted', width: 1 },
      label: { formatter: `目标 ${formatValue(input.target, unit)}`, position: 'insideEndTop', color: colors.target, fontFamily: FONT_FAMILY },
    });
  }

  return {
    ...baseChartOption,
    color: [color],
    // room on the right for the selected (last) point's label, e.g. `1,346 元/人次`
    grid: { left: 8, right: 48, top: 36, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'axis',
      formatter: (params: unknown) => {
        const first = (Array.isArray(params) ? params[0] : params) as TooltipParam | undefined;
        const point = first?.dataIndex == null ? undefined : points[first.dataIndex];
        if (!point) return '';
        return `${periodLabel(point.period)}<br/>${title}：<b>${formatValue(point.value, unit)}</b>`;
      },
    },
    xAxis: {
      type: 'category',
      data: categories,
      boundaryGap: false,
      axisLine: { lineStyle: { color: colors.border } },
      axisTick: { show: false },
      axisLabel: { color: colors.textSecondary, hideOverlap: true },
    },
    yAxis: {
      type: 'value',
      name: unit,
      scale: true,
      // units such as 元/人·月 are longer than the axis labels: start at the axis and run right
      nameTextStyle: { color: colors.textMuted, align: 'left' },
      splitLine: { lineStyle: { color: colors.gridLine } },
      axisLabel: { color: colors.textSecondary, formatter: (v: number) => formatAxisValue(v, unit) },
    },
    series: [
      {
        type: 'line',
        name: title,
        data,
        smooth: false,
        connectNulls: false,
        showSymbol: true,
        symbolSize: 5,
        lineStyle: { width: 2, color },
        areaStyle: { color, opacity: 0.06 },
        markLine: { silent: true, symbol: 'none', data: lines },
      },
    ],
  };
}

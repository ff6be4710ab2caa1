// Sub-regions (counties) ranked on one indicator, best first, with the
// city-wide value as the reference line.

import { formatAxisValue, formatValue } from '../format';
import { FONT_FAMILY, baseChartOption, colors } from '../theme';
import type { ChartOption } from './types';

export interface RankedRegion {
  name: string;
  value: number | null;
}

export interface RankingInput {
  title: string;
  unit: string;
  higherIsBetter: boolean;
  regions: readonly RankedRegion[];
  /** The whole region's value (e.g. the city), drawn as a reference line. */
  referenceValue: number | null;
  referenceLabel: string;
  color: string;
  target?: number | null;
}

const collator = new Intl.Collator('zh-CN');

/** Best first (by `higherIsBetter`), ties by name, regions without data last. */
export function sortRegions<T extends RankedRegion>(regions: readonly T[], higherIsBetter: boolean): T[] {
  return [...regions].sort((a, b) => {
    if (a.value == null || b.value == null) {
      if (a.value == null && b.value == null) return collator.compare(a.name, b.name);
      return a.value == null ? 1 : -1;
    }
    const diff = higherIsBetter ? b.value - a.value : a.value - b.value;
    return diff || collator.compare(a.name, b.name);
  });
}

/** Whether `value` is worse than the reference. */
export function isBehind(value: number | null, reference: number | null, higherIsBetter: boolean): boolean {
  if (value == null || reference == null) return false;
  return higherIsBetter ? value < reference : value > reference;
}

/** Chart height in pixels for `count` bars. */
export function rankingChartHeight(count: number): number {
  return Math.max(200, 56 + count * 28);
}

interface TooltipParam {
  dataIndex?: number;
}

export function buildRankingOption(input: RankingInput): ChartOption {
  const { title, unit, higherIsBetter, referenceValue, color } = input;
  const sorted = sortRegions(input.regions, higherIsBetter);
  const ranked = sorted.filter((r) => r.value != null).length;

  const lines: { xAxis: number; name: string; lineStyle: object; label: object }[] = [];
  if (referenceValue != null) {
    lines.push({
      xAxis: referenceValue,
      name: input.referenceLabel,
      lineStyle: { color: colors.reference, type: 'dashed', width: 1.5 },
      label: {
        formatter: `${input.referenceLabel} ${formatValue(referenceValue, unit)}`,
        // the y axis is inverted, so the line starts at the top of the grid
        position: 'start',
        color: colors.reference,
        fontFamily: FONT_FAMILY,
      },
    });
  }
  if (input.target != null) {
    lines.push({
      xAxis: input.target,
      name: '目标',
      lineStyle: { color: colors.target, type: 'dotted', width: 1.5 },
      label: { formatter: `目标 ${formatValue(input.target, unit)}`, position: 'end', color: colors.target, fontFamily: FONT_FAMILY },
    });
  }

  return {
    ...baseChartOption,
    grid: { left: 8, right: 72, top: 28, bottom: 4, containLabel: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const first = (Array.isArray(params) ? params[0] : params) as TooltipParam | undefined;
        const region = first?.dataIndex == null ? undefined : sorted[first.dataIndex];
        if (!region) return '';
        const rank = region.value == null ? '' : `（第 ${first!.dataIndex! + 1} / ${ranked} 名）`;
        const reference = referenceValue == null ? '' : `<br/>${input.referenceLabel}：${formatValue(referenceValue, unit)}`;
        return `${region.name}${rank}<br/>${title}：<b>${formatValue(region.value, unit)}</b>${reference}`;
      },
    },
    xAxis: {
      type: 'value',
      name: unit,
      nameTextStyle: { color: colors.textMuted },
      splitLine: { lineStyle: { color: colors.gridLine } },
      axisLabel: { color: colors.textSecondary, formatter: (v: number) => formatAxisValue(v, unit), hideOverlap: true },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: sorted.map((r) => r.name),
      axisTick: { show: false },
      axisLine: { lineStyle: { color: colors.border } },
      axisLabel: {
        color: colors.text,
        formatter: (name: string, index: number) => (sorted[index]?.value == null ? `${name}（无数据）` : name),
      },
    },
    series: [
      {
        type: 'bar',
        name: title,
        barMaxWidth: 18,
        data: sorted.map((r) => ({
          value: r.value,
          itemStyle: {
            color: isBehind(r.value, referenceValue, higherIsBetter) ? colors.muted : color,
            borderRadius: [0, 3, 3, 0],
          },
        })),
        label: {
          show: true,
          position: 'right',
          color: colors.textSecondary,
          fontFamily: FONT_FAMILY,
          formatter: (p: { dataIndex: number }) => formatValue(sorted[p.dataIndex]?.value ?? null, unit),
        },
        markLine: { silent: true, symbol: 'none', data: lines },
      },
    ],
  };
}

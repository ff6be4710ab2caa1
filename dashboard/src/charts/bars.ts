// A breakdown of one period: horizontal bars, one per category (城市低保 /
// 农村低保, 预警等级, 致困原因, a county's findings …), each labelled with its
// value and, for amounts and counts, its share of the total.

import { formatAxisValue, formatNumber, formatValue, isRateUnit } from '../format';
import { FONT_FAMILY, baseChartOption, colors } from '../theme';
import type { ChartOption } from './types';

export interface BarExtra {
  label: string;
  value: number | null;
  unit: string;
}

export interface BarItem {
  name: string;
  value: number | null;
  /** Own colour (warning levels); otherwise the input's colour. */
  color?: string;
  /** More values of the category, shown in the tooltip (人次, 人均, 户数 …). */
  extras: readonly BarExtra[];
}

export interface BarInput {
  title: string;
  unit: string;
  /** Name of the bar length in the tooltip; defaults to the title. */
  valueTitle?: string;
  color: string;
  /** Show each bar's share of the total (never for rates). */
  showShare: boolean;
  /** `given`: bars in the order received; `value`: largest first. */
  sort: 'given' | 'value';
  bars: readonly BarItem[];
  /** A bar to stand out (the selected one); the others are drawn lighter. */
  highlight?: string | null;
  /** Bars (and their names) can be clicked. */
  clickable?: boolean;
}

/** The bars in display order. */
export function orderedBars(input: BarInput): BarItem[] {
  if (input.sort === 'given') return [...input.bars];
  return [...input.bars].sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity));
}

/** Sum of the bars' values, or null when shares do not apply. */
export function barsTotal(input: BarInput): number | null {
  if (!input.showShare || isRateUnit(input.unit)) return null;
  const values = input.bars.map((b) => b.value).filter((v): v is number => v != null);
  const total = values.reduce((a, b) => a + b, 0);
  return values.length > 0 && total > 0 ? total : null;
}

/** `23.6%` of the total; null without a total. */
export function formatShare(value: number | null, total: number | null): string | null {
  if (value == null || total == null || total <= 0) return null;
  return `${formatNumber((value / total) * 100, 1)}%`;
}

/** Chart height in pixels for `count` bars. */
export function barChartHeight(count: number): number {
  return Math.max(160, 48 + count * 34);
}

interface TooltipParam {
  dataIndex?: number;
}

export function buildBarOption(input: BarInput): ChartOption {
  const bars = orderedBars(input);
  const total = barsTotal(input);
  const valueTitle = input.valueTitle ?? input.title;
  const label = (bar: BarItem | undefined) => {
    if (!bar) return '';
    const share = formatShare(bar.value, total);
    return share ? `${formatValue(bar.value, input.unit)}（${share}）` : formatValue(bar.value, input.unit);
  };

  return {
    ...baseChartOption,
    grid: { left: 8, right: total == null ? 72 : 120, top: 12, bottom: 4, containLabel: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const first = (Array.isArray(params) ? params[0] : params) as TooltipParam | undefined;
        const bar = first?.dataIndex == null ? undefined : bars[first.dataIndex];
        if (!bar) return '';
        const lines = [`${bar.name}`, `${valueTitle}：<b>${label(bar)}</b>`];
        for (const e of bar.extras) lines.push(`${e.label}：${formatValue(e.value, e.unit)}`);
        return lines.join('<br/>');
      },
    },
    xAxis: {
      type: 'value',
      name: input.unit,
      nameTextStyle: { color: colors.textMuted },
      splitLine: { lineStyle: { color: colors.gridLine } },
      axisLabel: { color: colors.textSecondary, formatter: (v: number) => formatAxisValue(v, input.unit), hideOverlap: true },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: bars.map((b) => b.name),
      axisTick: { show: false },
      axisLine: { lineStyle: { color: colors.border } },
      axisLabel: { color: colors.text },
      // clicking a category name selects it like its bar
      triggerEvent: input.clickable === true,
    },
    series: [
      {
        type: 'bar',
        name: valueTitle,
        barMaxWidth: 20,
        cursor: input.clickable ? 'pointer' : 'default',
        data: bars.map((b) => ({
          value: b.value,
          itemStyle: {
            color: b.color ?? input.color,
            opacity: input.highlight == null || input.highlight === b.name ? 1 : 0.35,
            borderRadius: [0, 3, 3, 0],
          },
        })),
        label: {
          show: true,
          position: 'right',
          color: colors.textSecondary,
          fontFamily: FONT_FAMILY,
          formatter: (p: { dataIndex: number }) => label(bars[p.dataIndex]),
        },
      },
    ],
  };
}

import { describe, expect, it } from 'vitest';
import { buildRankingOption, isBehind, rankingChartHeight, sortRegions } from '../dashboard/src/charts/ranking';
import { buildTrendOption } from '../dashboard/src/charts/trend';
import { type Period, trendWindow } from '../dashboard/src/period';

// The builders return ECharts options; tests read them as plain data.
type Loose = any;

const month = (year: number, index: number): Period => ({ granularity: 'month', year, index });

describe('trend option', () => {
  const selected = month(2025, 6);
  const points = trendWindow(selected).map((period, i) => ({ period, value: i === 3 ? null : 20 + i * 0.1 }));
  const option: Loose = buildTrendOption({ title: '低收入人口覆盖率', unit: '%', points, selected, color: '#123456', target: 22 });
  const series = option.series[0];

  it('draws one line over the window with the unit on the value axis', () => {
    expect(series.type).toBe('line');
    expect(option.xAxis.data).toHaveLength(24);
    expect(option.xAxis.data[0]).toBe('2023-07');
    expect(option.xAxis.data[23]).toBe('2025-06');
    expect(option.yAxis.name).toBe('%');
    expect(option.yAxis.axisLabel.formatter(21.5)).toBe('21.5%');
    expect(option.textStyle.fontFamily).toContain('PingFang SC');
  });

  it('leaves gaps for missing values instead of zeros', () => {
    expect(series.data[3].value).toBeNull();
    expect(series.connectNulls).toBe(false);
  });

  it('highlights the selected period with a mark line and a labelled point', () => {
    const periodLine = series.markLine.data.find((d: Loose) => d.xAxis !== undefined);
    expect(periodLine.xAxis).toBe('2025-06');
    const last = series.data[23];
    expect(last.symbolSize).toBeGreaterThan(series.symbolSize);
    expect(last.label.show).toBe(true);
    expect(last.label.formatter()).toBe('22.30%');
    expect(series.data[22].label).toBeUndefined();
  });

  it('draws the target from meta as a horizontal line', () => {
    const targetLine = series.markLine.data.find((d: Loose) => d.yAxis !== undefined);
    expect(targetLine.yAxis).toBe(22);
    expect(targetLine.label.formatter).toBe('目标 22.00%');
  });

  it('shows the full period and formatted value in the tooltip', () => {
    expect(option.tooltip.formatter([{ dataIndex: 23 }])).toBe('2025年6月<br/>低收入人口覆盖率：<b>22.30%</b>');
    expect(option.tooltip.formatter([{ dataIndex: 3 }])).toContain('无数据');
  });

  it('omits the period line when the selection is outside the window', () => {
    const other: Loose = buildTrendOption({ title: 't', unit: '元', points, selected: month(2030, 1), color: '#000' });
    expect(other.series[0].markLine.data).toEqual([]);
  });
});

describe('ranking option', () => {
  const regions = [
    { name: '乙县', value: 3.1 },
    { name: '甲区', value: 4.2 },
    { name: '丙县', value: null },
    { name: '丁县', value: 3.9 },
  ];

  it('sorts best first, respecting higher_is_better, with missing values last', () => {
    expect(sortRegions(regions, true).map((r) => r.name)).toEqual(['甲区', '丁县', '乙县', '丙县']);
    expect(sortRegions(regions, false).map((r) => r.name)).toEqual(['乙县', '丁县', '甲区', '丙县']);
  });

  it('draws horizontal bars best at the top, with value labels and the city line', () => {
    const option: Loose = buildRankingOption({
      title: '低收入人口覆盖率',
      unit: '%',
      higherIsBetter: true,
      regions,
      referenceValue: 3.6,
      referenceLabel: '全市',
      color: '#1f5fbf',
    });
    expect(option.yAxis.type).toBe('category');
    expect(option.yAxis.inverse).toBe(true);
    expect(option.yAxis.data).toEqual(['甲区', '丁县', '乙县', '丙县']);
    expect(option.yAxis.axisLabel.formatter('丙县', 3)).toBe('丙县（无数据）');
    const series = option.series[0];
    expect(series.type).toBe('bar');
    expect(series.data.map((d: Loose) => d.value)).toEqual([4.2, 3.9, 3.1, null]);
    expect(series.label.show).toBe(true);
    expect(series.label.formatter({ dataIndex: 0 })).toBe('4.20%');
    expect(series.markLine.data).toHaveLength(1);
    expect(series.markLine.data[0].xAxis).toBe(3.6);
    expect(series.markLine.data[0].label.formatter).toBe('全市 3.60%');
    // regions behind the city are drawn in the muted colour
    expect(series.data[0].itemStyle.color).toBe('#1f5fbf');
    expect(series.data[2].itemStyle.color).not.toBe('#1f5fbf');
    expect(option.tooltip.formatter([{ dataIndex: 1 }])).toBe('丁县（第 2 / 3 名）<br/>低收入人口覆盖率：<b>3.90%</b><br/>全市：3.60%');
  });

  it('works without a city value, and for lower-is-better amounts', () => {
    const option: Loose = buildRankingOption({
      title: '临时救助人均救助水平',
      unit: '元',
      higherIsBetter: false,
      regions: [
        { name: 'A', value: 1500 },
        { name: 'B', value: 1200 },
      ],
      referenceValue: null,
      referenceLabel: '全市',
      color: '#000',
    });
    expect(option.yAxis.data).toEqual(['B', 'A']);
    expect(option.series[0].markLine.data).toEqual([]);
    expect(option.series[0].label.formatter({ dataIndex: 1 })).toBe('1,500 元');
  });

  it('knows which regions are behind and how tall the chart is', () => {
    expect(isBehind(3, 4, true)).toBe(true);
    expect(isBehind(3, 4, false)).toBe(false);
    expect(isBehind(null, 4, true)).toBe(false);
    expect(rankingChartHeight(2)).toBe(200);
    expect(rankingChartHeight(12)).toBe(56 + 12 * 28);
  });
});

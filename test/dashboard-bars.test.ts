// The breakdown bar chart's option builder, read as plain data.
import { describe, expect, it } from 'vitest';
import { type BarInput, barChartHeight, barsTotal, buildBarOption, formatShare, orderedBars } from '../dashboard/src/charts/bars';

type Loose = any;

const input: BarInput = {
  title: '临时救助金额（按致困原因）',
  unit: '元',
  valueTitle: '临时救助金额',
  color: '#1f5fbf',
  showShare: true,
  sort: 'value',
  bars: [
    { name: '意外事故', value: 1000, extras: [{ label: '临时救助人次', value: 2, unit: '人次' }] },
    { name: '疾病', value: 3000, extras: [{ label: '临时救助人次', value: 5, unit: '人次' }] },
    { name: '其他', value: null, extras: [] },
  ],
};

describe('bar option', () => {
  const option: Loose = buildBarOption(input);
  const series = option.series[0];

  it('orders bars largest first (missing last) or as given', () => {
    expect(orderedBars(input).map((b) => b.name)).toEqual(['疾病', '意外事故', '其他']);
    expect(orderedBars({ ...input, sort: 'given' }).map((b) => b.name)).toEqual(['意外事故', '疾病', '其他']);
    expect(option.yAxis.data).toEqual(['疾病', '意外事故', '其他']);
    expect(option.yAxis.inverse).toBe(true);
  });

  it('labels each bar with its value and share of the total', () => {
    expect(barsTotal(input)).toBe(4000);
    expect(series.label.formatter({ dataIndex: 0 })).toBe('3,000 元（75.0%）');
    expect(series.label.formatter({ dataIndex: 2 })).toBe('无数据');
    expect(formatShare(1, 3)).toBe('33.3%');
    expect(formatShare(null, 3)).toBeNull();
  });

  it('never shows shares of rates, nor without a positive total', () => {
    expect(barsTotal({ ...input, unit: '%' })).toBeNull();
    expect(barsTotal({ ...input, showShare: false })).toBeNull();
    expect(barsTotal({ ...input, bars: [{ name: 'a', value: 0, extras: [] }] })).toBeNull();
    const rate: Loose = buildBarOption({ ...input, unit: '%', bars: [{ name: 'a', value: 12.5, extras: [] }] });
    expect(rate.series[0].label.formatter({ dataIndex: 0 })).toBe('12.50%');
  });

  it('shows the extras in the tooltip', () => {
    expect(option.tooltip.formatter([{ dataIndex: 1 }])).toBe('意外事故<br/>临时救助金额：<b>1,000 元（25.0%）</b><br/>临时救助人次：2 人次');
    expect(option.tooltip.formatter([{}])).toBe('');
  });

  it('uses a bar’s own colour, and dims the others when one is highlighted', () => {
    const coloured: Loose = buildBarOption({ ...input, sort: 'given', bars: [{ name: '红', value: 1, color: '#d93025', extras: [] }, { name: '蓝', value: 2, extras: [] }], highlight: '蓝' });
    expect(coloured.series[0].data[0].itemStyle).toMatchObject({ color: '#d93025', opacity: 0.35 });
    expect(coloured.series[0].data[1].itemStyle).toMatchObject({ color: '#1f5fbf', opacity: 1 });
    expect(series.data.every((d: Loose) => d.itemStyle.opacity === 1)).toBe(true);
  });

  it('makes bars and names clickable only when asked', () => {
    expect(series.cursor).toBe('default');
    expect(option.yAxis.triggerEvent).toBe(false);
    const clickable: Loose = buildBarOption({ ...input, clickable: true });
    expect(clickable.series[0].cursor).toBe('pointer');
    expect(clickable.yAxis.triggerEvent).toBe(true);
  });

  it('grows with the number of bars', () => {
    expect(barChartHeight(2)).toBe(160);
    expect(barChartHeight(10)).toBeGreaterThan(barChartHeight(5));
  });
});

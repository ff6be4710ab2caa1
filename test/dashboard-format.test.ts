import { describe, expect, it } from 'vitest';
import {
  changeDirection,
  changeTone,
  computeChange,
  formatAxisValue,
  formatChange,
  formatNumber,
  formatValue,
  splitValue,
} from '../dashboard/src/format';

describe('formatValue', () => {
  it('formats amounts, rates and counts the way notices write them', () => {
    expect(formatValue(1282.87, '元')).toBe('1,283 元');
    expect(formatValue(21.8139, '%')).toBe('21.81%');
    expect(formatValue(34856, '人')).toBe('34,856 人');
    expect(formatValue(3035, '人次')).toBe('3,035 人次');
    expect(formatValue(1603000, '人')).toBe('1,603,000 人');
    expect(formatValue(0, '%')).toBe('0.00%');
  });

  it('shows 无数据 for missing values', () => {
    expect(formatValue(null, '%')).toBe('无数据');
    expect(formatValue(undefined, '元')).toBe('无数据');
    expect(formatValue(Number.NaN, '人')).toBe('无数据');
  });

  it('never prints a negative zero', () => {
    expect(formatNumber(-0.2)).toBe('0');
    expect(formatNumber(-0.001, 2)).toBe('0.00');
    expect(formatNumber(-1234.5, 1)).toBe('-1,234.5');
  });

  it('splits the number from its unit for the cards', () => {
    expect(splitValue(3.8191, '%')).toEqual({ number: '3.82', unit: '%' });
    expect(splitValue(1283.2, '元')).toEqual({ number: '1,283', unit: '元' });
    expect(splitValue(null, '元')).toEqual({ number: '无数据', unit: '' });
  });

  it('keeps axis labels short', () => {
    expect(formatAxisValue(20, '%')).toBe('20%');
    expect(formatAxisValue(22.5, '%')).toBe('22.5%');
    expect(formatAxisValue(4.05, '%')).toBe('4.05%');
    expect(formatAxisValue(4.1, '%')).toBe('4.1%');
    expect(formatAxisValue(1500, '元')).toBe('1,500');
    expect(formatAxisValue(1_600_000, '人')).toBe('160万');
  });
});

describe('changes', () => {
  it('measures rates in percentage points', () => {
    const change = computeChange(21.81, 21.46, '%');
    expect(change.kind).toBe('pp');
    expect(change.delta).toBeCloseTo(0.35, 10);
    expect(formatChange(change)).toBe('+0.35 个百分点');
    expect(formatChange(computeChange(21.46, 21.81, '%'))).toBe('-0.35 个百分点');
  });

  it('measures amounts in percent of the earlier value', () => {
    const change = computeChange(1283, 1256.62, '元');
    expect(change.kind).toBe('pct');
    expect(formatChange(change)).toBe('+2.1%');
    expect(formatChange(computeChange(900, 1000, '元'))).toBe('-10.0%');
  });

  it('has no change when either side is missing or the base is zero', () => {
    expect(computeChange(null, 21.5, '%').delta).toBeNull();
    expect(computeChange(21.5, null, '%').delta).toBeNull();
    expect(computeChange(100, 0, '元').delta).toBeNull();
    expect(formatChange(computeChange(21.5, null, '%'))).toBe('无数据');
    expect(changeDirection(computeChange(null, null, '元'))).toBeNull();
    // a rate moving from zero is still a change in points
    expect(computeChange(1.5, 0, '%').delta).toBeCloseTo(1.5, 10);
  });

  it('treats a change that rounds to zero as flat', () => {
    const change = computeChange(21.811, 21.809, '%');
    expect(changeDirection(change)).toBe('flat');
    expect(formatChange(change)).toBe('0.00 个百分点');
    expect(changeTone('flat', true)).toBe('neutral');
  });

  it('colours a change by whether higher is better', () => {
    expect(changeTone('up', true)).toBe('good');
    expect(changeTone('down', true)).toBe('bad');
    expect(changeTone('up', false)).toBe('bad');
    expect(changeTone('down', false)).toBe('good');
    expect(changeTone(null, true)).toBe('neutral');
    expect(changeTone('up')).toBe('good');
  });
});

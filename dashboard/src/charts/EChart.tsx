// The one component that owns an ECharts instance: created once, updated with
// `notMerge`, resized with its container, disposed on unmount.

import { useEffect, useLayoutEffect, useRef } from 'react';
import { type EChartsType, init, use as registerChartParts } from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ChartOption } from './types';

registerChartParts([LineChart, BarChart, GridComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

/** What was clicked: a data item (its index) or a category axis label (its text). */
export interface ChartClick {
  dataIndex: number | null;
  axisValue: string | null;
}

export interface EChartProps {
  option: ChartOption;
  height: number;
  /** Text alternative for screen readers. */
  ariaLabel: string;
  onClick?: (click: ChartClick) => void;
}

interface ClickParams {
  componentType?: string;
  dataIndex?: number;
  value?: unknown;
}

export function EChart({ option, height, ariaLabel, onClick }: EChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<EChartsType | null>(null);
  const onClickRef = useRef(onClick);
  useLayoutEffect(() => {
    onClickRef.current = onClick;
  });

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return undefined;
    const chart = init(container, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    chart.on('click', (params: ClickParams) => {
      const handler = onClickRef.current;
      if (!handler) return;
      if (params.componentType === 'series' && typeof params.dataIndex === 'number') handler({ dataIndex: params.dataIndex, axisValue: null });
      else if (params.componentType === 'yAxis' || params.componentType === 'xAxis') handler({ dataIndex: null, axisValue: String(params.value ?? '') });
    });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(container);
    return () => {
      observer.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    chartRef.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={containerRef} className="echart" style={{ height }} role="img" aria-label={ariaLabel} />;
}

// The frame of a page inside the layout: its heading (from the route table),
// the sample-data note, the shared period picker, the content and the footer.

import type { ReactNode } from 'react';
import { useSharedPeriod } from '../PeriodContext';
import { useCurrentRoute } from '../shell/current-route';
import { PeriodPicker } from './PeriodPicker';

export interface PageShellProps {
  sample?: boolean;
  /** Show the statistical-period picker (the indicator pages); default true. */
  period?: boolean;
  children: ReactNode;
  footer?: string | null;
}

const DEFAULT_FOOTER = '指标口径以各指标 ⓘ 说明为准；环比为与上一统计期比较，同比为与上年同期比较。';

export function PageShell({ sample = false, period: showPeriod = true, children, footer = DEFAULT_FOOTER }: PageShellProps) {
  const route = useCurrentRoute();
  return (
    <>
      {sample && (
        <div className="sample-banner" role="note">
          当前显示的是<strong>示例数据</strong>（系统生成，仅供演示），不代表真实情况。
        </div>
      )}
      <main className="content" data-testid={`page-${route?.key ?? 'unknown'}`}>
        <div className="toolbar">
          <h2 className="page-title">
            {route?.title}
            {sample && (
              <span className="badge badge--sample" data-testid="sample-data-badge">
                示例数据
              </span>
            )}
          </h2>
          {showPeriod && <SharedPeriodPicker />}
        </div>
        {children}
      </main>
      {footer && <footer className="app-footer">{footer}</footer>}
    </>
  );
}

function SharedPeriodPicker() {
  const period = useSharedPeriod();
  return (
    <PeriodPicker
      granularity={period.granularity}
      onGranularityChange={period.setGranularity}
      periods={period.periods}
      selected={period.selected}
      onPeriodChange={period.selectPeriod}
      loading={period.loading}
    />
  );
}

// The frame of every page: header with the navigation, the sample-data note,
// the shared period picker, the page's content and the footer.

import { type ReactNode, useEffect } from 'react';
import { type Session, roleTitle } from '../api/token';
import type { Navigation } from '../navigation';
import { periodLabel } from '../period';
import { useSharedPeriod } from '../PeriodContext';
import { Header } from './Header';
import { PeriodPicker } from './PeriodPicker';

export interface PageShellProps {
  session: Session;
  navigation: Navigation;
  sample: boolean;
  children: ReactNode;
  footer?: string;
}

const DEFAULT_FOOTER = '指标口径以各指标 ⓘ 说明为准；环比为与上一统计期比较，同比为与上年同期比较。';

export function PageShell({ session, navigation, sample, children, footer = DEFAULT_FOOTER }: PageShellProps) {
  const period = useSharedPeriod();
  const pageTitle = navigation.page.key === 'leadership' ? '社会救助领导驾驶舱' : `${navigation.page.title} · 社会救助领导驾驶舱`;
  useEffect(() => {
    document.title = pageTitle;
  }, [pageTitle]);
  return (
    <div className="app">
      <Header
        regionName={session.regionName}
        sample={sample}
        periodText={period.selected ? periodLabel(period.selected) : null}
        roleText={session.role ? roleTitle(session.role) : null}
        current={navigation.page.key}
        search={navigation.search}
        onNavigate={navigation.navigate}
      />
      {sample && (
        <div className="sample-banner" role="note">
          当前显示的是<strong>示例数据</strong>（系统生成，仅供演示），不代表真实情况。
        </div>
      )}
      <main className="content" data-testid={`page-${navigation.page.key}`}>
        <div className="toolbar">
          <h2 className="page-title">{navigation.page.title}</h2>
          <PeriodPicker
            granularity={period.granularity}
            onGranularityChange={period.setGranularity}
            periods={period.periods}
            selected={period.selected}
            onPeriodChange={period.selectPeriod}
            loading={period.loading}
          />
        </div>
        {children}
      </main>
      <footer className="app-footer">{footer}</footer>
    </div>
  );
}

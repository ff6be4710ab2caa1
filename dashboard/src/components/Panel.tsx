import type { ReactNode } from 'react';
import { InfoTip } from './InfoTip';

export interface PanelProps {
  title: string;
  subtitle?: string;
  info?: string;
  children: ReactNode;
  testId?: string;
}

/** A titled white box holding one chart. */
export function Panel({ title, subtitle, info, children, testId }: PanelProps) {
  return (
    <section className="panel" data-testid={testId}>
      <header className="panel__header">
        <h3>{title}</h3>
        {info && <InfoTip text={info} label={title} />}
        {subtitle && <span className="panel__subtitle">{subtitle}</span>}
      </header>
      <div className="panel__body">{children}</div>
    </section>
  );
}

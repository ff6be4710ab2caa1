import {
  NO_DATA,
  changeDirection,
  changeTone,
  computeChange,
  directionArrow,
  formatChange,
  formatValue,
  splitValue,
} from '../format';
import { KIND_LABELS, type MemberMeta } from '../indicators';
import type { Granularity } from '../period';
import { InfoTip } from './InfoTip';

export interface IndicatorCardProps {
  /** The card's `data-testid` is `indicator-card-<key>`. */
  indicatorKey: string;
  meta: MemberMeta;
  /** Numerator and denominator of a ratio, shown under the value; counts have none. */
  numeratorMeta?: MemberMeta | null;
  denominatorMeta?: MemberMeta | null;
  value: number | null;
  numerator?: number | null;
  denominator?: number | null;
  /** Value in the previous period (环比) and the same period last year (同比). */
  previous: number | null;
  lastYear: number | null;
  granularity: Granularity;
  color: string;
  /** Variants in small print, e.g. the person-level share. */
  related?: readonly { meta: MemberMeta; value: number | null; numerator: number | null; denominator: number | null }[];
}

function ChangeLine({ label, current, base, meta }: { label: string; current: number | null; base: number | null; meta: MemberMeta }) {
  const change = computeChange(current, base, meta.unit);
  const direction = changeDirection(change);
  // a count going up is neither good nor bad news: only members with a better direction are coloured
  const tone = meta.directional ? changeTone(direction, meta.higherIsBetter) : 'neutral';
  return (
    <div className={`change change--${tone}`} data-testid="indicator-change">
      <span className="change__label">{label}</span>
      {direction && <span className="change__arrow" aria-hidden="true">{directionArrow(direction)}</span>}
      <span className="change__value">{direction ? formatChange(change) : NO_DATA}</span>
    </div>
  );
}

export function IndicatorCard(props: IndicatorCardProps) {
  const { meta, numeratorMeta, denominatorMeta, value, granularity } = props;
  const main = splitValue(value, meta.unit);
  return (
    <article className="card indicator-card" data-testid={`indicator-card-${props.indicatorKey}`} style={{ borderTopColor: props.color }}>
      <header className="indicator-card__header">
        <h2>{meta.title}</h2>
        <InfoTip text={meta.description} label={meta.title} />
        {meta.kind && <span className="tag">{KIND_LABELS[meta.kind]}</span>}
      </header>
      <div className="indicator-card__value">
        <span data-testid="indicator-value" className={value == null ? 'value value--empty' : 'value'}>
          {main.number}
          {main.unit && <span className="value__unit">{main.unit}</span>}
        </span>
      </div>
      {numeratorMeta && denominatorMeta && (
        <div className="indicator-card__parts" title={`${numeratorMeta.title} / ${denominatorMeta.title}`}>
          <span>{formatValue(props.numerator, numeratorMeta.unit)}</span>
          <span className="indicator-card__slash">/</span>
          <span>{formatValue(props.denominator, denominatorMeta.unit)}</span>
        </div>
      )}
      {props.related && props.related.length > 0 && (
        <ul className="indicator-card__related">
          {props.related.map((r) => (
            <li
              key={r.meta.name}
              title={[r.meta.description, r.numerator != null || r.denominator != null ? `${formatValue(r.numerator, '')} / ${formatValue(r.denominator, '')}` : '']
                .filter(Boolean)
                .join('\n')}
            >
              <span>{r.meta.title}</span>
              <b>{formatValue(r.value, r.meta.unit)}</b>
            </li>
          ))}
        </ul>
      )}
      <div className="indicator-card__changes">
        {granularity !== 'year' && <ChangeLine label="环比" current={value} base={props.previous} meta={meta} />}
        <ChangeLine label={granularity === 'year' ? '同比（较上年）' : '同比'} current={value} base={props.lastYear} meta={meta} />
      </div>
      {meta.target != null && <div className="indicator-card__target">目标：{formatValue(meta.target, meta.unit)}</div>}
    </article>
  );
}

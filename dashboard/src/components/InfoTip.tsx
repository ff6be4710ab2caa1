import { useId } from 'react';

/** A small ⓘ that shows an indicator's definition on hover or keyboard focus. */
export function InfoTip({ text, label }: { text: string; label: string }) {
  const id = useId();
  if (!text) return null;
  return (
    <span className="info-tip">
      <button type="button" className="info-tip__icon" aria-label={`${label}的口径说明`} aria-describedby={id}>
        ⓘ
      </button>
      <span role="tooltip" id={id} className="info-tip__text">
        {text}
      </span>
    </span>
  );
}

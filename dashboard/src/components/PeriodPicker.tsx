import { GRANULARITIES, GRANULARITY_LABELS, type Granularity, type Period, periodKey, periodLabel } from '../period';

export interface PeriodPickerProps {
  granularity: Granularity;
  onGranularityChange: (g: Granularity) => void;
  /** Periods with data, newest first. */
  periods: readonly Period[];
  selected: Period | null;
  onPeriodChange: (key: string) => void;
  loading: boolean;
}

export function PeriodPicker({ granularity, onGranularityChange, periods, selected, onPeriodChange, loading }: PeriodPickerProps) {
  return (
    <div className="period-picker">
      <div className="segmented" role="group" aria-label="统计粒度">
        {GRANULARITIES.map((g) => (
          <button
            key={g}
            type="button"
            className={g === granularity ? 'segmented__item segmented__item--active' : 'segmented__item'}
            aria-pressed={g === granularity}
            data-testid={`granularity-${g}`}
            onClick={() => onGranularityChange(g)}
          >
            {GRANULARITY_LABELS[g]}
          </button>
        ))}
      </div>
      <label className="period-picker__select">
        <span>统计期</span>
        <select
          data-testid="period-select"
          value={selected ? periodKey(selected) : ''}
          disabled={loading || periods.length === 0}
          onChange={(e) => onPeriodChange(e.target.value)}
        >
          {periods.length === 0 && <option value="">{loading ? '加载中…' : '无可选统计期'}</option>}
          {periods.map((p) => (
            <option key={periodKey(p)} value={periodKey(p)}>
              {periodLabel(p)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

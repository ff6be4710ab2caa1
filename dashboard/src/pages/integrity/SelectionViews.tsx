// The choices of 数据比对: the selection bar, the table of checks and the
// bars of sub-regions (with a button per region for keyboards).

import { useMemo } from 'react';
import type { BarInput } from '../../charts/bars';
import { BarChart } from '../../components/BarChart';
import { formatValue } from '../../format';
import { type MetaIndex, memberMeta } from '../../indicators';
import { type CheckRow, INTEGRITY, type IntegritySelection, type RegionCountRow, hasSelection } from '../../integrity';
import type { RankingLevel } from '../../regions';
import { colors, seriesColor } from '../../theme';

export function SelectionBar({ selection, onClear }: { selection: IntegritySelection; onClear: (part: 'check' | 'region') => void }) {
  if (!hasSelection(selection)) return null;
  return (
    <div className="chips" data-testid="integrity-selection">
      <span className="chips__label">已选：</span>
      {selection.check && (
        <button type="button" className="chip chip--selected" onClick={() => onClear('check')} aria-label={`取消比对项目 ${selection.check.title}`}>
          {selection.check.title} <span aria-hidden="true">×</span>
        </button>
      )}
      {selection.region && (
        <button type="button" className="chip chip--selected" onClick={() => onClear('region')} aria-label={`取消 ${selection.region.name}`}>
          {selection.region.name} <span aria-hidden="true">×</span>
        </button>
      )}
    </div>
  );
}

export function CheckTable({
  rows,
  selection,
  metaIndex,
  onSelect,
}: {
  rows: readonly CheckRow[];
  selection: IntegritySelection;
  metaIndex: MetaIndex;
  onSelect: (row: CheckRow) => void;
}) {
  if (rows.length === 0) return <div className="panel__empty">本统计期无数据比对问题</div>;
  const title = (member: string) => memberMeta(metaIndex, member).title;
  const unit = (member: string) => memberMeta(metaIndex, member).unit;
  return (
    <table className="data-table data-table--clickable">
      <thead>
        <tr>
          <th>{title(INTEGRITY.checkTitle)}</th>
          <th className="num">{title(INTEGRITY.findings)}</th>
          <th className="num">{title(INTEGRITY.persons)}</th>
          <th className="num">{title(INTEGRITY.amount)}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const active = selection.check?.code === r.code;
          return (
            <tr key={r.code} className={active ? 'is-selected' : undefined} data-testid={`check-row-${r.code}`}>
              <td>
                <button type="button" className="link-button" aria-pressed={active} onClick={() => onSelect(r)}>
                  {r.title}
                </button>
              </td>
              <td className="num" data-testid="check-findings">
                {formatValue(r.findings, unit(INTEGRITY.findings))}
              </td>
              <td className="num">{formatValue(r.persons, unit(INTEGRITY.persons))}</td>
              <td className="num" title={r.amount == null ? '该比对项目不涉及金额' : undefined}>
                {r.amount == null ? '—' : formatValue(r.amount, unit(INTEGRITY.amount))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function RegionBars({
  rows,
  level,
  selection,
  metaIndex,
  onSelect,
}: {
  rows: readonly RegionCountRow[];
  level: RankingLevel;
  selection: IntegritySelection;
  metaIndex: MetaIndex;
  onSelect: (row: RegionCountRow) => void;
}) {
  const input = useMemo<BarInput>(() => {
    const findings = memberMeta(metaIndex, INTEGRITY.findings);
    const persons = memberMeta(metaIndex, INTEGRITY.persons);
    const amount = memberMeta(metaIndex, INTEGRITY.amount);
    return {
      title: `各${level.label}问题数`,
      unit: findings.unit,
      valueTitle: findings.title,
      color: seriesColor(0),
      showShare: true,
      sort: 'value',
      highlight: selection.region?.name ?? null,
      bars: rows.map((r) => ({
        name: r.name,
        value: r.findings,
        color: r.code == null ? colors.neutral : undefined,
        extras: [
          { label: persons.title, value: r.persons, unit: persons.unit },
          { label: amount.title, value: r.amount, unit: amount.unit },
        ],
      })),
    };
  }, [rows, level, selection.region, metaIndex]);
  return (
    <>
      <BarChart input={input} onSelect={(bar) => {
        const row = rows.find((r) => r.name === bar.name);
        if (row) onSelect(row);
      }} />
      {/* the same choice without a pointer: one button per region */}
      <div className="chips chips--compact" aria-label={`按${level.label}查看问题明细`}>
        {[...rows]
          .sort((a, b) => (b.findings ?? 0) - (a.findings ?? 0))
          .map((r) => (
            <button
              key={r.code ?? 'unknown'}
              type="button"
              className={selection.region?.code === r.code && selection.region ? 'chip chip--active' : 'chip'}
              aria-pressed={selection.region != null && selection.region.code === r.code}
              data-testid={`region-button-${r.code ?? 'unknown'}`}
              onClick={() => onSelect(r)}
            >
              {r.name} {formatValue(r.findings, '')}
            </button>
          ))}
      </div>
    </>
  );
}

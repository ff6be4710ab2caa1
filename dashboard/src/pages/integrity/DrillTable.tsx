// 问题明细 of 数据比对: the rows behind the selection, a page at a time, with
// 查看 (the row's unmasked values) for the roles allowed.

import { Button } from 'antd';
import { formatNumber } from '../../format';
import { type MetaIndex, memberMeta } from '../../indicators';
import { DRILL_PAGE_SIZE, INTEGRITY, drillRows, pageCount, pageRangeText } from '../../integrity';
import { useRevealed } from './useRevealed';

export function DrillTable({
  rows,
  page,
  total,
  metaIndex,
  onPage,
  reveal,
}: {
  rows: readonly Record<string, unknown>[];
  page: number;
  total: number | null;
  metaIndex: MetaIndex;
  onPage: (page: number) => void;
  /** Offer 查看 (the row's unmasked values) to this role. */
  reveal: boolean;
}) {
  const parsed = drillRows(rows);
  const revealed = useRevealed();
  const title = (member: string) => memberMeta(metaIndex, member).title;
  const pages = pageCount(total);
  const hasNext = total != null ? page + 1 < pages : rows.length === DRILL_PAGE_SIZE;
  return (
    <>
      {parsed.length === 0 ? (
        <div className="panel__empty">没有符合条件的问题</div>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="drill-table">
            <thead>
              <tr>
                <th>{title(INTEGRITY.month)}</th>
                <th>{title(INTEGRITY.checkTitle)}</th>
                <th>{title(INTEGRITY.personName)}</th>
                <th>{title(INTEGRITY.idNumber)}</th>
                <th>{title(INTEGRITY.countyName)}</th>
                <th>{title(INTEGRITY.townshipName)}</th>
                <th>{title(INTEGRITY.evidence)}</th>
                <th className="num">{title(INTEGRITY.amount)}</th>
                {reveal && <th className="nowrap">完整信息</th>}
              </tr>
            </thead>
            <tbody>
              {parsed.map((r) => {
                const state = revealed.states.get(r.findingId);
                const shown = state?.status === 'shown' ? state.person : null;
                return (
                  <tr key={r.findingId} data-testid="drill-row" className={shown ? 'is-revealed' : undefined}>
                    <td className="nowrap">{r.month}</td>
                    <td className="nowrap">{r.checkTitle}</td>
                    <td className="nowrap" data-testid="drill-person-name">{shown?.personName ?? r.personName}</td>
                    <td className="mono" data-testid="drill-id-number">{shown?.idNumber ?? r.idNumber}</td>
                    <td className="nowrap">{r.county}</td>
                    <td className="nowrap">{r.township}</td>
                    <td className="evidence">{shown ? shown.evidence : r.evidence}</td>
                    <td className="num">{r.amount == null ? '—' : `${formatNumber(r.amount, 2)} ${memberMeta(metaIndex, INTEGRITY.amount).unit}`}</td>
                    {reveal && (
                      <td className="nowrap">
                        {shown ? (
                          <Button size="small" type="link" onClick={() => revealed.hide(r.findingId)} data-testid="drill-hide">
                            隐藏
                          </Button>
                        ) : (
                          <Button size="small" type="link" loading={state?.status === 'loading'} onClick={() => revealed.show(r.findingId)} data-testid="drill-reveal">
                            查看
                          </Button>
                        )}
                        {state?.status === 'failed' && (
                          <span className="reveal-error" role="alert" data-testid="drill-reveal-error">
                            {state.message}
                          </span>
                        )}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <div className="pager">
        <span data-testid="drill-range">{pageRangeText(page, parsed.length, total)}</span>
        <button type="button" className="button" disabled={page === 0} onClick={() => onPage(page - 1)} data-testid="drill-prev">
          上一页
        </button>
        <span className="pager__page">
          第 {page + 1} / {pages} 页
        </span>
        <button type="button" className="button" disabled={!hasNext} onClick={() => onPage(page + 1)} data-testid="drill-next">
          下一页
        </button>
      </div>
    </>
  );
}

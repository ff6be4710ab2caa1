// 整改看板: by county (township for a county user) from the Cube view
// `rectification`: open, overdue, closed in time, average days to close and
// the follow-up pass rate for this month, quarter or year; the monthly trend.

import { Alert, Card, Segmented, Space, Table, type TableColumnsType } from 'antd';
import { describeError } from '../../api/errors';
import { EChart } from '../../charts/EChart';
import { PageShell } from '../../components/PageShell';
import type { BoardPeriod, BoardRow } from './rectification-api';
import { useRectificationBoard } from './useRectificationBoard';

const fmt = (v: number | null, digits = 0, unit = '') => (v === null ? '—' : `${v.toLocaleString('zh-CN', { maximumFractionDigits: digits, minimumFractionDigits: digits })}${unit}`);

export default function RectificationBoard() {
  const { period, setPeriod, range, level, rows, regionsLoading, regionsError, option, trendError } = useRectificationBoard();

  const columns: TableColumnsType<BoardRow> = [
    { title: level.label, dataIndex: 'name' },
    { title: '未完成整改', render: (_, r) => fmt(r.values.open_items), align: 'right' },
    { title: '逾期未整改', render: (_, r) => <span style={r.values.overdue_items ? { color: '#cf1322', fontWeight: 600 } : undefined}>{fmt(r.values.overdue_items)}</span>, align: 'right' },
    { title: '已整改', render: (_, r) => fmt(r.values.closed_items), align: 'right' },
    { title: '按期整改', render: (_, r) => `${fmt(r.values.closed_in_time_items)}（${fmt(r.values.closed_in_time_rate, 1, '%')}）`, align: 'right' },
    { title: '平均整改天数', render: (_, r) => fmt(r.values.average_days_to_close, 1, ' 天'), align: 'right' },
    { title: '回头看次数', render: (_, r) => fmt(r.values.follow_ups), align: 'right' },
    { title: '回头看通过率', render: (_, r) => fmt(r.values.follow_up_pass_rate, 1, '%'), align: 'right' },
  ];

  return (
    <PageShell period={false} footer="未完成、逾期取统计期最后一天（本期为今天）的状态；已整改、按期整改、整改天数与回头看按期内累计，每次回头看都计入通过率（先未通过、后通过计两次）。">
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <Segmented<BoardPeriod> value={period} onChange={setPeriod} options={[{ value: 'month', label: '本月' }, { value: 'quarter', label: '本季度' }, { value: 'year', label: '本年' }]} data-testid="board-period" />
        {regionsError != null && <Alert type="error" showIcon message={describeError(regionsError)} />}
        <Card title={`各${level.label}整改情况（${range[0]} 至 ${range[1]}）`}>
          <Table<BoardRow> rowKey="code" size="middle" columns={columns} dataSource={rows} loading={regionsLoading} pagination={false} data-testid="board-table" />
        </Card>
        <Card title="近十二个月趋势">
          {trendError != null && <Alert type="error" showIcon message={describeError(trendError)} />}
          {option && <EChart option={option} height={320} ariaLabel="近十二个月未完成、逾期、已整改问题数与回头看通过率" />}
        </Card>
      </Space>
    </PageShell>
  );
}

// 通报管理: the archive, searchable by period, kind, state and text; staff draft
// a new notice for a period (the city, or their own county).

import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Alert, App, Button, Form, Input, Select, Space, Table, Tag, type TableColumnsType } from 'antd';
import { useSession } from '../../auth/SessionContext';
import { PageShell } from '../../components/PageShell';
import { KIND_TITLES, STATE_COLORS, canDraft, type NoticeSummary } from './notice-api';
import { type NoticeFilters, useNoticeList } from './useNoticeList';

const COLUMNS: TableColumnsType<NoticeSummary> = [
  { title: '文号', dataIndex: 'number', width: 190, render: (n: string | null) => n ?? '—' },
  { title: '标题', dataIndex: 'title', render: (t: string, n) => <Link to={`/notices/${n.id}`} data-testid={`notice-link-${n.id}`}>{t}</Link> },
  { title: '种类', dataIndex: 'kind', width: 100, render: (k: NoticeSummary['kind']) => KIND_TITLES[k] },
  { title: '统计期', dataIndex: 'period', width: 100 },
  { title: '区划', dataIndex: 'regionName', width: 100 },
  { title: '状态', dataIndex: 'state', width: 90, render: (s: NoticeSummary['state']) => <Tag color={STATE_COLORS[s]}>{s}</Tag> },
  { title: '拟稿人', dataIndex: 'createdBy', width: 110 },
  { title: '签发', dataIndex: 'issuedAt', width: 120, render: (v: string | null, n) => (v ? `${n.issuedBy}（${v.slice(0, 10)}）` : '—') },
];

export default function NoticeList() {
  const session = useSession();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [creating, setCreating] = useState(false);
  const { result, setFilters, create: createNotice } = useNoticeList();

  const create = async (values: { period: string; kind?: string }) => {
    setCreating(true);
    try {
      navigate(`/notices/${await createNotice(values.period.trim(), values.kind)}`);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setCreating(false);
    }
  };

  return (
    <PageShell period={false} footer={null}>
      {canDraft(session.role) && (
        <Form layout="inline" onFinish={create} style={{ marginBottom: 16 }} data-testid="notice-create">
          <Form.Item name="period" label="统计期" rules={[{ required: true, message: '请填写统计期，如 2024-06 或 2024-Q2' }]}>
            <Input placeholder="2024-06 或 2024-Q2" style={{ width: 160 }} data-testid="notice-period" />
          </Form.Item>
          <Form.Item><Button type="primary" htmlType="submit" loading={creating} data-testid="notice-draft">拟写通报</Button></Form.Item>
        </Form>
      )}
      <Form layout="inline" onFinish={(v: NoticeFilters) => setFilters(Object.fromEntries(Object.entries(v).filter(([, x]) => x)))} style={{ marginBottom: 16 }}>
        <Form.Item name="q"><Input placeholder="标题、文号、内容" allowClear style={{ width: 200 }} /></Form.Item>
        <Form.Item name="period"><Input placeholder="统计期" allowClear style={{ width: 120 }} /></Form.Item>
        <Form.Item name="kind"><Select placeholder="种类" allowClear style={{ width: 120 }} options={[{ value: 'monthly', label: '月度通报' }, { value: 'quarterly', label: '季度通报' }]} /></Form.Item>
        <Form.Item name="state"><Select placeholder="状态" allowClear style={{ width: 110 }} options={['拟稿', '待审核', '已签发'].map((s) => ({ value: s, label: s }))} /></Form.Item>
        <Form.Item><Space><Button htmlType="submit">查询</Button></Space></Form.Item>
      </Form>
      {result.error && <Alert type="error" showIcon message={result.error.message} />}
      <Table<NoticeSummary> rowKey="id" size="middle" columns={COLUMNS} dataSource={result.data?.notices ?? []} loading={result.loading} pagination={{ pageSize: 20 }} />
    </PageShell>
  );
}

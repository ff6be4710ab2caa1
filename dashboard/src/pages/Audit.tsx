// 审计日志 (admin only): who did what, when, from where, with what outcome;
// filtered by user, action and date range on the server.

import { useState } from 'react';
import { Alert, Button, DatePicker, Form, Input, Select, Table, Tag, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { roleTitle } from '../api/session';
import {
  AUDIT_ACTIONS,
  AUDIT_LIMIT,
  type AuditAction,
  type AuditFilters,
  type AuditRecord,
  actionLabel,
  auditUrl,
  hasDetail,
  outcomeLabel,
  parseAuditRecords,
} from '../audit';
import { PageShell } from '../components/PageShell';
import { useApi } from '../data/useApi';

interface FilterForm {
  user?: string;
  action?: AuditAction;
  range?: [Dayjs | null, Dayjs | null] | null;
}

const OUTCOME_COLORS: Record<string, string> = { ok: 'success', denied: 'warning', failed: 'error' };

const COLUMNS: TableColumnsType<AuditRecord> = [
  { title: '时间', dataIndex: 'at', width: 180, render: (at: string) => dayjs(at).format('YYYY-MM-DD HH:mm:ss') },
  { title: '用户', dataIndex: 'user', width: 140 },
  { title: '角色', dataIndex: 'role', width: 100, render: (role: string | null) => (role ? roleTitle(role) : '—') },
  { title: '区划', dataIndex: 'region', width: 130, render: (v: string | null) => v ?? '—' },
  { title: '客户端地址', dataIndex: 'client', width: 140, render: (v: string | null) => v ?? '—' },
  { title: '操作', dataIndex: 'action', width: 140, render: (a: string) => actionLabel(a) },
  { title: '对象', dataIndex: 'target', ellipsis: true, render: (v: string | null) => v ?? '—' },
  {
    title: '结果',
    dataIndex: 'outcome',
    width: 80,
    render: (o: string) => <Tag color={OUTCOME_COLORS[o] ?? 'default'}>{outcomeLabel(o)}</Tag>,
  },
];

function toFilters(form: FilterForm): AuditFilters {
  const [from, to] = form.range ?? [null, null];
  return {
    user: form.user ?? null,
    action: form.action ?? null,
    from: from ? from.format('YYYY-MM-DD') : null,
    to: to ? to.format('YYYY-MM-DD') : null,
  };
}

export default function Audit() {
  const [filters, setFilters] = useState<AuditFilters>({});
  const result = useApi(auditUrl(filters), parseAuditRecords);
  const [form] = Form.useForm<FilterForm>();

  return (
    <PageShell period={false} footer="审计日志只能追加，不能修改或删除；每条记录与上一条以哈希串联，可用 npm run audit -- verify 校验。">
      <Form<FilterForm> form={form} layout="inline" className="audit-filters" onFinish={(v) => setFilters(toFilters(v))} data-testid="audit-filters">
        <Form.Item label="用户" name="user">
          <Input allowClear placeholder="用户名" data-testid="audit-user" />
        </Form.Item>
        <Form.Item label="操作" name="action">
          <Select
            allowClear
            placeholder="全部操作"
            style={{ width: 180 }}
            options={AUDIT_ACTIONS.map((a) => ({ value: a, label: actionLabel(a) }))}
            data-testid="audit-action"
          />
        </Form.Item>
        <Form.Item label="日期" name="range">
          <DatePicker.RangePicker allowEmpty={[true, true]} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" data-testid="audit-search">
            查询
          </Button>
        </Form.Item>
        <Form.Item>
          <Button
            onClick={() => {
              form.resetFields();
              setFilters({});
            }}
          >
            重置
          </Button>
        </Form.Item>
      </Form>
      {result.error ? (
        <Alert
          type="error"
          showIcon
          title="审计日志查询失败"
          description={result.error.message}
          action={<Button onClick={result.refetch}>重试</Button>}
          data-testid="dashboard-error"
        />
      ) : (
        <Table<AuditRecord>
          className="audit-table"
          rowKey="id"
          size="middle"
          columns={COLUMNS}
          dataSource={result.data ?? []}
          loading={result.loading}
          pagination={{ pageSize: 20, showSizeChanger: false, showTotal: (n) => `共 ${n} 条${n >= AUDIT_LIMIT ? `（最近 ${AUDIT_LIMIT} 条，请缩小查询范围）` : ''}` }}
          expandable={{
            rowExpandable: (r) => hasDetail(r.detail),
            expandedRowRender: (r) => <pre className="audit-detail">{JSON.stringify(r.detail, null, 2)}</pre>,
          }}
          data-testid="audit-table"
        />
      )}
    </PageShell>
  );
}

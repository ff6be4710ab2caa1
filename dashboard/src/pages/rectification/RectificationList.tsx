// 整改台账: every item the user may see, filtered and paged on the server,
// overdue in red, exported to Excel; managers create items here.

import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Alert, App, Button, DatePicker, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useSession } from '../../auth/SessionContext';
import { PageShell } from '../../components/PageShell';
import {
  CATEGORIES, SOURCES, STATES, STATE_COLORS, canManage, formatYuan,
  type Item, type ListFilters, type State,
} from './rectification-api';
import { PAGE_SIZE, useRectificationList } from './useRectificationList';

const COLUMNS: TableColumnsType<Item> = [
  { title: '问题编号', dataIndex: 'number', width: 140, render: (n: string, item) => <Link to={`/rectification/${item.id}`} data-testid={`item-link-${item.number}`}>{n}</Link> },
  { title: '区划', dataIndex: 'region_name', width: 110, render: (n: string | null, item) => n ?? item.region_code },
  { title: '问题类别', dataIndex: 'category', width: 120 },
  { title: '来源', dataIndex: 'source', width: 90 },
  { title: '问题描述', dataIndex: 'description', ellipsis: true },
  { title: '涉及金额', dataIndex: 'amount', width: 120, align: 'right', render: formatYuan },
  { title: '责任单位', dataIndex: 'responsible_unit', width: 140, ellipsis: true },
  {
    title: '整改期限', dataIndex: 'deadline', width: 130,
    render: (d: string, item) => (item.overdue ? <span className="overdue" style={{ color: '#cf1322', fontWeight: 600 }} data-testid="overdue">{d}（逾期）</span> : d),
  },
  { title: '状态', dataIndex: 'state', width: 90, render: (s: State) => <Tag color={STATE_COLORS[s]}>{s}</Tag> },
];

interface CreateValues {
  region_code: string; category: string; source: string; description: string; responsible_unit: string;
  deadline?: Dayjs; deadline_days?: number; deadline_in_working_days?: boolean; amount?: number; person_count?: number;
}

export default function RectificationList() {
  const session = useSession();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [creating, setCreating] = useState(false);
  const [saving, setSaving] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [form] = Form.useForm<CreateValues>();
  const { list: result, regions, page, setPage, setFilters, create: createItem, exportXlsx: exportFile } = useRectificationList();
  const manager = canManage(session.role, session.region);

  const create = async (values: CreateValues) => {
    setSaving(true);
    try {
      const deadline = values.deadline
        ? { deadline: values.deadline.format('YYYY-MM-DD') }
        : { deadline_days: values.deadline_days, deadline_in_working_days: values.deadline_in_working_days ?? false };
      const item = await createItem({
        region_code: values.region_code.trim(), category: values.category, source: values.source, description: values.description,
        responsible_unit: values.responsible_unit, ...deadline,
        ...(values.amount != null ? { amount: values.amount } : {}), ...(values.person_count != null ? { person_count: values.person_count } : {}),
      });
      message.success(`已创建整改问题 ${item.number}`);
      setCreating(false);
      form.resetFields();
      navigate(`/rectification/${item.id}`);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  const exportXlsx = async () => {
    setExporting(true);
    try {
      await exportFile();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setExporting(false);
    }
  };

  const applyFilters = (v: ListFilters) => setFilters(v);

  return (
    <PageShell period={false} footer="逾期：未报告整改完成（待整改、整改中）且今天已过整改期限；按工作日计算的期限依据国务院公布的节假日安排。">
      <Form layout="inline" onFinish={applyFilters} style={{ marginBottom: 16, rowGap: 8 }} data-testid="rectification-filters">
        <Form.Item name="q"><Input placeholder="编号、描述、责任单位" allowClear style={{ width: 200 }} /></Form.Item>
        <Form.Item name="region">
          <Select placeholder="区划" allowClear style={{ width: 150 }} showSearch optionFilterProp="label"
            options={regions.map((r) => ({ value: r.code, label: r.level === 'township' ? `　${r.name}` : r.name }))} />
        </Form.Item>
        <Form.Item name="state"><Select placeholder="状态" allowClear style={{ width: 110 }} options={STATES.map((s) => ({ value: s, label: s }))} data-testid="filter-state" /></Form.Item>
        <Form.Item name="category"><Select placeholder="问题类别" allowClear style={{ width: 150 }} options={CATEGORIES.map((s) => ({ value: s, label: s }))} /></Form.Item>
        <Form.Item name="source"><Select placeholder="来源" allowClear style={{ width: 110 }} options={SOURCES.map((s) => ({ value: s, label: s }))} /></Form.Item>
        <Form.Item name="overdue"><Select placeholder="是否逾期" allowClear style={{ width: 110 }} options={[{ value: 'true', label: '逾期' }, { value: 'false', label: '未逾期' }]} /></Form.Item>
        <Form.Item>
          <Space>
            <Button htmlType="submit">查询</Button>
            <Button onClick={exportXlsx} loading={exporting} data-testid="rectification-export">导出 Excel</Button>
            {manager && <Button type="primary" onClick={() => setCreating(true)} data-testid="rectification-new">新建整改问题</Button>}
          </Space>
        </Form.Item>
      </Form>
      {result.error && <Alert type="error" showIcon message={result.error.message} style={{ marginBottom: 16 }} />}
      <Table<Item>
        rowKey="id" size="middle" columns={COLUMNS} dataSource={result.data?.items ?? []} loading={result.loading}
        rowClassName={(item) => (item.overdue ? 'row-overdue' : '')}
        pagination={{ current: page, pageSize: PAGE_SIZE, total: result.data?.total ?? 0, showSizeChanger: false, showTotal: (t) => `共 ${t} 条`, onChange: setPage }}
        data-testid="rectification-table"
      />
      <Modal title="新建整改问题" open={creating} onCancel={() => setCreating(false)} onOk={() => form.submit()} confirmLoading={saving} okText="创建" destroyOnHidden width={640}>
        <Form form={form} layout="vertical" onFinish={create} data-testid="rectification-create-form" initialValues={{ source: '专项检查' }}>
          <Form.Item name="region_code" label="区划代码（12位）" rules={[{ required: true, pattern: /^\d{12}$/, message: '请填写12位区划代码' }]}>
            <Input data-testid="create-region" />
          </Form.Item>
          <Space style={{ display: 'flex' }} align="start">
            <Form.Item name="category" label="问题类别" rules={[{ required: true, message: '请选择问题类别' }]}>
              <Select style={{ width: 180 }} options={CATEGORIES.map((s) => ({ value: s, label: s }))} data-testid="create-category" />
            </Form.Item>
            <Form.Item name="source" label="问题来源" rules={[{ required: true, message: '请选择问题来源' }]}>
              <Select style={{ width: 140 }} options={SOURCES.map((s) => ({ value: s, label: s }))} />
            </Form.Item>
          </Space>
          <Form.Item name="description" label="问题描述" rules={[{ required: true, message: '请填写问题描述' }]}>
            <Input.TextArea rows={3} maxLength={2000} data-testid="create-description" />
          </Form.Item>
          <Form.Item name="responsible_unit" label="责任单位" rules={[{ required: true, message: '请填写责任单位' }]}>
            <Input data-testid="create-unit" />
          </Form.Item>
          <Space style={{ display: 'flex' }} align="start">
            <Form.Item name="deadline" label="整改期限（日期）" dependencies={['deadline_days']}
              rules={[({ getFieldValue }) => ({ validator: (_, v) => (v || getFieldValue('deadline_days') ? Promise.resolve() : Promise.reject(new Error('请给出期限日期或天数'))) })]}>
              <DatePicker data-testid="create-deadline" />
            </Form.Item>
            <Form.Item name="deadline_days" label="或：期限天数"><InputNumber min={1} max={3650} /></Form.Item>
            <Form.Item name="deadline_in_working_days" label="按工作日计">
              <Select style={{ width: 100 }} options={[{ value: false, label: '自然日' }, { value: true, label: '工作日' }]} />
            </Form.Item>
          </Space>
          <Space style={{ display: 'flex' }} align="start">
            <Form.Item name="person_count" label="涉及人数"><InputNumber min={0} /></Form.Item>
            <Form.Item name="amount" label="涉及金额（元）"><InputNumber min={0} precision={2} style={{ width: 160 }} /></Form.Item>
          </Space>
        </Form>
      </Modal>
    </PageShell>
  );
}

// 问题线索: findings of the data cross-checks no item covers yet; select rows,
// accept them as items (with a deadline) or dismiss them (with a reason).

import { useState } from 'react';
import { Alert, App, Button, DatePicker, Form, Input, Modal, Space, Table, Tag, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useSession } from '../../auth/SessionContext';
import { PageShell } from '../../components/PageShell';
import { canManage, formatYuan, type Proposal } from './rectification-api';
import { PAGE_SIZE, useProposals } from './useProposals';


const COLUMNS: TableColumnsType<Proposal> = [
  { title: '比对项目', dataIndex: 'check_title', width: 190, render: (t: string | null, p) => <>{t ?? p.check_code}{p.dismissed_before && <Tag color="orange" style={{ marginLeft: 6 }}>事实已变化</Tag>}</> },
  { title: '月份', dataIndex: 'month', width: 90 },
  { title: '区划', dataIndex: 'region_name', width: 110 },
  { title: '人员', dataIndex: 'persons', width: 220, render: (ps: Proposal['persons']) => ps.map((p) => `${p.name}（${p.id_number}）`).join('；') || '—' },
  { title: '涉及金额', dataIndex: 'amount', width: 120, align: 'right', render: formatYuan },
  { title: '问题类别', dataIndex: 'category', width: 130 },
  { title: '依据', dataIndex: 'evidence', ellipsis: true, render: (e: unknown) => (typeof e === 'string' ? e : JSON.stringify(e)) },
];

type Dialog = { kind: 'accept' | 'dismiss'; ids: string[] } | null;

export default function Proposals() {
  const session = useSession();
  const { message } = App.useApp();
  const [selected, setSelected] = useState<string[]>([]);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<{ deadline?: Dayjs; reason?: string; responsible_unit?: string }>();
  const { result, page, setPage, accept, dismiss } = useProposals();
  const manager = canManage(session.role, session.region);

  const submit = async (values: { deadline?: Dayjs; reason?: string; responsible_unit?: string }) => {
    if (!dialog) return;
    setSaving(true);
    try {
      if (dialog.kind === 'accept') {
        const created = await accept(dialog.ids, values.deadline!.format('YYYY-MM-DD'), values.responsible_unit);
        message.success(`已立项 ${created} 个整改问题`);
      } else {
        await dismiss(dialog.ids, values.reason);
        message.success(`已排除 ${dialog.ids.length} 条线索`);
      }
      setDialog(null);
      setSelected([]);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  const openDialog = (kind: 'accept' | 'dismiss') => {
    form.resetFields();
    setDialog({ kind, ids: selected });
  };

  return (
    <PageShell period={false} footer="线索来自数据比对（六项比对及干部近亲属备案比对）：尚未立项、也未以相同事实排除的问题。排除后若该问题的事实（月份、区划、人员、金额、依据）发生变化，会再次列出。">
      {manager && (
        <Space style={{ marginBottom: 16 }}>
          <Button type="primary" disabled={selected.length === 0} onClick={() => openDialog('accept')} data-testid="proposals-accept">立项（{selected.length}）</Button>
          <Button danger disabled={selected.length === 0} onClick={() => openDialog('dismiss')} data-testid="proposals-dismiss">排除（{selected.length}）</Button>
        </Space>
      )}
      {result.error && <Alert type="error" showIcon message={result.error.message} style={{ marginBottom: 16 }} />}
      <Table<Proposal>
        rowKey="id" size="middle" columns={COLUMNS} dataSource={result.data?.proposals ?? []} loading={result.loading}
        rowSelection={manager ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]), preserveSelectedRowKeys: true } : undefined}
        pagination={{ current: page, pageSize: PAGE_SIZE, total: result.data?.total ?? 0, showSizeChanger: false, showTotal: (t) => `共 ${t} 条`, onChange: setPage }}
        data-testid="proposals-table"
      />
      <Modal title={dialog?.kind === 'accept' ? `将 ${dialog.ids.length} 条线索立项` : `排除 ${dialog?.ids.length ?? 0} 条线索`} open={dialog !== null}
        onCancel={() => setDialog(null)} onOk={() => form.submit()} confirmLoading={saving} okText="确定" destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={submit}>
          {dialog?.kind === 'accept' ? (
            <>
              <Form.Item name="deadline" label="整改期限" rules={[{ required: true, message: '请选择整改期限' }]}><DatePicker data-testid="accept-deadline" /></Form.Item>
              <Form.Item name="responsible_unit" label="责任单位（不填则为所在区县民政局）"><Input /></Form.Item>
            </>
          ) : (
            <Form.Item name="reason" label="排除理由" rules={[{ required: true, whitespace: true, message: '请填写排除理由' }]}><Input.TextArea rows={3} maxLength={500} data-testid="dismiss-reason" /></Form.Item>
          )}
        </Form>
      </Modal>
    </PageShell>
  );
}

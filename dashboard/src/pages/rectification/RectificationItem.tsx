// An item's page: its facts, its history as a timeline (who, when, note,
// deadline, review result, evidence), its evidence files, and the moves this
// user may make now as buttons, each with a form (note, deadline, evidence).

import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, App, Button, Card, Descriptions, Empty, Form, Modal, Space, Spin, Tag, Timeline, Upload } from 'antd';
import { download } from '../../api/download';
import { useSession } from '../../auth/SessionContext';
import { PageShell } from '../../components/PageShell';
import { STATE_COLORS, formatSize, formatYuan, type Action, type Evidence } from './rectification-api';
import { type MoveValues, MoveForm } from './MoveForm';
import { useRectificationItem } from './useRectificationItem';

const ORIGIN_TITLES = { application: '应用内创建', import: '整改问题清单导入', proposal: '数据比对线索立项' } as const;

function EvidenceLinks({ itemId, files }: { itemId: number; files: Evidence[] }) {
  const session = useSession();
  const { message } = App.useApp();
  if (files.length === 0) return null;
  return (
    <Space wrap size={[8, 4]}>
      {files.map((f) => (
        <Button key={f.id} size="small" type="link" data-testid={`evidence-${f.id}`} title={`SHA-256 ${f.sha256}`}
          onClick={() => download(session.token, `/api/rectification/${itemId}/evidence/${f.id}`, f.file_name).catch((e: Error) => message.error(e.message))}>
          📎 {f.file_name}（{formatSize(f.size)}）
        </Button>
      ))}
    </Space>
  );
}

export default function RectificationItem() {
  const { id } = useParams();
  const session = useSession();
  const { message } = App.useApp();
  const { item, error, upload: uploadFile, move: moveItem } = useRectificationItem(id);
  const [action, setAction] = useState<Action | null>(null);
  const [saving, setSaving] = useState(false);
  const [uploading, setUploading] = useState(false);
  const [form] = Form.useForm<MoveValues>();

  const upload = async (file: File) => {
    if (!item) return;
    setUploading(true);
    try {
      const e = await uploadFile(item.id, file);
      message.success(`已上传 ${e.file_name}`);
      form.setFieldValue('evidence', [...(form.getFieldValue('evidence') ?? []), e.id]);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setUploading(false);
    }
  };

  const open = (a: Action) => {
    form.resetFields();
    form.setFieldsValue({ evidence: a.needs_evidence ? item?.pending_evidence.map((e) => e.id) : [] });
    setAction(a);
  };

  const move = async (values: MoveValues) => {
    if (!item || !action) return;
    setSaving(true);
    try {
      await moveItem(item.id, action, { note: values.note, deadline: values.deadline?.format('YYYY-MM-DD'), evidence: values.evidence });
      message.success(`${action.title}：已改为「${action.to}」`);
      setAction(null);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  if (error) return <PageShell period={false} footer={null}><Alert type="error" showIcon message={error.message} action={<Link to="/rectification">返回整改台账</Link>} /></PageShell>;
  if (!item) return <PageShell period={false} footer={null}><Spin /></PageShell>;

  const canUpload = session.role !== 'leader' && item.state !== '已销号';
  return (
    <PageShell period={false} footer={null}>
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <Card
          title={<Space><span data-testid="item-number">{item.number}</span><Tag color={STATE_COLORS[item.state]} data-testid="item-state">{item.state}</Tag>{item.overdue && <Tag color="red" data-testid="item-overdue">逾期</Tag>}</Space>}
          extra={<Space data-testid="item-actions">{item.actions.map((a) => <Button key={a.to + a.title} type="primary" onClick={() => open(a)} data-testid={`action-${a.to}`}>{a.title}</Button>)}</Space>}
        >
          <Descriptions column={{ xs: 1, md: 2 }} size="small">
            <Descriptions.Item label="区划">{item.region_name ?? item.region_code}（{item.region_code}）</Descriptions.Item>
            <Descriptions.Item label="责任单位">{item.responsible_unit}</Descriptions.Item>
            <Descriptions.Item label="问题类别">{item.category}</Descriptions.Item>
            <Descriptions.Item label="问题来源">{item.source}（{ORIGIN_TITLES[item.origin]}）</Descriptions.Item>
            <Descriptions.Item label="发现日期">{item.found_on}</Descriptions.Item>
            <Descriptions.Item label="整改期限">
              <span style={item.overdue ? { color: '#cf1322', fontWeight: 600 } : undefined} data-testid="item-deadline">{item.deadline}</span>
              {item.deadline_days ? `（${item.deadline_days} 个${item.deadline_in_working_days ? '工作日' : '自然日'}）` : ''}
            </Descriptions.Item>
            <Descriptions.Item label="涉及人数">{item.person_count ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="涉及金额">{formatYuan(item.amount)}</Descriptions.Item>
            <Descriptions.Item label="整改完成日期">{item.completed_on ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="创建">{item.created_by}，{item.created_at.slice(0, 10)}</Descriptions.Item>
            <Descriptions.Item label="问题描述" span={2}>{item.description}</Descriptions.Item>
            {item.persons.length > 0 && (
              <Descriptions.Item label="涉及人员" span={2}>{item.persons.map((p) => `${p.name}（${p.id_number}）`).join('；')}</Descriptions.Item>
            )}
            {item.findings.length > 0 && <Descriptions.Item label="数据比对线索" span={2}>{item.findings.map((f) => f.finding_id).join('；')}</Descriptions.Item>}
          </Descriptions>
        </Card>

        <Card title="整改过程" data-testid="item-history">
          <Timeline
            items={item.history.map((s) => ({
              color: s.review_result === '未通过' ? 'red' : s.review_result === '通过' ? 'green' : 'blue',
              children: (
                <div data-testid={`step-${s.id}`}>
                  <div><strong>{s.on}</strong>　{s.by}　{s.from ? `${s.from} → ${s.to}` : `创建（${s.to}）`}{s.review_result && <Tag color={s.review_result === '通过' ? 'green' : 'red'} style={{ marginLeft: 8 }}>回头看{s.review_result}</Tag>}</div>
                  {s.note && <div>{s.note}</div>}
                  {s.deadline && <div>整改期限：{s.deadline}</div>}
                  <EvidenceLinks itemId={item.id} files={s.evidence} />
                </div>
              ),
            }))}
          />
        </Card>

        <Card title="待提交的佐证材料" extra={canUpload && (
          <Upload showUploadList={false} accept=".pdf,.png,.jpg,.jpeg,.doc,.docx" beforeUpload={(f) => { void upload(f); return false; }}>
            <Button loading={uploading} data-testid="evidence-upload">上传佐证材料</Button>
          </Upload>
        )}>
          {item.pending_evidence.length === 0 ? <Empty description="暂无（PDF、图片或 Word，单个文件不超过 20 MB）" image={Empty.PRESENTED_IMAGE_SIMPLE} /> : <EvidenceLinks itemId={item.id} files={item.pending_evidence} />}
        </Card>
      </Space>

      <Modal title={action?.title} open={action !== null} onCancel={() => setAction(null)} onOk={() => form.submit()} confirmLoading={saving} okText="确定" destroyOnHidden>
        {action && (
          <MoveForm form={form} action={action} pendingEvidence={item.pending_evidence} canUpload={canUpload} uploading={uploading} onUpload={upload} onFinish={move} />
        )}
      </Modal>
    </PageShell>
  );
}

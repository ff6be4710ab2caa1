// The form of a move to another state: note, deadline, evidence (uploaded
// here first), each required as the move says.

import { Button, Checkbox, DatePicker, Form, type FormInstance, Input, Upload } from 'antd';
import type { Dayjs } from 'dayjs';
import type { Action, Evidence } from './rectification-api';

export interface MoveValues { note?: string; deadline?: Dayjs; evidence?: number[] }

export function MoveForm({
  form,
  action,
  pendingEvidence,
  canUpload,
  uploading,
  onUpload,
  onFinish,
}: {
  form: FormInstance<MoveValues>;
  action: Action;
  pendingEvidence: readonly Evidence[];
  canUpload: boolean;
  uploading: boolean;
  onUpload: (file: File) => Promise<void>;
  onFinish: (values: MoveValues) => Promise<void>;
}) {
  return (
    <Form form={form} layout="vertical" onFinish={onFinish} data-testid="action-form">
      <Form.Item name="note" label={action.needs_note ? '原因（必填）' : '说明'} rules={action.needs_note ? [{ required: true, whitespace: true, message: '请填写原因' }] : []}>
        <Input.TextArea rows={3} maxLength={2000} data-testid="action-note" />
      </Form.Item>
      {(action.needs_deadline || action.allows_deadline) && (
        <Form.Item name="deadline" label={action.needs_deadline ? '新的整改期限（必填）' : '整改期限（可调整）'} rules={action.needs_deadline ? [{ required: true, message: '请选择新的整改期限' }] : []}>
          <DatePicker data-testid="action-deadline" />
        </Form.Item>
      )}
      <Form.Item name="evidence" label={action.needs_evidence ? '佐证材料（必选，先上传）' : '佐证材料'} rules={action.needs_evidence ? [{ required: true, type: 'array', min: 1, message: '请先上传并选择佐证材料' }] : []}>
        <Checkbox.Group options={pendingEvidence.map((e) => ({ value: e.id, label: e.file_name }))} />
      </Form.Item>
      {canUpload && (
        <Upload showUploadList={false} accept=".pdf,.png,.jpg,.jpeg,.doc,.docx" beforeUpload={(f) => { void onUpload(f); return false; }}>
          <Button loading={uploading} data-testid="action-upload">上传佐证材料</Button>
        </Upload>
      )}
    </Form>
  );
}

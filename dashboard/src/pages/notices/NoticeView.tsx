// One notice: the reader for everyone who may see it; for staff while a draft,
// the editor (introduction, problems and requirements; refresh the figures);
// for leaders while submitted, the review (return with a comment, or issue).

import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert, App, Button, Card, Col, Input, Modal, Row, Space, Tag, Timeline } from 'antd';
import { useSession } from '../../auth/SessionContext';
import { PageShell } from '../../components/PageShell';
import { NoticeBody } from './NoticeBody';
import { KIND_TITLES, STATE_COLORS, STEP_TITLES, actionsFor } from './notice-api';
import { useNotice } from './useNotice';

function TextList({ label, items, onChange, testId }: { label: string; items: string[]; onChange: (v: string[]) => void; testId: string }) {
  return (
    <div style={{ marginBottom: 12 }} data-testid={testId}>
      <div style={{ fontWeight: 600, marginBottom: 4 }}>{label}</div>
      {items.map((text, i) => (
        <Space.Compact key={i} style={{ width: '100%', marginBottom: 4 }}>
          <Input.TextArea autoSize value={text} onChange={(e) => onChange(items.map((t, k) => (k === i ? e.target.value : t)))} />
          <Button onClick={() => onChange(items.filter((_, k) => k !== i))}>删除</Button>
        </Space.Compact>
      ))}
      <Button size="small" onClick={() => onChange([...items, ''])}>增加一条</Button>
    </div>
  );
}

export default function NoticeView() {
  const { id } = useParams();
  const session = useSession();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { notice, error, save: saveDraft, step, correct, download } = useNotice(id);
  const [busy, setBusy] = useState(false);
  const [intro, setIntro] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [requirements, setRequirements] = useState<string[]>([]);
  const [returning, setReturning] = useState(false);
  const [comment, setComment] = useState('');

  useEffect(() => {
    if (!notice) return;
    setIntro(notice.document.intro);
    const p = notice.document.sections.find((s) => s.type === 'problems');
    setProblems(p?.type === 'problems' ? p.problems.map((x) => x.text) : []);
    setRequirements(p?.type === 'problems' ? p.requirements.map((x) => x.text) : []);
  }, [notice]);

  if (error) return <PageShell period={false} footer={null}><Alert type="error" showIcon message={error.message} /></PageShell>;
  if (!notice) return <PageShell period={false} footer={null}><Card loading /></PageShell>;

  const can = actionsFor(notice, session);
  const act = async (what: string, run: () => Promise<void>) => {
    setBusy(true);
    try {
      await run();
      message.success(`${what}成功`);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const save = () => act('保存', () => saveDraft(notice.id, {
    intro, problems: problems.filter((t) => t.trim()).map((text) => ({ text })), requirements: requirements.filter((t) => t.trim()).map((text) => ({ text })),
  }));
  const fileName = `${notice.number ?? `通报${notice.id}`}${notice.title}`;

  return (
    <PageShell period={false} footer={null}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Link to="/notices">← 通报管理</Link>
        <Tag color={STATE_COLORS[notice.state]} data-testid="notice-state">{notice.state}</Tag>
        <span>{KIND_TITLES[notice.kind]} · {notice.period} · {notice.regionName}{notice.number ? ` · ${notice.number}` : ''}</span>
        {notice.correctsNoticeId && <Link to={`/notices/${notice.correctsNoticeId}`}>更正通报 {notice.correctsNoticeId}</Link>}
        {notice.correctedBy.map((c) => <Link key={c} to={`/notices/${c}`}>已由通报 {c} 更正</Link>)}
      </Space>
      <Space wrap style={{ marginBottom: 16 }}>
        {can.edit && <Button loading={busy} onClick={save} data-testid="notice-save">保存修改</Button>}
        {can.edit && <Button loading={busy} onClick={() => act('刷新数据', () => step(notice.id, 'refresh'))} data-testid="notice-refresh">按最新数据刷新</Button>}
        {can.submit && <Button type="primary" loading={busy} onClick={() => act('提交审核', () => step(notice.id, 'submit'))} data-testid="notice-submit">提交审核</Button>}
        {can.review && <Button danger loading={busy} onClick={() => setReturning(true)} data-testid="notice-return">退回修改</Button>}
        {can.issue && <Button type="primary" loading={busy} onClick={() => act('签发', () => step(notice.id, 'issue'))} data-testid="notice-issue">签发</Button>}
        {can.review && !can.issue && <span>拟稿人不能签发自己拟写的通报</span>}
        {can.correct && <Button onClick={async () => { try { navigate(`/notices/${await correct(notice.id)}`); } catch (e) { message.error((e as Error).message); } }}>拟写更正通报</Button>}
        <Button onClick={() => download(`/api/notices/${notice.id}/document.docx`, `${fileName}.docx`).catch((e: Error) => message.error(e.message))} data-testid="notice-docx">下载 Word</Button>
        <Button onClick={() => download(`/api/notices/${notice.id}/tables.xlsx`, `${fileName}表格.xlsx`).catch((e: Error) => message.error(e.message))}>下载表格</Button>
        <Link to={`/notices/${notice.id}/print`} target="_blank" data-testid="notice-print-link">打印预览</Link>
      </Space>
      <Row gutter={16}>
        <Col xs={24} xl={can.edit ? 15 : 19}>
          <NoticeBody doc={notice.document} draftMark={`（${notice.state}，未签发）`} />
        </Col>
        {can.edit && (
          <Col xs={24} xl={9}>
            <Card title="修改文字（保存后生效）" size="small">
              <div style={{ fontWeight: 600, marginBottom: 4 }}>导语</div>
              <Input.TextArea autoSize value={intro} onChange={(e) => setIntro(e.target.value)} style={{ marginBottom: 12 }} />
              <TextList label="存在的问题" items={problems} onChange={setProblems} testId="notice-problems" />
              <TextList label="工作要求" items={requirements} onChange={setRequirements} testId="notice-requirements" />
            </Card>
          </Col>
        )}
        <Col xs={24} xl={can.edit ? 24 : 5}>
          <Card title="办理过程" size="small">
            <Timeline items={notice.steps.map((s) => ({ children: `${s.at.slice(0, 16).replace('T', ' ')} ${s.by} ${STEP_TITLES[s.step] ?? s.step}${s.comment ? `：${s.comment}` : ''}` }))} />
            {notice.docxSha256 && <div style={{ fontSize: 12, wordBreak: 'break-all' }}>签发文件 SHA-256：{notice.docxSha256}</div>}
          </Card>
        </Col>
      </Row>
      <Modal title="退回修改" open={returning} okText="退回" cancelText="取消" okButtonProps={{ disabled: !comment.trim(), danger: true }}
        onCancel={() => setReturning(false)}
        onOk={async () => { setReturning(false); await act('退回', () => step(notice.id, 'return', { comment })); setComment(''); }}>
        <Input.TextArea rows={4} placeholder="退回意见（必填）" value={comment} onChange={(e) => setComment(e.target.value)} data-testid="notice-return-comment" />
      </Modal>
    </PageShell>
  );
}

// The print view: the notice alone on A4 pages, each section from a new page,
// charts included; the browser's print (or "save as PDF") gives the paper copy.

import { useEffect } from 'react';
import { useParams } from 'react-router';
import { Alert } from 'antd';
import { useApi } from '../../data/useApi';
import { NoticeBody } from './NoticeBody';
import { parseNotice } from './notice-api';

export default function NoticePrint() {
  const { id } = useParams();
  const result = useApi(id ? `/api/notices/${id}` : null, parseNotice);
  useEffect(() => {
    if (result.data) document.title = result.data.title;
  }, [result.data]);
  if (result.error) return <Alert type="error" showIcon message={result.error.message} />;
  if (!result.data) return <p className="notice-print-loading">正在载入通报…</p>;
  return (
    <div className="notice-print" data-testid="notice-print">
      <button type="button" className="notice-print-button" onClick={() => window.print()}>打印</button>
      <NoticeBody doc={result.data.document} draftMark={`（${result.data.state}，未签发）`} />
    </div>
  );
}

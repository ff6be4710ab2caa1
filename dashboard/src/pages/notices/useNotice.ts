// One notice's data: the notice (replaced by the server's answer after each
// change), its changes (save the draft, refresh, submit, return, issue, draft
// a correction) and its downloads.

import { useEffect, useState } from 'react';
import { download } from '../../api/download';
import { useApiClient, useSession } from '../../auth/SessionContext';
import { useApi } from '../../data/useApi';
import { type Notice, parseNotice } from './notice-api';

export interface NoticeDraft { intro: string; problems: { text: string }[]; requirements: { text: string }[] }

export type NoticeStep = 'refresh' | 'submit' | 'return' | 'issue';

export function useNotice(id: string | undefined) {
  const session = useSession();
  const api = useApiClient();
  const result = useApi(id ? `/api/notices/${id}` : null, parseNotice);
  const [notice, setNotice] = useState<Notice | null>(null);
  useEffect(() => {
    if (result.data) setNotice(result.data);
  }, [result.data]);

  const changed = async (answer: Promise<unknown>): Promise<void> => {
    setNotice((await answer) as Notice);
  };

  return {
    notice,
    error: result.error,
    save: (noticeId: number, draft: NoticeDraft) => changed(api.request('PATCH', `/api/notices/${noticeId}`, draft)),
    step: (noticeId: number, step: NoticeStep, body?: { comment: string }) => changed(api.post(`/api/notices/${noticeId}/${step}`, body)),
    /** Drafts a 更正通报 of the notice; answers the new notice's id. */
    correct: async (noticeId: number): Promise<number> => ((await api.post('/api/notices', { corrects: noticeId })) as { id: number }).id,
    download: (path: string, fileName: string) => download(session.token, path, fileName),
  };
}

// 通报管理's data: the notices matching the filters, and drafting a new one.

import { useState } from 'react';
import { useApiClient } from '../../auth/SessionContext';
import { useApi } from '../../data/useApi';
import { listUrl, parseNoticeList } from './notice-api';

export interface NoticeFilters { period?: string; kind?: string; state?: string; q?: string }

export function useNoticeList() {
  const api = useApiClient();
  const [filters, setFilters] = useState<NoticeFilters>({});
  const result = useApi(listUrl(filters), parseNoticeList);
  /** Drafts a notice of the period; answers its id. */
  const create = async (period: string, kind?: string): Promise<number> =>
    ((await api.post('/api/notices', { period, ...(kind ? { kind } : {}) })) as { id: number }).id;
  return { result, setFilters, create };
}

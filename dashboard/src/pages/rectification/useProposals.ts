// 问题线索's data: a page of findings not yet covered by an item, and the
// changes made from it (accept as items, dismiss with a reason).

import { useState } from 'react';
import { useApiClient } from '../../auth/SessionContext';
import { useApi } from '../../data/useApi';
import { parseProposalPage, proposalsUrl } from './rectification-api';

export const PAGE_SIZE = 50;

export function useProposals() {
  const api = useApiClient();
  const [page, setPage] = useState(1);
  const result = useApi(proposalsUrl(page, PAGE_SIZE), parseProposalPage);

  /** Creates one item per finding; answers how many. */
  const accept = async (ids: string[], deadline: string, responsibleUnit?: string): Promise<number> => {
    const r = (await api.post('/api/rectification/proposals/accept', {
      finding_ids: ids, deadline, ...(responsibleUnit ? { responsible_unit: responsibleUnit } : {}),
    })) as { items: unknown[] };
    result.refetch();
    return r.items.length;
  };
  const dismiss = async (ids: string[], reason: string | undefined): Promise<void> => {
    await api.post('/api/rectification/proposals/dismiss', { finding_ids: ids, reason });
    result.refetch();
  };

  return { result, page, setPage, accept, dismiss };
}

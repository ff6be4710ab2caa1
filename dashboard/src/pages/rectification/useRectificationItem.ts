// An item's data: the item (kept on screen while it is fetched again after a
// change), and its changes: evidence uploads and moves to another state.

import { useEffect, useState } from 'react';
import { useApiClient, useSession } from '../../auth/SessionContext';
import { useApi } from '../../data/useApi';
import { type Action, type Evidence, type ItemDetail, parseItem, uploadEvidence } from './rectification-api';

export interface Move { note?: string; deadline?: string; evidence?: number[] }

export function useRectificationItem(id: string | undefined) {
  const session = useSession();
  const api = useApiClient();
  const result = useApi(`/api/rectification/${encodeURIComponent(id ?? '')}`, parseItem);
  // keep showing the item (and an open form) while it is fetched again after a change
  const [shown, setShown] = useState<ItemDetail | null>(null);
  useEffect(() => {
    if (result.data) setShown(result.data);
  }, [result.data]);
  const item: ItemDetail | null = result.data ?? (shown?.id === Number(id) ? shown : null);

  const upload = async (itemId: number, file: File): Promise<Evidence> => {
    const evidence = await uploadEvidence(session.token, itemId, file);
    result.refetch();
    return evidence;
  };

  const move = async (itemId: number, action: Action, values: Move): Promise<void> => {
    await api.post(`/api/rectification/${itemId}/transition`, {
      to: action.to,
      ...(values.note ? { note: values.note } : {}),
      ...(values.deadline ? { deadline: values.deadline } : {}),
      ...(values.evidence?.length ? { evidence: values.evidence } : {}),
    });
    result.refetch();
  };

  return { item, error: result.error, upload, move };
}

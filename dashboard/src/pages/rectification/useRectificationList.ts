// 整改台账's data: the filtered page of items, the regions to filter by, and
// the changes made from the list (create an item, export to Excel).

import { useState } from 'react';
import { download } from '../../api/download';
import { useApiClient, useSession } from '../../auth/SessionContext';
import { useApi } from '../../data/useApi';
import { type Item, type ListFilters, exportUrl, listUrl, parseItemPage, parseRegions } from './rectification-api';

export const PAGE_SIZE = 20;

export function useRectificationList() {
  const session = useSession();
  const api = useApiClient();
  const [filters, setFiltersState] = useState<ListFilters>({});
  const [page, setPage] = useState(1);
  const list = useApi(listUrl(filters, page, PAGE_SIZE), parseItemPage);
  const regions = useApi('/api/rectification/regions', parseRegions);

  /** New filters (empty ones left out) start at the first page. */
  const setFilters = (v: ListFilters) => {
    setFiltersState(Object.fromEntries(Object.entries(v).filter(([, x]) => x)) as ListFilters);
    setPage(1);
  };

  const create = async (body: Record<string, unknown>): Promise<Item> => (await api.post('/api/rectification', body)) as Item;
  const exportXlsx = () => download(session.token, exportUrl(filters), `整改台账.xlsx`);

  return { list, regions: regions.data ?? [], page, setPage, setFilters, create, exportXlsx };
}

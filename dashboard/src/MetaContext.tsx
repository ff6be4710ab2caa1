// Cube's /meta (titles, descriptions, units, kinds, directions of the members),
// read once for all pages.

import { type ReactNode, createContext, useContext, useMemo } from 'react';
import { useCubeMeta } from '@cubejs-client/react';
import { type MetaIndex, indexMeta } from './indicators';

export interface SharedMeta {
  index: MetaIndex | null;
  error: unknown;
  refetch: () => void;
}

const MetaContext = createContext<SharedMeta | null>(null);

export function MetaProvider({ children }: { children: ReactNode }) {
  const meta = useCubeMeta();
  const index = useMemo(() => (meta.response ? indexMeta(meta.response.cubes) : null), [meta.response]);
  const error = meta.error ?? null;
  const value = useMemo<SharedMeta>(
    () => ({ index, error, refetch: () => void meta.refetch() }),
    // meta.refetch changes every render
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [index, error],
  );
  return <MetaContext.Provider value={value}>{children}</MetaContext.Provider>;
}

export function useSharedMeta(): SharedMeta {
  const value = useContext(MetaContext);
  if (!value) throw new Error('useSharedMeta 须在 MetaProvider 内使用');
  return value;
}

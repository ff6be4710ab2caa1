// Cube's /meta (titles, descriptions, units, kinds, directions of the members),
// read once for all pages.

import { type ReactNode, createContext, useContext, useMemo } from 'react';
import { useCubeMeta } from './data/useCube';
import { type MetaIndex, indexMeta } from './indicators';

export interface SharedMeta {
  index: MetaIndex | null;
  error: unknown;
  refetch: () => void;
}

const MetaContext = createContext<SharedMeta | null>(null);

export function MetaProvider({ children }: { children: ReactNode }) {
  const meta = useCubeMeta();
  const index = useMemo(() => (meta.cubes ? indexMeta(meta.cubes) : null), [meta.cubes]);
  const value = useMemo<SharedMeta>(() => ({ index, error: meta.error, refetch: meta.refetch }), [index, meta.error, meta.refetch]);
  return <MetaContext.Provider value={value}>{children}</MetaContext.Provider>;
}

export function useSharedMeta(): SharedMeta {
  const value = useContext(MetaContext);
  if (!value) throw new Error('useSharedMeta 须在 MetaProvider 内使用');
  return value;
}

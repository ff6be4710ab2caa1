// 查看 in 数据比对's drill table: asks the server for one row's full values.

import { useState } from 'react';
import { describeError } from '../../api/errors';
import { useApiClient } from '../../auth/SessionContext';
import { type RevealedPerson, REVEAL_URL, parseReveal, revealRequest } from '../../integrity';

type RevealState = { status: 'loading' } | { status: 'shown'; person: RevealedPerson } | { status: 'failed'; message: string };

/**
 * The rows whose full values were asked for, in this page's memory only: a
 * reload shows them masked again, and each 查看 is a request the server audits.
 */
export function useRevealed() {
  const api = useApiClient();
  const [states, setStates] = useState<ReadonlyMap<string, RevealState>>(new Map());
  const set = (id: string, state: RevealState | null) =>
    setStates((m) => {
      const next = new Map(m);
      if (state) next.set(id, state);
      else next.delete(id);
      return next;
    });
  const show = (id: string) => {
    set(id, { status: 'loading' });
    api.post(REVEAL_URL, revealRequest(id)).then(
      (body) => {
        const person = parseReveal(body);
        set(id, typeof person === 'string' ? { status: 'failed', message: person } : { status: 'shown', person });
      },
      (error: unknown) => set(id, { status: 'failed', message: describeError(error) }),
    );
  };
  return { states, show, hide: (id: string) => set(id, null) };
}

import { useEffect, useState } from 'react';
import type { SessionInfoWire } from '@concord/shared';
import { fetchSessionInfo } from './api';
import { toAppError, type AppError } from './errors';

export type SessionInfoState =
  { status: 'loading' } | { status: 'ready'; info: SessionInfoWire } | { status: 'error'; error: AppError };

export function useSessionInfo(token: string): SessionInfoState {
  const [state, setState] = useState<SessionInfoState>({ status: 'loading' });

  useEffect(() => {
    const abort = new AbortController();
    fetchSessionInfo(token, abort.signal).then(
      (info) => setState({ status: 'ready', info }),
      (err: unknown) => {
        if (!abort.signal.aborted) {
          setState({ status: 'error', error: toAppError(err) });
        }
      },
    );
    return () => abort.abort();
  }, [token]);

  return state;
}

import { createContext, useCallback, useContext, useState } from 'react';
import type { RequestName, RequestPayload, RequestReply } from '@concord/shared';
import type { ActOutcome } from './context';
import type { SessionController } from './SessionController';

/** The participation the session screen shows; deep panels send their requests through it. */
export const ControllerContext = createContext<SessionController | null>(null);

export function useController(): SessionController {
  const controller = useContext(ControllerContext);
  if (!controller) {
    throw new Error('useController() outside a session screen');
  }
  return controller;
}

export interface Action {
  /** Sends a request; never rejects (a failure is shown as a notice and reported in the outcome). */
  act: <E extends RequestName>(event: E, payload: RequestPayload<E>) => Promise<ActOutcome<RequestReply<E>>>;
  /** A request of this control is in flight: its buttons wait, so a double click does not send twice. */
  pending: boolean;
}

export function useAction(): Action {
  const controller = useController();
  const [pending, setPending] = useState(false);
  const act = useCallback(
    async <E extends RequestName>(event: E, payload: RequestPayload<E>): Promise<ActOutcome<RequestReply<E>>> => {
      setPending(true);
      try {
        return await controller.act(event, payload);
      } finally {
        setPending(false);
      }
    },
    [controller],
  );
  return { act, pending };
}

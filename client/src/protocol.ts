import type { Ack, ClientToServerEvents } from '@concord/shared';

// Request and reply types derived from the shared event map, so no request shape is
// re-declared on the client: change the map and every caller follows.

export type RequestName = keyof ClientToServerEvents;

/** The payload a request carries. */
export type RequestPayload<E extends RequestName> = Parameters<ClientToServerEvents[E]>[0];

/** The data the server's ack carries when the request succeeds. */
export type RequestReply<E extends RequestName> =
  Parameters<ClientToServerEvents[E]>[1] extends Ack<infer T> ? T : never;

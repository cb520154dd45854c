// Compile-time tests: each @ts-expect-error line must be an error, or `tsc -p shared` fails.
import type { Ack } from './errors.js';
import type { ClientToServerEvents, ServerToClientEvents } from './events.js';
import type { SessionId, SiteId } from './ids.js';

declare function emit<E extends keyof ClientToServerEvents>(
  event: E,
  ...args: Parameters<ClientToServerEvents[E]>
): void;
declare function on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): void;
/** An ack that accepts any reply type, so only the payloads are under test. */
declare const ack: Ack<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const siteId: SiteId;
declare function needsSession(id: SessionId): void;

// The typed maps accept what the protocol says…
emit('floor:request', { type: 'point_of_order', forSite: true }, ack);
on('session:entry', (e) => (e.type === 'floor.granted' ? e.payload.requestId : e.seq) satisfies string | number);

// …and refuse what it does not.
// @ts-expect-error an event that does not exist
emit('floor:shout', {}, ack);
// @ts-expect-error a floor request type that does not exist
emit('floor:request', { type: 'shout', forSite: false }, ack);
// @ts-expect-error a raise without urgency
emit('issue:raise', { idempotencyKey: 'k-12345678', title: 't', category: 'other' }, ack);
// @ts-expect-error a chair command without the version it saw
emit('floor:grant', { requestId: null }, ack);
// @ts-expect-error server events carry their own payloads
on('health:update', (e: { issue: string }) => e);
// @ts-expect-error a SiteId is not a SessionId
needsSession(siteId);

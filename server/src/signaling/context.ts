import type { ParticipantId, TokenClaims } from '@concord/shared';
import type { On } from './handle.js';
import type { ConcordSocket } from './types.js';

/** What a group of handlers needs to know about the connection it serves. */
export interface ConnectionContext {
  socket: ConcordSocket;
  claims: TokenClaims;
  on: On;
  /** The joined participant, or NOT_JOINED. */
  self: () => ParticipantId;
}

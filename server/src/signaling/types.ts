import type { Server, Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  InterServerEvents,
  ParticipantId,
  ServerToClientEvents,
  SessionId,
  SiteId,
  TokenClaims,
} from '@concord/shared';

export interface SocketData {
  claims: TokenClaims;
  /** Set by a successful session:join, cleared by session:leave. */
  participantId: ParticipantId | null;
  /** Set while this connection waits in the lobby. */
  waitingAs: ParticipantId | null;
}

export type ConcordServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ConcordSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Socket.IO room names: everyone in a session, and each participant's own channel. */
export const sessionRoom = (id: SessionId): string => `session:${id}`;
export const participantRoom = (id: ParticipantId): string => `participant:${id}`;
/** Operators of a session: they get the health board twice a second. */
export const operatorsRoom = (sessionId: SessionId): string => `operators:${sessionId}`;
export const siteRoom = (sessionId: SessionId, siteId: SiteId): string => `site:${sessionId}:${siteId}`;

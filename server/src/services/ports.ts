import type { LogEntry, MuteReason, ParticipantId, ServerToClientEvents, SessionId, SiteId } from '@concord/shared';

// The small interfaces the services depend on. Socket.IO, Redis and mediasoup implement
// them outside; tests and other adapters can too.

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

type Args<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>;

/** Who receives a message: the session, one participant, one site, or the operators. */
export type Audience =
  | { to: 'session'; sessionId: SessionId }
  | { to: 'participant'; participantId: ParticipantId }
  | { to: 'site'; sessionId: SessionId; siteId: SiteId }
  | { to: 'operators'; sessionId: SessionId };

export interface Broadcaster {
  /** The next entry of a session's log, to every connection of the session on this node. */
  entry(sessionId: SessionId, entry: LogEntry): void;
  /** To the audience's connections on every node. */
  send<E extends keyof ServerToClientEvents>(audience: Audience, event: E, ...args: Args<E>): void;
  /** To the audience's connections on this node only (what every node works out for itself). */
  sendHere<E extends keyof ServerToClientEvents>(audience: Audience, event: E, ...args: Args<E>): void;
}

/** A participant's media on this node, as the services see it. */
export interface PeerRef {
  participantId: ParticipantId;
  siteId: SiteId | null;
}

/** The media plane of this node, as far as the services act on it. */
export interface MediaPort {
  /**
   * Pauses the open microphones of this node's peers that `which` selects, and tells each
   * participant why (`moderation:muted`). Resolves with how many were paused.
   */
  muteMics(sessionId: SessionId, reason: MuteReason, which: (peer: PeerRef) => boolean): Promise<number>;
  /** The open microphones of the session on every node, one per track (from the record of tracks). */
  openMics(sessionId: SessionId): Promise<PeerRef[]>;
  /** Closes a participant's media on this node (it left, or was removed). */
  closePeer(sessionId: SessionId, participantId: ParticipantId): void;
  /** Closes what this node forwards of a participant's tracks published on another node (it dropped or left). */
  closeRemoteOf(sessionId: SessionId, participantId: ParticipantId): void;
  /** The nodes other than this one through which tracks of the session are published. */
  trackNodes(sessionId: SessionId): Promise<string[]>;
  /** A dead node's tracks: forgotten, and every client told they are gone. */
  forgetNode(sessionId: SessionId, node: string): Promise<void>;
}

/** Whether this node runs a session's clocks (holds its lease), and the fence their writes carry. */
export interface OwnerGate {
  /** The fence of a session this node owns, or null when another node (or none) runs it. */
  fence(sessionId: SessionId): number | null;
  /** The sessions this node runs now. */
  owned(): SessionId[];
}

/**
 * Calls between the nodes of a deployment: a request to one node, answered by it (the
 * media cascade sets up pipes this way). Payloads are checked by whoever serves them.
 */
export interface NodeLink {
  call(node: string, method: string, payload: unknown, timeoutMs: number): Promise<unknown>;
  serve(method: string, handler: (payload: unknown, from: string) => Promise<unknown>): void;
}

import type { LogEntry, ParticipantId, SessionState } from '@concord/shared';
import type { Logger } from '../logger.js';
import type { MediaPort } from '../services/ports.js';
import type { ConcordServer, ConcordSocket } from './types.js';

type KickCode = 'REPLACED' | 'REMOVED' | 'REFUSED';

/**
 * The connections this node holds: which socket holds each participant's place, and which
 * waits in the lobby. The log says what happened to a place; this node acts on the sockets
 * it holds: a place taken by a newer connection (here or on another node) disconnects the
 * old one, a removed participant is disconnected, an admitted one told to join again.
 */
export class LocalConnections {
  private readonly holders = new Map<ParticipantId, string>();
  private readonly waiting = new Map<ParticipantId, string>();

  constructor(
    private readonly io: ConcordServer,
    private readonly media: MediaPort,
    private readonly nodeId: string,
    private readonly log: Logger,
  ) {}

  isHeldBy(pid: ParticipantId, socketId: string): boolean {
    return this.holders.get(pid) === socketId;
  }

  hold(pid: ParticipantId, socket: ConcordSocket): void {
    this.holders.set(pid, socket.id);
    this.waiting.delete(pid);
  }

  /** Forgets the socket's hold on the place; true if it held it (a newer one may have taken it). */
  release(pid: ParticipantId, socketId: string): boolean {
    if (this.holders.get(pid) !== socketId) {
      return false;
    }
    this.holders.delete(pid);
    return true;
  }

  wait(pid: ParticipantId, socket: ConcordSocket): void {
    this.waiting.set(pid, socket.id);
  }

  stopWaiting(pid: ParticipantId, socketId: string): boolean {
    if (this.waiting.get(pid) !== socketId) {
      return false;
    }
    this.waiting.delete(pid);
    return true;
  }

  /** Entry listener. */
  readonly onEntry = (entry: LogEntry, _before: SessionState | null, after: SessionState): void => {
    const sid = after.session.id;
    switch (entry.type) {
      case 'participant.joined':
      case 'participant.returned': {
        // The socket that wrote this entry registers only after it; any holder now is older.
        const pid = entry.type === 'participant.joined' ? entry.payload.participant.id : entry.payload.participantId;
        this.kick(this.holders, pid, 'REPLACED', 'this place was taken by a newer connection');
        // Back through another node: its media here is over. Back through this one: the join
        // decides whether the tab resumes it.
        if (entry.payload.node !== this.nodeId) {
          this.media.closePeer(sid, pid);
        }
        return;
      }
      case 'participant.removed':
        this.kick(this.holders, entry.payload.participantId, 'REMOVED', 'the chair removed you from the session');
        this.media.closePeer(sid, entry.payload.participantId);
        this.media.closeRemoteOf(sid, entry.payload.participantId);
        return;
      case 'participant.left':
        // Left on purpose or timed out: whatever media it still had here goes (its tracks close for everyone).
        this.media.closePeer(sid, entry.payload.participantId);
        this.media.closeRemoteOf(sid, entry.payload.participantId);
        return;
      case 'participant.dropped':
        // Its media waits on its node for the tab to come back (or for the grace to end).
        return;
      case 'lobby.refused':
        this.kick(this.waiting, entry.payload.participantId, 'REFUSED', 'the chair did not admit you');
        return;
      case 'lobby.admitted': {
        const socketId = this.waiting.get(entry.payload.participantId);
        if (socketId !== undefined) {
          this.io.sockets.sockets.get(socketId)?.emit('lobby:admitted', {});
        }
        return;
      }
      default:
        return;
    }
  };

  private kick(from: Map<ParticipantId, string>, pid: ParticipantId, code: KickCode, message: string): void {
    const socketId = from.get(pid);
    if (socketId === undefined) {
      return;
    }
    from.delete(pid);
    const socket = this.io.sockets.sockets.get(socketId);
    if (socket) {
      this.log.info({ participantId: pid, code }, 'disconnecting a connection');
      socket.emit('session:kicked', { code, message });
      socket.data.participantId = null;
      socket.data.waitingAs = null;
      socket.disconnect(true);
    }
  }

  clear(): void {
    this.holders.clear();
    this.waiting.clear();
  }
}

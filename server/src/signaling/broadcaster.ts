import type { LogEntry, SessionId } from '@concord/shared';
import type { Audience, Broadcaster } from '../services/ports.js';
import { operatorsRoom, participantRoom, sessionRoom, siteRoom, type ConcordServer } from './types.js';

const roomOf = (a: Audience): string => {
  switch (a.to) {
    case 'session':
      return sessionRoom(a.sessionId);
    case 'participant':
      return participantRoom(a.participantId);
    case 'site':
      return siteRoom(a.sessionId, a.siteId);
    case 'operators':
      return operatorsRoom(a.sessionId);
  }
};

/**
 * The services' broadcast port on Socket.IO rooms. Made before the Socket.IO server (the
 * services that use it are made before the HTTP server it attaches to), and given it once
 * it exists; nothing is sent before.
 */
export class SocketBroadcaster implements Broadcaster {
  private io: ConcordServer | null = null;

  attach(io: ConcordServer): void {
    this.io = io;
  }

  /**
   * Log entries go to this node's connections only: every node applies every entry of the
   * sessions it serves, in order, and sends it to its own clients.
   */
  entry(sessionId: SessionId, entry: LogEntry): void {
    this.io?.local.to(sessionRoom(sessionId)).emit('session:entry', entry);
  }

  send: Broadcaster['send'] = (audience, event, ...args) => {
    this.io?.to(roomOf(audience)).emit(event, ...args);
  };

  sendHere: Broadcaster['sendHere'] = (audience, event, ...args) => {
    this.io?.local.to(roomOf(audience)).emit(event, ...args);
  };
}

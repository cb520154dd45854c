import { ErrorCode, placeOf, type ParticipantId, type ProducerInfo, type SessionSnapshot } from '@concord/shared';
import type { Peer } from '../media/peer.js';
import type { ProducerRegistry } from '../store/producerRegistry.js';
import { participantIdFor } from '../auth/identity.js';
import { ConcordError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Room } from '../media/room.js';
import type { RoomRegistry } from '../media/rooms.js';
import { callerOf, type Caller } from '../services/caller.js';
import type { HealthService } from '../services/health.js';
import type { SessionLog, SessionLogs } from '../services/sessionLog.js';
import type { SessionService } from '../services/sessions.js';
import type { LocalConnections } from './connections.js';
import type { Handlers } from './router.js';
import { operatorsRoom, participantRoom, sessionRoom, siteRoom, type ConcordSocket } from './types.js';

export interface SessionHandlerDeps {
  logs: SessionLogs;
  registry: ProducerRegistry;
  sessions: SessionService;
  health: HealthService;
  rooms: RoomRegistry;
  connections: LocalConnections;
  nodeId: string;
  /** The node is stopping: its connections' places are left to the sweep of the others. */
  stopping: () => boolean;
}

/**
 * The snapshot at the log's head, with this node's media. Taken in the same synchronous step
 * as the socket joins the session's room: every entry after it reaches the socket, every
 * entry before it is in it.
 */
function snapshot(
  log: SessionLog,
  room: Room | undefined,
  producers: readonly ProducerInfo[],
  pid: ParticipantId,
  subject: string,
): SessionSnapshot {
  const self = log.state.participants[pid];
  if (self === undefined) {
    throw new ConcordError(ErrorCode.NOT_JOINED, 'this place ended while joining; join again');
  }
  return {
    state: log.state,
    seq: log.head.seq,
    hash: log.head.hash,
    self,
    subject,
    producers: [...producers],
    activeSpeaker: room?.activeSpeaker ?? null,
    serverNow: Date.now(),
  };
}

/** Joining, leaving, dropped connections, and reading the log back. */
export function sessionHandlers(
  deps: SessionHandlerDeps,
  socket: ConcordSocket,
  setLog: (log: Logger) => void,
  baseLog: Logger,
): Pick<Handlers, 'session:join' | 'session:leave' | 'session:snapshot' | 'session:since'> {
  const claims = socket.data.claims;
  const sid = claims.sid;

  /** Every track of the session, on any node. */
  const tracks = async (): Promise<ProducerInfo[]> =>
    (await deps.registry.list(sid)).map(({ node: _node, ...info }) => info);
  const enterRooms = (pid: ParticipantId): void => {
    const rooms = [sessionRoom(sid), participantRoom(pid)];
    if (claims.site !== null) {
      rooms.push(siteRoom(sid, claims.site));
    }
    if (claims.role === 'operator') {
      rooms.push(operatorsRoom(sid));
    }
    // Synchronous with the in-memory and cluster adapters alike: rooms are local to a node.
    void socket.join(rooms);
  };

  /**
   * The tab's media on this node after a join: kept when the tab asked to resume transports
   * the node still holds for it (its socket dropped, its media did not); otherwise the
   * participant's media here starts over. Whether it was kept.
   */
  const keepOrResetMedia = (room: Room | undefined, pid: ParticipantId, resume: string[] | undefined): boolean => {
    const peer: Peer | undefined = room?.getPeer(pid);
    if (peer === undefined) {
      return false;
    }
    if (resume !== undefined && peer.holdsTransports(resume)) {
      return true;
    }
    room?.removePeer(pid);
    return false;
  };

  return {
    'session:join': async ({ displayName, instanceId, resume }) => {
      // One invite, one place: a tab on a link whose place another tab holds takes it over (that
      // one is told REPLACED and its media ends); a tab that comes back takes its own again.
      const pid = placeOf((await deps.logs.get(sid)).state, claims.sub) ?? participantIdFor(claims.sub, instanceId);
      const current = socket.data.participantId;
      if (current !== null && current !== pid) {
        throw new ConcordError(ErrorCode.ALREADY_JOINED, 'this connection already joined as another participant');
      }
      const caller: Caller & { participantId: ParticipantId } = { ...callerOf(claims, pid), participantId: pid };
      if (current === pid) {
        // The same connection asks again (after a media reset): a fresh snapshot, nothing written.
        const log = await deps.logs.get(sid);
        const room = await deps.rooms.peek(sid);
        const mediaResumed = keepOrResetMedia(room, pid, resume);
        return { ...snapshot(log, room, await tracks(), pid, claims.sub), mediaResumed };
      }
      const outcome = await deps.sessions.join(claims, caller, displayName);
      if (outcome.kind === 'lobby') {
        // Waits on its own channel for the chair's answer (lobby:admitted, or a REFUSED kick).
        deps.connections.wait(pid, socket);
        socket.data.waitingAs = pid;
        throw new ConcordError(ErrorCode.IN_LOBBY, 'the chair will admit you shortly');
      }
      const room = await deps.rooms.peek(sid);
      const mediaResumed = keepOrResetMedia(room, pid, resume);
      const producers = await tracks();
      socket.data.participantId = pid;
      socket.data.waitingAs = null;
      deps.connections.hold(pid, socket);
      enterRooms(pid);
      const snap = snapshot(outcome.log, room, producers, pid, claims.sub);
      deps.health.joined(caller);
      const log = baseLog.child({ participantId: pid });
      setLog(log);
      log.info({ rejoin: outcome.rejoin, mediaResumed, node: deps.nodeId }, 'participant joined');
      return { ...snap, mediaResumed };
    },

    'session:leave': async (_data, caller) => {
      const pid = caller.participantId;
      if (pid === null) {
        throw new ConcordError(ErrorCode.NOT_JOINED, 'join the session first');
      }
      socket.data.participantId = null;
      deps.connections.release(pid, socket.id);
      for (const room of [sessionRoom(sid), participantRoom(pid), operatorsRoom(sid)]) {
        void socket.leave(room);
      }
      if (claims.site !== null) {
        void socket.leave(siteRoom(sid, claims.site));
      }
      await deps.sessions.leave({ ...caller, participantId: pid });
      baseLog.info({ participantId: pid }, 'participant left');
      return null;
    },

    'session:snapshot': async (_data, caller) => {
      const log = await deps.logs.get(sid);
      if (caller.participantId === null) {
        throw new ConcordError(ErrorCode.NOT_JOINED, 'join the session first');
      }
      return snapshot(log, await deps.rooms.peek(sid), await tracks(), caller.participantId, claims.sub);
    },

    'session:since': async ({ after }) => {
      const log = await deps.logs.get(sid);
      return { entries: await log.since(after), head: log.head.seq, serverNow: Date.now() };
    },
  };
}

/** The connection went away: its place is kept, reconnecting, if it still held it. */
export function onDisconnect(deps: SessionHandlerDeps, socket: ConcordSocket, log: Logger): void {
  const sid = socket.data.claims.sid;
  const waiting = socket.data.waitingAs;
  if (waiting !== null && deps.connections.stopWaiting(waiting, socket.id)) {
    // Nobody should admit a tab that is gone; it waits again if it comes back.
    deps.sessions.lobbyGone(sid, waiting).catch((err: unknown) => log.warn({ err }, 'could not clear lobby entry'));
  }
  const pid = socket.data.participantId;
  if (pid === null || !deps.connections.release(pid, socket.id) || deps.stopping()) {
    return;
  }
  // The media stays: a tab whose link was cut resumes it when it is back (`resume` in its
  // join). It goes when the place ends (the grace ran out, or the participant left).
  deps.sessions
    .dropped(sid, pid, deps.nodeId)
    .then(() => log.info('participant disconnected; keeping its place'))
    // A node that stops meanwhile loses the write with its Redis connection; its death is
    // then what drops the place (the other nodes' sweep), so that is no error.
    .catch((err: unknown) =>
      deps.stopping()
        ? log.debug({ err }, 'node stopped before a drop was written')
        : log.error({ err }, 'disconnect handling failed'),
    );
}

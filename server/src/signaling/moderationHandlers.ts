import { holdsFloor, type Participant, type ParticipantId, type Session, type SessionId } from '@concord/shared';
import { holdsChair } from '../domain/chair.js';
import { findSite } from '../domain/session.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RoomRegistry } from '../media/rooms.js';
import type { SessionStore } from '../store/sessionStore.js';
import type { ConnectionContext } from './context.js';
import type { Presence } from './presence.js';
import type { ProceedingsService } from './proceedingsService.js';
import { chairRoom, participantRoom, sessionRoom, type ConcordServer } from './types.js';

/** Concurrent session-flag changes retry the version check this often. */
const MAX_SESSION_UPDATE_ATTEMPTS = 10;

export interface ModerationDeps {
  io: ConcordServer;
  sessions: SessionStore;
  service: ProceedingsService;
  presence: Presence;
  rooms: RoomRegistry;
  log: Logger;
}

/** Applies a change to the session record (lock, lobby) and broadcasts it. */
export async function updateSession(
  deps: ModerationDeps,
  sid: SessionId,
  change: (s: Session) => Session,
): Promise<Session> {
  for (let attempt = 0; attempt < MAX_SESSION_UPDATE_ATTEMPTS; attempt++) {
    const current = await deps.sessions.require(sid);
    try {
      const { value, seq } = await deps.sessions.update(sid, current.version, change);
      deps.io.to(sessionRoom(sid)).emit('session:updated', { session: value, seq });
      return value;
    } catch (err) {
      if (!(err instanceof ConflictError)) {
        throw err;
      }
    }
  }
  throw new ConflictError('the session is being changed by someone else; try again');
}

/** Sends the lobby's waiting list to whoever holds the chair. */
export async function notifyChairOfLobby(deps: ModerationDeps, sid: SessionId): Promise<void> {
  const [waiting, p, sockets] = await Promise.all([
    deps.sessions.listWaiting(sid),
    deps.service.get(sid),
    deps.io.in(sessionRoom(sid)).fetchSockets(),
  ]);
  for (const s of sockets) {
    if (holdsChair(p, s.data.claims.sub, s.data.claims.role)) {
      s.emit('lobby:updated', { waiting });
    }
  }
}

/** Disconnects every socket of a participant, telling it why first. */
async function kick(
  deps: ModerationDeps,
  id: ParticipantId,
  code: 'REMOVED' | 'REFUSED',
  message: string,
): Promise<void> {
  for (const s of await deps.io.in(participantRoom(id)).fetchSockets()) {
    s.emit('session:kicked', { code, message });
    s.disconnect(true);
  }
}

/** Mute, remove, lock, lobby and hand-over: chair only, each checked on the server. */
export function registerModerationHandlers(ctx: ConnectionContext, deps: ModerationDeps): void {
  const { on, claims, self } = ctx;
  const { sessions, service } = deps;
  const sid = claims.sid;

  const asChair = async (action: string) => {
    const p = await service.get(sid);
    if (!service.isChair(p, self())) {
      throw new ForbiddenError(`only the chair may ${action}`);
    }
    return p;
  };
  const participant = async (id: ParticipantId): Promise<Participant> => {
    const p = await sessions.getParticipant(sid, id);
    if (!p) {
      throw new NotFoundError('participant');
    }
    return p;
  };

  on('moderation:mute', async (target) => {
    const p = await asChair('mute others');
    if ('participantId' in target) {
      await participant(target.participantId);
      return { muted: await service.mute(sid, 'chair', (peer) => peer.participantId === target.participantId) };
    }
    if ('siteId' in target) {
      if (findSite(await sessions.require(sid), target.siteId) === null) {
        throw new ValidationError(`siteId: ${target.siteId} is not a site of this session`);
      }
      return { muted: await service.mute(sid, 'chair', (peer) => peer.siteId === target.siteId) };
    }
    return {
      muted: await service.mute(
        sid,
        'chair',
        (peer) => !holdsFloor(p, peer) && !service.isChair(p, peer.participantId),
      ),
    };
  });

  on('moderation:remove', async ({ participantId }) => {
    await asChair('remove participants');
    if (participantId === self()) {
      throw new ConflictError('hand the chair over before leaving; the chair cannot remove itself');
    }
    await participant(participantId);
    const subject = await sessions.subjectOf(sid, participantId);
    if (subject !== null) {
      await sessions.ban(sid, subject);
    }
    await kick(deps, participantId, 'REMOVED', 'the chair removed you from the session');
    (await deps.rooms.peek(sid))?.removePeer(participantId);
    await deps.presence.left(sid, participantId);
    deps.log.info({ sessionId: sid, participantId }, 'participant removed by the chair');
    return null;
  });

  on('session:lock', async ({ locked }) => {
    await asChair('lock the session');
    await updateSession(deps, sid, (s) => ({ ...s, locked }));
    return null;
  });

  on('lobby:setEnabled', async ({ enabled }) => {
    await asChair('switch the lobby');
    await updateSession(deps, sid, (s) => ({ ...s, lobby: enabled }));
    return null;
  });

  on('lobby:admit', async ({ participantId }) => {
    await asChair('admit participants');
    const waiting = await sessions.takeWaiting(sid, participantId);
    if (!waiting) {
      throw new NotFoundError('waiting participant');
    }
    await sessions.admit(sid, participantId);
    deps.io.to(participantRoom(participantId)).emit('lobby:admitted', {});
    await notifyChairOfLobby(deps, sid);
    return null;
  });

  on('lobby:refuse', async ({ participantId }) => {
    await asChair('refuse participants');
    if (!(await sessions.takeWaiting(sid, participantId))) {
      throw new NotFoundError('waiting participant');
    }
    await kick(deps, participantId, 'REFUSED', 'the chair did not admit you');
    await notifyChairOfLobby(deps, sid);
    return null;
  });

  on('chair:handOver', async ({ expectedVersion, participantId }) => {
    await asChair('hand over the chair');
    const target = await participant(participantId);
    const subject = await sessions.subjectOf(sid, participantId);
    if (subject === null || target.connection !== 'connected') {
      throw new ConflictError('the chair can only be handed to a connected participant');
    }
    const p = await service.change(
      sid,
      (cur) => ({ ...cur, chair: { subject, displayName: target.displayName } }),
      expectedVersion,
    );
    for (const s of await deps.io.in(sessionRoom(sid)).fetchSockets()) {
      const isChair = holdsChair(p, s.data.claims.sub, s.data.claims.role);
      if (isChair) {
        s.join(chairRoom(sid));
      } else {
        s.leave(chairRoom(sid));
      }
      s.emit('chair:changed', { isChair });
    }
    await notifyChairOfLobby(deps, sid);
    deps.log.info({ sessionId: sid, to: participantId }, 'chair handed over');
    return null;
  });
}

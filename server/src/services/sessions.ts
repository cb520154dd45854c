import {
  DomainError,
  ErrorCode,
  canTransition,
  type LogChange,
  type MuteTarget,
  type Participant,
  type ParticipantId,
  type RequestData,
  type Session,
  type SessionId,
  type SessionState,
  type SessionStatus,
  type TokenClaims,
} from '@concord/shared';
import { findSite, joinRefusal, newSession, type NewSession } from '../domain/session.js';
import { ConcordError, NotFoundError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { ADMIN, actorOf, authorize, isChair, system, type Caller } from './caller.js';
import { muteTakes } from './floorMedia.js';
import type { MediaPort } from './ports.js';
import type { Change, SessionLog, SessionLogs } from './sessionLog.js';

export type JoinOutcome = { kind: 'joined'; log: SessionLog; rejoin: boolean } | { kind: 'lobby' };

const one = (change: LogChange): Change<null> => ({ changes: [change], result: null });
const none: Change<null> = { changes: [], result: null };

/**
 * Sessions and the people in them: creating a session, joining (and the lobby), leaving,
 * dropped connections, and the chair's moderation. Every change is an entry of the log.
 */
export class SessionService {
  constructor(
    private readonly logs: SessionLogs,
    private readonly media: MediaPort,
    /** This node: participants connected here are recorded as held by it. */
    private readonly nodeId: string,
    private readonly log: Logger,
  ) {}

  async create(input: NewSession, now = Date.now()): Promise<Session> {
    const session = newSession(input, now);
    await this.logs.create(session, ADMIN, input.floorMode ?? true);
    this.log.info({ sessionId: session.id, sites: session.sites.length }, 'session created');
    return session;
  }

  private async run<T>(c: Caller, decide: (s: SessionState, now: number) => Change<T>): Promise<T> {
    const log = await this.logs.get(c.sessionId);
    return log.change(actorOf(log.state, c), decide);
  }

  /**
   * Takes the caller's place in the session (a new one, or the one it held), or puts it in
   * the lobby. The first chair-role invite to join takes the chair.
   */
  async join(
    claims: TokenClaims,
    c: Caller & { participantId: ParticipantId },
    displayName?: string,
  ): Promise<JoinOutcome> {
    const log = await this.logs.get(c.sessionId);
    const pid = c.participantId;
    const outcome = await log.change(actorOf(log.state, c), (state, now): Change<'joined' | 'rejoined' | 'lobby'> => {
      const existing = state.participants[pid];
      const refusal = joinRefusal(state.session, claims, existing !== undefined, state.removed[c.subject] === true);
      if (refusal) {
        throw new ConcordError(refusal.code, refusal.message);
      }
      const newcomer: Participant = {
        id: pid,
        sessionId: c.sessionId,
        siteId: c.siteId,
        displayName: displayName ?? c.name,
        role: c.role,
        connection: 'connected',
        joinedAt: now,
      };
      if (state.session.lobby && existing === undefined && !isChair(state, c) && state.admitted[pid] !== true) {
        return state.lobby[pid] === undefined
          ? { changes: [{ type: 'lobby.waiting', payload: { participant: newcomer } }], result: 'lobby' }
          : { changes: [], result: 'lobby' };
      }
      const changes: LogChange[] = [];
      if (c.role === 'chair' && state.proceedings.chair === null) {
        changes.push({ type: 'chair.taken', payload: { subject: c.subject, displayName: displayName ?? c.name } });
      }
      if (existing !== undefined) {
        changes.push({
          type: 'participant.returned',
          payload: { participantId: pid, displayName: displayName ?? existing.displayName, node: this.nodeId },
        });
        return { changes, result: 'rejoined' };
      }
      changes.push({
        type: 'participant.joined',
        payload: { participant: newcomer, subject: c.subject, node: this.nodeId },
      });
      return { changes, result: 'joined' };
    });
    return outcome === 'lobby' ? { kind: 'lobby' } : { kind: 'joined', log, rejoin: outcome === 'rejoined' };
  }

  /** The participant leaves on purpose: its place ends now. */
  leave(c: Caller & { participantId: ParticipantId }): Promise<null> {
    return this.run(c, (state) =>
      state.participants[c.participantId] === undefined
        ? none
        : one({ type: 'participant.left', payload: { participantId: c.participantId, reason: 'left' } }),
    );
  }

  /**
   * A connection held on `node` is gone (dropped here, or its node died): the place is kept,
   * reconnecting, for the grace. Nothing happens if a newer connection holds it meanwhile.
   */
  async dropped(sid: SessionId, pid: ParticipantId, node: string, fence: number | null = null): Promise<void> {
    const log = await this.logs.get(sid);
    await log.change(
      system('presence'),
      (state) =>
        state.presence[pid] === node && state.participants[pid]?.connection === 'connected'
          ? one({ type: 'participant.dropped', payload: { participantId: pid } })
          : none,
      { fence },
    );
  }

  /** The reconnect grace ran out (on the node that runs the session: `fence`): a place still reconnecting ends. */
  async timedOut(sid: SessionId, pid: ParticipantId, fence: number): Promise<void> {
    const log = await this.logs.get(sid);
    await log.change(
      system('presence'),
      (state) =>
        state.participants[pid]?.connection === 'reconnecting'
          ? one({ type: 'participant.left', payload: { participantId: pid, reason: 'timeout' } })
          : none,
      { fence },
    );
  }

  /** A connection waiting in the lobby went away; it waits again if it comes back. */
  async lobbyGone(sid: SessionId, pid: ParticipantId): Promise<void> {
    const log = await this.logs.get(sid);
    await log.change(system('presence'), (state) =>
      state.lobby[pid] === undefined ? none : one({ type: 'lobby.gone', payload: { participantId: pid } }),
    );
  }

  // ---- the chair ----
  private moderate<T>(c: Caller, decide: (s: SessionState, now: number) => Change<T>): Promise<T> {
    return this.run(c, (state, now) => {
      authorize(state, c, 'moderate');
      return decide(state, now);
    });
  }

  setStatus(c: Caller, status: SessionStatus): Promise<null> {
    return this.moderate(c, (state) => {
      if (!canTransition(state.session.status, status)) {
        throw new ConcordError(
          ErrorCode.INVALID_TRANSITION,
          `a session that is ${state.session.status} cannot become ${status}`,
        );
      }
      return one({ type: 'session.status', payload: { status } });
    });
  }

  lock(c: Caller, locked: boolean): Promise<null> {
    return this.moderate(c, () => one({ type: 'session.locked', payload: { locked } }));
  }

  setLobby(c: Caller, enabled: boolean): Promise<null> {
    return this.moderate(c, () => one({ type: 'session.lobby', payload: { enabled } }));
  }

  // Admitting, refusing and removing are entries; each node then tells (or disconnects) the
  // connections it holds for that participant (see signaling/presence.ts).
  admit(c: Caller, participantId: ParticipantId): Promise<null> {
    return this.moderate(c, (state) => {
      if (state.lobby[participantId] === undefined) {
        throw new NotFoundError('waiting participant');
      }
      return one({ type: 'lobby.admitted', payload: { participantId } });
    });
  }

  refuse(c: Caller, participantId: ParticipantId): Promise<null> {
    return this.moderate(c, (state) => {
      if (state.lobby[participantId] === undefined) {
        throw new NotFoundError('waiting participant');
      }
      return one({ type: 'lobby.refused', payload: { participantId } });
    });
  }

  async remove(c: Caller, participantId: ParticipantId): Promise<null> {
    await this.moderate(c, (state) => {
      if (participantId === c.participantId) {
        throw new DomainError(
          ErrorCode.CANNOT_REMOVE_SELF,
          'hand the chair over before leaving; the chair cannot remove itself',
        );
      }
      if (state.participants[participantId] === undefined) {
        throw new NotFoundError('participant');
      }
      return one({ type: 'participant.removed', payload: { participantId } });
    });
    this.log.info({ sessionId: c.sessionId, participantId }, 'participant removed by the chair');
    return null;
  }

  handOver(c: Caller, { expectedVersion, participantId }: RequestData<'chair:handOver'>): Promise<null> {
    return this.moderate(c, (state) => {
      if (expectedVersion !== state.proceedings.version) {
        throw new DomainError(ErrorCode.STALE_VERSION, 'someone changed the proceedings first; review and try again');
      }
      const target = state.participants[participantId];
      if (target === undefined) {
        throw new NotFoundError('participant');
      }
      const subject = state.subjects[participantId];
      if (subject === undefined || target.connection !== 'connected') {
        throw new DomainError(ErrorCode.NOT_CONNECTED, 'the chair can only be handed to a connected participant');
      }
      return one({ type: 'chair.handedOver', payload: { subject, displayName: target.displayName, participantId } });
    });
  }

  /**
   * The chair pauses microphones: recorded in the log; every node pauses those of its own
   * participants when the entry reaches it (`FloorMedia`). The reply counts the open
   * microphones, on every node, that the mute takes.
   */
  async mute(c: Caller, target: MuteTarget): Promise<{ muted: number }> {
    const log = await this.logs.get(c.sessionId);
    const open = await this.media.openMics(c.sessionId);
    await this.moderate(c, (state) => {
      if ('participantId' in target && state.participants[target.participantId] === undefined) {
        throw new NotFoundError('participant');
      }
      if ('siteId' in target && findSite(state.session, target.siteId) === null) {
        throw new ValidationError(`siteId: ${target.siteId} is not a site of this session`);
      }
      return one({ type: 'moderation.muted', payload: { target } });
    });
    // This node's own microphones are paused (and recorded) before the chair hears back.
    await this.media.muteMics(c.sessionId, 'chair', (peer) => muteTakes(log.state, target, peer));
    return { muted: open.filter((peer) => muteTakes(log.state, target, peer)).length };
  }
}

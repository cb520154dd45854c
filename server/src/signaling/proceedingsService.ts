import {
  holdsFloor,
  mayUseMic,
  type MuteReason,
  type ParticipantId,
  type Proceedings,
  type Role,
  type SessionId,
} from '@concord/shared';
import { holdsChair } from '../domain/chair.js';
import { tick, type TickOutcome } from '../domain/floor.js';
import type { Logger } from '../logger.js';
import type { Peer } from '../media/peer.js';
import type { RoomRegistry } from '../media/rooms.js';
import type { ProceedingsStore } from '../store/proceedingsStore.js';
import { FloorClock } from './floorClock.js';
import { participantRoom, sessionRoom, siteRoom, type ConcordServer } from './types.js';

export interface Identity {
  subject: string;
  role: Role;
}

/**
 * Changes to the proceedings (agenda, floor, settings) and their consequences: every
 * change is one atomic write in Redis, then broadcast whole with its sequence number,
 * then acted out on the media (floor mode, cut-offs), then the floor clock is re-armed.
 */
export class ProceedingsService {
  private readonly clock: FloorClock;

  constructor(
    private readonly io: ConcordServer,
    private readonly store: ProceedingsStore,
    private readonly rooms: RoomRegistry,
    /** Who is behind each connected participant; chair rights are checked against it. */
    private readonly identities: Map<ParticipantId, Identity>,
    private readonly log: Logger,
  ) {
    this.clock = new FloorClock((sid) => {
      this.cutOffIfDue(sid).catch((err: unknown) => this.log.error({ err, sessionId: sid }, 'floor clock failed'));
    });
  }

  get(sessionId: SessionId): Promise<Proceedings> {
    return this.store.get(sessionId);
  }

  isChair(p: Proceedings, participantId: ParticipantId): boolean {
    const who = this.identities.get(participantId);
    return who !== undefined && holdsChair(p, who.subject, who.role);
  }

  /** Applies a change (refused with CONFLICT if `expectedVersion` is stale) and acts on it. */
  async change(
    sessionId: SessionId,
    fn: (p: Proceedings) => Proceedings,
    expectedVersion?: number,
  ): Promise<Proceedings> {
    let before: Proceedings | null = null;
    const { value, seq } = await this.store.apply(
      sessionId,
      (p) => {
        before = p;
        return fn(p);
      },
      expectedVersion,
    );
    await this.afterChange(sessionId, before, value, seq);
    return value;
  }

  private async afterChange(
    sessionId: SessionId,
    before: Proceedings | null,
    after: Proceedings,
    seq: number,
  ): Promise<void> {
    this.io.to(sessionRoom(sessionId)).emit('proceedings:updated', { proceedings: after, seq, serverNow: Date.now() });
    const granted = after.speaker;
    if (granted && granted.request.id !== before?.speaker?.request.id) {
      const r = granted.request;
      const target = r.forSite && r.siteId !== null ? siteRoom(sessionId, r.siteId) : participantRoom(r.participantId);
      this.io.to(target).emit('floor:granted', { requestId: r.id, forSite: r.forSite });
    }
    await this.enforceFloorMode(sessionId, after);
    this.clock.schedule(sessionId, after);
  }

  /** In floor mode, pauses every microphone that may not be open now. */
  async enforceFloorMode(sessionId: SessionId, p: Proceedings): Promise<void> {
    if (!p.settings.floorMode) {
      return;
    }
    await this.mute(sessionId, 'floor_mode', (peer) => !mayUseMic(p, peer, this.isChair(p, peer.participantId)));
  }

  /** Pauses the open microphones of the peers `which` selects; returns how many. */
  async mute(sessionId: SessionId, reason: MuteReason, which: (peer: Peer) => boolean): Promise<number> {
    const room = await this.rooms.peek(sessionId);
    if (!room) {
      return 0;
    }
    let muted = 0;
    for (const peer of room.openPeers().filter(which)) {
      for (const mic of peer.mics().filter((m) => !m.paused)) {
        await mic.pause();
        muted++;
        this.io.to(sessionRoom(sessionId)).emit('producer:updated', { producerId: mic.id, paused: true });
        this.io.to(participantRoom(peer.participantId)).emit('moderation:muted', { reason });
      }
    }
    return muted;
  }

  /** Fired by the floor clock: cuts the speaker off if time plus grace has run out. */
  private async cutOffIfDue(sessionId: SessionId): Promise<void> {
    const current = await this.store.get(sessionId);
    if (tick(current, Date.now()).outcome.kind === 'none') {
      // Extended or ended meanwhile: nothing to write, only re-arm for the new state.
      this.clock.schedule(sessionId, current);
      return;
    }
    // Filled in by the change function (the last attempt's values win).
    const seen: { before: Proceedings | null; outcome: TickOutcome } = { before: null, outcome: { kind: 'none' } };
    const { value, seq } = await this.store.apply(sessionId, (p) => {
      const result = tick(p, Date.now());
      seen.before = p;
      seen.outcome = result.outcome;
      return result.proceedings;
    });
    const { before, outcome } = seen;
    if (outcome.kind === 'cut_off' && before !== null) {
      this.log.info({ sessionId, participantId: outcome.participantId }, 'speaker cut off: time and grace ran out');
      await this.mute(
        sessionId,
        'time_up',
        (peer) => holdsFloor(before, peer) && !this.isChair(before, peer.participantId),
      );
    }
    await this.afterChange(sessionId, before, value, seq);
  }

  /** After a restart: re-arm the floor clock of every session that has a speaker. */
  async recover(sessionIds: SessionId[]): Promise<void> {
    for (const sid of sessionIds) {
      this.clock.schedule(sid, await this.store.get(sid));
    }
  }

  close(): void {
    this.clock.close();
  }
}

import type { Participant, ParticipantId, SessionId } from '@concord/shared';
import type { SessionStore } from '../store/sessionStore.js';
import type { Logger } from '../logger.js';
import { participantRoom, sessionRoom, type ConcordServer } from './types.js';

/**
 * Who is connected where. A participant whose socket drops keeps its place (shown as
 * reconnecting) for the reconnect grace period; coming back within it is seamless.
 */
export class Presence {
  /** The socket that currently holds each participant's place. */
  private readonly holders = new Map<ParticipantId, string>();
  private readonly leaveTimers = new Map<ParticipantId, NodeJS.Timeout>();

  constructor(
    private readonly io: ConcordServer,
    private readonly store: SessionStore,
    private readonly graceMs: number,
    private readonly log: Logger,
  ) {}

  holderOf(id: ParticipantId): string | undefined {
    return this.holders.get(id);
  }

  isHeldBy(id: ParticipantId, socketId: string): boolean {
    return this.holders.get(id) === socketId;
  }

  /** Records the participant as connected through `socketId` and tells the session. */
  async connected(p: Participant, socketId: string, wasKnown: boolean): Promise<number> {
    this.cancelLeave(p.id);
    this.holders.set(p.id, socketId);
    const seq = await this.store.putParticipant(p);
    const event = wasKnown ? 'participant:updated' : 'participant:joined';
    this.io.to(sessionRoom(p.sessionId)).except(participantRoom(p.id)).emit(event, { participant: p, seq });
    return seq;
  }

  /** The socket dropped: keep the place for the grace period, then remove it. */
  async dropped(p: Participant, socketId: string): Promise<void> {
    if (!this.isHeldBy(p.id, socketId)) {
      return; // a newer connection already holds the place
    }
    this.holders.delete(p.id);
    const reconnecting: Participant = { ...p, connection: 'reconnecting' };
    const seq = await this.store.putParticipant(reconnecting);
    this.io.to(sessionRoom(p.sessionId)).emit('participant:updated', { participant: reconnecting, seq });
    this.scheduleLeave(p.sessionId, p.id);
  }

  scheduleLeave(sessionId: SessionId, id: ParticipantId): void {
    this.cancelLeave(id);
    const timer = setTimeout(() => {
      this.leaveTimers.delete(id);
      if (this.holders.has(id)) {
        return;
      }
      this.left(sessionId, id).catch((err: unknown) =>
        this.log.error({ err, participantId: id }, 'removing participant failed'),
      );
    }, this.graceMs);
    timer.unref();
    this.leaveTimers.set(id, timer);
  }

  /** Removes the participant now (explicit leave, or the grace period ran out). */
  async left(sessionId: SessionId, id: ParticipantId): Promise<void> {
    this.cancelLeave(id);
    this.holders.delete(id);
    const seq = await this.store.removeParticipant(sessionId, id);
    if (seq !== null) {
      this.io.to(sessionRoom(sessionId)).emit('participant:left', { participantId: id, seq });
    }
  }

  private cancelLeave(id: ParticipantId): void {
    const timer = this.leaveTimers.get(id);
    if (timer) {
      clearTimeout(timer);
      this.leaveTimers.delete(id);
    }
  }

  /**
   * After a restart nobody is connected to this process yet: every stored participant is
   * marked reconnecting and gets the grace period to come back.
   */
  async recover(sessionIds: SessionId[]): Promise<number> {
    let count = 0;
    for (const sid of sessionIds) {
      for (const p of await this.store.listParticipants(sid)) {
        if (!this.holders.has(p.id)) {
          await this.store.putParticipant({ ...p, connection: 'reconnecting' });
          this.scheduleLeave(sid, p.id);
          count++;
        }
      }
    }
    return count;
  }

  close(): void {
    for (const t of this.leaveTimers.values()) {
      clearTimeout(t);
    }
    this.leaveTimers.clear();
    this.holders.clear();
  }
}

import type { ActiveSpeaker, ParticipantId, ProducerInfo, SessionId, SiteId } from '@concord/shared';
import type { Logger } from '../logger.js';
import type { Broadcaster } from '../services/ports.js';
import type { ProducerRegistry } from '../store/producerRegistry.js';
import type { Room, RoomListener } from './room.js';

/** The media plane's events, told to the clients (and audio heard, to whoever watches health). */
export class RoomEvents implements RoomListener {
  constructor(
    private readonly broadcast: Broadcaster,
    private readonly registry: ProducerRegistry,
    private readonly onHeard: (sessionId: SessionId, siteId: SiteId | null) => void,
    private readonly nodeId: string,
    private readonly log: Logger,
  ) {}

  /** A track published on this node paused or resumed: every node's record and every client know. */
  async trackPaused(room: Room, info: ProducerInfo): Promise<void> {
    await this.registry
      .put(room.sessionId, info, this.nodeId)
      .catch((err: unknown) => this.log.warn({ err, producerId: info.producerId }, 'could not record a pause'));
    this.broadcast.send({ to: 'session', sessionId: room.sessionId }, 'producer:updated', {
      producerId: info.producerId,
      paused: info.paused,
    });
  }

  /** A track published on this node closed: forgotten everywhere, and every client told. */
  producerClosed(room: Room, producerId: string): void {
    this.registry
      .remove(room.sessionId, producerId)
      .catch((err: unknown) => this.log.warn({ err, producerId }, 'could not forget a track'));
    this.broadcast.send({ to: 'session', sessionId: room.sessionId }, 'producer:closed', { producerId });
  }
  consumerClosed(_room: Room, participantId: ParticipantId, consumerId: string): void {
    this.broadcast.send({ to: 'participant', participantId }, 'consumer:closed', { consumerId });
  }
  /**
   * Every node that serves clients of the session hears all of its audio (each track it
   * forwards is piped in), and tells its own clients: one speaker per node, not one per node
   * to everyone.
   */
  activeSpeaker(room: Room, speaker: ActiveSpeaker): void {
    this.broadcast.sendHere({ to: 'session', sessionId: room.sessionId }, 'speaker:active', speaker);
  }
  heard(room: Room, siteId: SiteId | null): void {
    this.onHeard(room.sessionId, siteId);
  }
  closed(room: Room, reason: string): void {
    // The room of this node closed (its worker died): its clients rebuild their media; the
    // clients of other nodes keep theirs (the tracks piped from here close and come back).
    if (reason !== 'server shutting down') {
      this.broadcast.sendHere({ to: 'session', sessionId: room.sessionId }, 'media:reset', { reason });
    }
  }
}

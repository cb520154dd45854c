import type { ActiveSpeaker, ParticipantId, SessionId, SiteId } from '@concord/shared';
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
    private readonly log: Logger,
  ) {}

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
  activeSpeaker(room: Room, speaker: ActiveSpeaker): void {
    this.broadcast.send({ to: 'session', sessionId: room.sessionId }, 'speaker:active', speaker);
  }
  heard(room: Room, siteId: SiteId | null): void {
    this.onHeard(room.sessionId, siteId);
  }
  closed(room: Room, reason: string): void {
    if (reason !== 'server shutting down') {
      this.broadcast.send({ to: 'session', sessionId: room.sessionId }, 'media:reset', { reason });
    }
  }
}

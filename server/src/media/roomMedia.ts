import type { MuteReason, ParticipantId, SessionId } from '@concord/shared';
import type { Broadcaster, MediaPort, PeerRef } from '../services/ports.js';
import type { ProducerRegistry } from '../store/producerRegistry.js';
import type { RoomRegistry } from './rooms.js';

/** The services' media port on this node's rooms. */
export class RoomMedia implements MediaPort {
  constructor(
    private readonly rooms: RoomRegistry,
    private readonly registry: ProducerRegistry,
    private readonly broadcast: Broadcaster,
  ) {}

  async muteMics(sessionId: SessionId, reason: MuteReason, which: (peer: PeerRef) => boolean): Promise<number> {
    const room = await this.rooms.peek(sessionId);
    let muted = 0;
    for (const peer of room?.openPeers().filter(which) ?? []) {
      for (const mic of peer.mics().filter((m) => !m.paused)) {
        await mic.pause();
        muted++;
        this.broadcast.send({ to: 'session', sessionId }, 'producer:updated', { producerId: mic.id, paused: true });
        this.broadcast.send({ to: 'participant', participantId: peer.participantId }, 'moderation:muted', { reason });
      }
    }
    return muted;
  }

  closePeer(sessionId: SessionId, participantId: ParticipantId): void {
    void this.rooms.peek(sessionId).then((room) => room?.removePeer(participantId));
  }

  closeRemoteOf(sessionId: SessionId, participantId: ParticipantId): void {
    void this.rooms.peek(sessionId).then(async (room) => {
      for (const producerId of room?.remoteOf(participantId) ?? []) {
        await room?.closeRemote(producerId);
      }
    });
  }

  async trackNodes(sessionId: SessionId): Promise<string[]> {
    return [...new Set((await this.registry.list(sessionId)).map((p) => p.node))];
  }

  async forgetNode(sessionId: SessionId, node: string): Promise<void> {
    for (const producerId of await this.registry.removeNode(sessionId, node)) {
      this.broadcast.send({ to: 'session', sessionId }, 'producer:closed', { producerId });
    }
  }
}

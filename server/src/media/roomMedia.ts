import type { MuteReason, ParticipantId, SessionId } from '@concord/shared';
import type { Broadcaster, MediaPort, PeerRef } from '../services/ports.js';
import type { ProducerRegistry } from '../store/producerRegistry.js';
import type { RoomRegistry } from './rooms.js';

/** The services' media port on this node's rooms. */
export class RoomMedia implements MediaPort {
  /** The last mute of each session: mutes run one after another, so none pauses a microphone twice. */
  private readonly muting = new Map<SessionId, Promise<unknown>>();

  constructor(
    private readonly rooms: RoomRegistry,
    private readonly registry: ProducerRegistry,
    private readonly broadcast: Broadcaster,
  ) {}

  muteMics(sessionId: SessionId, reason: MuteReason, which: (peer: PeerRef) => boolean): Promise<number> {
    const previous = this.muting.get(sessionId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.mute(sessionId, reason, which));
    this.muting.set(sessionId, next);
    const forget = () => {
      if (this.muting.get(sessionId) === next) {
        this.muting.delete(sessionId);
      }
    };
    next.then(forget, forget);
    return next;
  }

  private async mute(sessionId: SessionId, reason: MuteReason, which: (peer: PeerRef) => boolean): Promise<number> {
    const room = await this.rooms.peek(sessionId);
    let muted = 0;
    for (const peer of room?.openPeers().filter(which) ?? []) {
      for (const mic of peer.mics().filter((m) => !m.paused)) {
        await room?.setPaused(mic, true);
        muted++;
        this.broadcast.send({ to: 'participant', participantId: peer.participantId }, 'moderation:muted', { reason });
      }
    }
    return muted;
  }

  async openMics(sessionId: SessionId): Promise<PeerRef[]> {
    return (await this.registry.list(sessionId))
      .filter((p) => p.source === 'mic' && !p.paused)
      .map((p) => ({ participantId: p.participantId, siteId: p.siteId }));
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

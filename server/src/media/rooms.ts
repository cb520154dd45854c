import type { SessionId } from '@concord/shared';
import type { Logger } from '../logger.js';
import { MEDIA_CODECS } from './codecs.js';
import { Room, type RoomListener } from './room.js';
import type { MediaRouter, RouterAppData, TransportSettings } from './peer.js';
import type { WorkerPool } from './workerPool.js';

/** Owns the rooms: one per session that has media, created on first use. */
export class RoomRegistry {
  private readonly rooms = new Map<SessionId, Promise<Room>>();
  private closed = false;

  constructor(
    private readonly pool: WorkerPool,
    private readonly settings: TransportSettings,
    /** Peers a router serves before a room spreads to another worker. */
    private readonly peersPerRouter: number,
    private readonly listener: RoomListener,
    private readonly log: Logger,
  ) {}

  /** The session's room; concurrent callers share one creation. */
  async get(sessionId: SessionId): Promise<Room> {
    const existing = this.rooms.get(sessionId);
    if (existing) {
      const room = await existing;
      if (!room.closed) {
        return room;
      }
    }
    const creating = this.create(sessionId);
    this.rooms.set(sessionId, creating);
    creating.catch(() => this.rooms.delete(sessionId));
    return creating;
  }

  /** The room if it exists and is open, without creating one. */
  async peek(sessionId: SessionId): Promise<Room | undefined> {
    const room = await this.rooms.get(sessionId)?.catch(() => undefined);
    return room && !room.closed ? room : undefined;
  }

  private async create(sessionId: SessionId): Promise<Room> {
    // Every event is forwarded by name: the listener is a class instance, whose methods a
    // spread would not copy.
    const listener: RoomListener = {
      producerClosed: (room, producerId) => this.listener.producerClosed(room, producerId),
      consumerClosed: (room, participantId, consumerId) =>
        this.listener.consumerClosed(room, participantId, consumerId),
      activeSpeaker: (room, speaker) => this.listener.activeSpeaker(room, speaker),
      trackPaused: (room, info) => this.listener.trackPaused(room, info),
      heard: (room, siteId) => this.listener.heard(room, siteId),
      closed: (room, reason) => {
        void this.forget(room);
        this.listener.closed(room, reason);
      },
    };
    const used = new Set<number>();
    const newRouter = async (): Promise<MediaRouter | null> => {
      const worker = used.size === 0 ? await this.pool.getWorker() : this.pool.workerExcept(used);
      if (worker === null) {
        return null;
      }
      used.add(worker.pid);
      const router = await worker.createRouter<RouterAppData>({
        mediaCodecs: MEDIA_CODECS,
        appData: { sessionId, webRtcServer: worker.appData.webRtcServer },
      });
      router.observer.on('close', () => used.delete(worker.pid));
      return router;
    };
    return Room.create(
      sessionId,
      this.settings,
      { peersPerRouter: this.peersPerRouter, newRouter },
      listener,
      this.log,
    );
  }

  private async forget(room: Room): Promise<void> {
    const current = await this.rooms.get(room.sessionId)?.catch(() => undefined);
    if (current === room) {
      this.rooms.delete(room.sessionId);
    }
  }

  async all(): Promise<Room[]> {
    const settled = await Promise.allSettled(this.rooms.values());
    return settled.flatMap((r) => (r.status === 'fulfilled' && !r.value.closed ? [r.value] : []));
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    for (const room of await this.all()) {
      room.close('server shutting down');
    }
    this.rooms.clear();
  }
}

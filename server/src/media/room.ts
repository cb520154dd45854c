import type { types } from 'mediasoup';
import type { ActiveSpeaker, ParticipantId, ProducerInfo, SessionId, SiteId } from '@concord/shared';
import { ErrorCode } from '@concord/shared';
import { MediaError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import {
  Peer,
  producerInfo,
  type MediaRouter,
  type PeerListener,
  type ProducerAppData,
  type TransportSettings,
} from './peer.js';

const AUDIO_LEVEL_INTERVAL_MS = 800;
/** How often the dominant-speaker detector re-evaluates (mediasoup default 300 ms). */
const ACTIVE_SPEAKER_INTERVAL_MS = 300;

export interface RoomListener {
  producerClosed(room: Room, producerId: string): void;
  consumerClosed(room: Room, participantId: ParticipantId, consumerId: string): void;
  activeSpeaker(room: Room, speaker: ActiveSpeaker): void;
  /** A track published on this node was paused or resumed (resolves once it is recorded). */
  trackPaused(room: Room, info: ProducerInfo): Promise<void>;
  /** Audio above the loudness threshold arrived from a site. */
  heard(room: Room, siteId: SiteId | null): void;
  /** The room is gone (a worker under it died, or it was closed); every peer's media went with it. */
  closed(room: Room, reason: string): void;
}

/** A track the room can forward: published here, or piped in from another node. */
interface Source {
  info: ProducerInfo;
  /** True for a track published on this node; false for one piped in from another node. */
  local: boolean;
  /** The track on each router of the room: its origin, and the copies piped to the other routers. */
  copies: Map<string, Promise<types.Producer<ProducerAppData>>>;
}

export interface RoomOptions {
  /** Peers one router (on one worker) serves before the room opens another router on the next worker. */
  peersPerRouter: number;
  /** A router on a worker of this node the room has no router on yet; null when it has one on every worker. */
  newRouter: () => Promise<MediaRouter | null>;
}

/**
 * The media side of one session on this node: routers (one per worker it spreads over) and a
 * peer per participant connected here. A track reaches the router of a peer that receives
 * it once: piped from router to router inside the node (`pipeToRouter`), and from node to
 * node by `NodePipes`, which hands its arrivals to `addRemote`. The first router observes
 * the audio of every track it carries (who speaks, who is heard).
 */
export class Room {
  private readonly peers = new Map<ParticipantId, Peer>();
  private readonly sources = new Map<string, Source>();
  private readonly routers: MediaRouter[];
  private readonly routerPeers = new Map<string, number>();
  private addingRouter: Promise<MediaRouter | null> | null = null;
  private closedReason: string | null = null;
  activeSpeaker: ActiveSpeaker | null = null;

  private constructor(
    readonly sessionId: SessionId,
    private readonly primary: MediaRouter,
    private readonly speakerObserver: types.ActiveSpeakerObserver,
    private readonly levelObserver: types.AudioLevelObserver,
    private readonly settings: TransportSettings,
    private readonly options: RoomOptions,
    private readonly listener: RoomListener,
    private readonly log: Logger,
  ) {
    this.routers = [primary];
    this.watchRouter(primary);
    // mediasoup catches what our listeners throw and reports it only through 'listenererror'.
    const report = (eventName: string, err: Error) => this.log.error({ eventName, err }, 'media event listener failed');
    speakerObserver.on('listenererror', report);
    levelObserver.on('listenererror', report);
    levelObserver.on('volumes', (volumes) => {
      for (const { producer } of volumes) {
        this.listener.heard(this, this.sources.get(producer.id)?.info.siteId ?? null);
      }
    });
    speakerObserver.on('dominantspeaker', ({ producer }) => {
      const info = this.sources.get(producer.id)?.info;
      if (!info) {
        return;
      }
      this.activeSpeaker = { participantId: info.participantId, siteId: info.siteId };
      this.listener.activeSpeaker(this, this.activeSpeaker);
    });
  }

  static async create(
    sessionId: SessionId,
    settings: TransportSettings,
    options: RoomOptions,
    listener: RoomListener,
    log: Logger,
  ): Promise<Room> {
    const router = await options.newRouter();
    if (router === null) {
      throw new MediaError('no media worker is running', ErrorCode.MEDIA_UNAVAILABLE);
    }
    const observer = await router.createActiveSpeakerObserver({ interval: ACTIVE_SPEAKER_INTERVAL_MS });
    const levels = await router.createAudioLevelObserver({
      threshold: settings.heardThresholdDbov,
      interval: AUDIO_LEVEL_INTERVAL_MS,
      maxEntries: 16,
    });
    const roomLog = log.child({ sessionId, routerId: router.id });
    roomLog.info('media room opened');
    return new Room(sessionId, router, observer, levels, settings, options, listener, roomLog);
  }

  private watchRouter(router: MediaRouter): void {
    router.on('workerclose', () => this.close('media worker closed'));
    router.on('listenererror', (eventName, err) => this.log.error({ eventName, err }, 'router listener failed'));
    this.routerPeers.set(router.id, 0);
  }

  get closed(): boolean {
    return this.closedReason !== null || this.primary.closed;
  }

  /** Every router of the room has the same codecs, so the same capabilities. */
  get rtpCapabilities(): types.RtpCapabilities {
    return this.primary.rtpCapabilities;
  }

  /** The first router: it observes the audio, and tracks from other nodes arrive on it. */
  get firstRouter(): MediaRouter {
    return this.primary;
  }

  /**
   * A router with room for one more peer; else a new one on a worker the room does not use
   * yet; else (one router on every worker) the least loaded.
   */
  private async routerForNewPeer(): Promise<MediaRouter> {
    const live = this.routers
      .filter((r) => !r.closed)
      .sort((a, b) => (this.routerPeers.get(a.id) ?? 0) - (this.routerPeers.get(b.id) ?? 0));
    const least = live[0] ?? this.primary;
    if ((this.routerPeers.get(least.id) ?? 0) < this.options.peersPerRouter) {
      return least;
    }
    this.addingRouter ??= this.options.newRouter().then((router) => {
      this.addingRouter = null;
      if (router !== null) {
        this.routers.push(router);
        this.watchRouter(router);
        this.log.info({ routerId: router.id, routers: this.routers.length }, 'the room spreads over another worker');
      }
      return router;
    });
    return (await this.addingRouter) ?? least;
  }

  /** The participant's peer, created on first use (on a router with room for it). */
  async peerFor(participantId: ParticipantId, siteId: SiteId | null): Promise<Peer> {
    const existing = this.peers.get(participantId);
    if (existing && !existing.closed) {
      return existing;
    }
    const router = await this.routerForNewPeer();
    const again = this.peers.get(participantId);
    if (again && !again.closed) {
      return again;
    }
    const peerListener: PeerListener = {
      consumerClosed: (p, consumerId) => this.listener.consumerClosed(this, p.participantId, consumerId),
      producerClosed: (_p, producerId) => this.dropSource(producerId, true),
    };
    const peer = new Peer(
      participantId,
      siteId,
      router,
      this.settings,
      peerListener,
      this.log.child({ participantId }),
    );
    this.peers.set(participantId, peer);
    this.routerPeers.set(router.id, (this.routerPeers.get(router.id) ?? 0) + 1);
    return peer;
  }

  /** The open peers, for policies that act on many at once (muting a site, floor mode). */
  openPeers(): Peer[] {
    return [...this.peers.values()].filter((p) => !p.closed);
  }

  getPeer(participantId: ParticipantId): Peer | undefined {
    const peer = this.peers.get(participantId);
    return peer && !peer.closed ? peer : undefined;
  }

  /** A track published here: it becomes a source of the room, its audio observed. */
  addLocal(producer: types.Producer<ProducerAppData>, router: MediaRouter): void {
    this.sources.set(producer.id, {
      info: producerInfo(producer),
      local: true,
      copies: new Map([[router.id, Promise.resolve(producer)]]),
    });
    this.observeAudio(producer.id, producer.kind);
  }

  /** A track piped in from another node, arrived on the first router. */
  addRemote(producer: types.Producer<ProducerAppData>): void {
    this.sources.set(producer.id, {
      info: producerInfo(producer),
      local: false,
      copies: new Map([[this.primary.id, Promise.resolve(producer)]]),
    });
    producer.observer.on('close', () => this.dropSource(producer.id, false));
    this.observeAudio(producer.id, producer.kind);
  }

  /** Whether the room already forwards this track (published here, or piped in). */
  has(producerId: string): boolean {
    return this.sources.has(producerId);
  }

  /** The sources that came from another node for a participant (they go when it leaves). */
  remoteOf(participantId: ParticipantId): string[] {
    return [...this.sources.values()]
      .filter((s) => !s.local && s.info.participantId === participantId)
      .map((s) => s.info.producerId);
  }

  /** Closes a track piped in from another node (its origin closed it, or the node went away). */
  async closeRemote(producerId: string): Promise<void> {
    const source = this.sources.get(producerId);
    if (source === undefined || source.local) {
      return;
    }
    for (const copy of source.copies.values()) {
      (await copy.catch(() => null))?.close();
    }
  }

  private observeAudio(producerId: string, kind: types.MediaKind): void {
    if (kind !== 'audio') {
      return;
    }
    void this.producerOn(producerId, this.primary)
      .then(async () => {
        for (const observer of [this.speakerObserver, this.levelObserver]) {
          await observer.addProducer({ producerId });
        }
      })
      .catch((err: unknown) => this.log.warn({ err: String(err), producerId }, 'could not watch audio producer'));
  }

  private dropSource(producerId: string, local: boolean): void {
    if (this.sources.get(producerId)?.local !== local) {
      return;
    }
    this.sources.delete(producerId);
    if (local && !this.closed) {
      this.listener.producerClosed(this, producerId);
    }
  }

  /**
   * The track on `router`, piped there once from a router that has it (later consumers on
   * that router reuse the copy). NOT_FOUND when the room has no such track.
   */
  producerOn(producerId: string, router: MediaRouter): Promise<types.Producer<ProducerAppData>> {
    const source = this.sources.get(producerId);
    if (source === undefined) {
      return Promise.reject(new NotFoundError('producer'));
    }
    const copy = source.copies.get(router.id);
    if (copy !== undefined) {
      return copy;
    }
    const [fromRouterId, origin] = [...source.copies.entries()][0] ?? [];
    const from = this.routers.find((r) => r.id === fromRouterId);
    if (from === undefined || origin === undefined) {
      return Promise.reject(new NotFoundError('producer'));
    }
    const piped = origin.then(async (producer) => {
      const { pipeProducer } = await from.pipeToRouter({ producerId: producer.id, router });
      if (!pipeProducer) {
        throw new NotFoundError('producer');
      }
      return pipeProducer as types.Producer<ProducerAppData>;
    });
    source.copies.set(router.id, piped);
    piped.catch(() => source.copies.delete(router.id));
    return piped;
  }

  /** Every track this node forwards for the session (its own and those piped in). */
  producers(): ProducerInfo[] {
    return [...this.sources.values()].map((s) => s.info);
  }

  /** Pauses or resumes a track published on this node; every node's record and every client learn of it. */
  async setPaused(producer: types.Producer<ProducerAppData>, paused: boolean): Promise<void> {
    await (paused ? producer.pause() : producer.resume());
    this.updateInfo(producer.id, paused);
    const source = this.sources.get(producer.id);
    if (source?.local === true) {
      await this.listener.trackPaused(this, source.info);
    }
  }

  /** Keeps a source's info current (paused, resumed). */
  updateInfo(producerId: string, paused: boolean): void {
    const s = this.sources.get(producerId);
    if (s) {
      s.info = { ...s.info, paused };
    }
  }

  removePeer(participantId: ParticipantId): void {
    const peer = this.peers.get(participantId);
    if (peer) {
      this.peers.delete(participantId);
      this.routerPeers.set(peer.router.id, Math.max(0, (this.routerPeers.get(peer.router.id) ?? 1) - 1));
      peer.close();
    }
  }

  /** The first router's state as the worker reports it. */
  dumpRouter(): Promise<types.RouterDump> {
    return this.primary.dump();
  }

  /** How many routers (workers) the room spreads over. */
  get routerCount(): number {
    return this.routers.filter((r) => !r.closed).length;
  }

  counts(): { peers: number; transports: number; producers: number; consumers: number } {
    let transports = 0;
    let producers = 0;
    let consumers = 0;
    for (const p of this.peers.values()) {
      transports += p.transports.size;
      producers += p.producers.size;
      consumers += p.consumers.size;
    }
    return { peers: this.peers.size, transports, producers, consumers };
  }

  get peerCount(): number {
    return this.peers.size;
  }

  /** Idempotent; closes every peer, then the routers (which take the observers and pipes with them). */
  close(reason: string): void {
    if (this.closedReason !== null) {
      return;
    }
    this.closedReason = reason;
    for (const peer of this.peers.values()) {
      peer.close();
    }
    this.peers.clear();
    this.sources.clear();
    for (const router of this.routers) {
      if (!router.closed) {
        router.close();
      }
    }
    this.log.info({ reason }, 'media room closed');
    this.listener.closed(this, reason);
  }
}

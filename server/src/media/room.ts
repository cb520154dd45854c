import type { types } from 'mediasoup';
import type { ActiveSpeaker, ParticipantId, ProducerInfo, SessionId, SiteId } from '@concord/shared';
import { NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { MEDIA_CODECS } from './codecs.js';
import { Peer, producerInfo, type PeerListener, type ProducerAppData, type TransportSettings } from './peer.js';

const AUDIO_LEVEL_INTERVAL_MS = 800;
/** How often the dominant-speaker detector re-evaluates (mediasoup default 300 ms). */
const ACTIVE_SPEAKER_INTERVAL_MS = 300;

export interface RoomListener {
  producerClosed(room: Room, producerId: string): void;
  consumerClosed(room: Room, participantId: ParticipantId, consumerId: string): void;
  activeSpeaker(room: Room, speaker: ActiveSpeaker): void;
  /** Audio above the loudness threshold arrived from a site. */
  heard(room: Room, siteId: SiteId | null): void;
  /** The room is gone (its worker died or it was closed); every peer's media went with it. */
  closed(room: Room, reason: string): void;
}

/** The media side of one session: a router on one worker and a peer per participant. */
export class Room {
  private readonly peers = new Map<ParticipantId, Peer>();
  private closedReason: string | null = null;
  activeSpeaker: ActiveSpeaker | null = null;

  private constructor(
    readonly sessionId: SessionId,
    private readonly router: types.Router,
    private readonly speakerObserver: types.ActiveSpeakerObserver,
    private readonly levelObserver: types.AudioLevelObserver,
    private readonly settings: TransportSettings,
    private readonly listener: RoomListener,
    private readonly log: Logger,
  ) {
    router.on('workerclose', () => this.close('media worker closed'));
    // mediasoup catches what our listeners throw and reports it only through 'listenererror'.
    const report = (eventName: string, err: Error) => this.log.error({ eventName, err }, 'media event listener failed');
    router.on('listenererror', report);
    speakerObserver.on('listenererror', report);
    levelObserver.on('listenererror', report);
    levelObserver.on('volumes', (volumes) => {
      for (const { producer } of volumes) {
        this.listener.heard(this, this.ownerOf(producer.id)?.siteId ?? null);
      }
    });
    speakerObserver.on('dominantspeaker', ({ producer }) => {
      // Look the producer up in our own maps: they hold its typed owner.
      const owner = this.ownerOf(producer.id);
      if (!owner) {
        return;
      }
      this.activeSpeaker = { participantId: owner.participantId, siteId: owner.siteId };
      this.listener.activeSpeaker(this, this.activeSpeaker);
    });
  }

  static async create(
    sessionId: SessionId,
    worker: types.Worker,
    settings: TransportSettings,
    listener: RoomListener,
    log: Logger,
  ): Promise<Room> {
    const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS, appData: { sessionId } });
    const observer = await router.createActiveSpeakerObserver({ interval: ACTIVE_SPEAKER_INTERVAL_MS });
    const levels = await router.createAudioLevelObserver({
      threshold: settings.heardThresholdDbov,
      interval: AUDIO_LEVEL_INTERVAL_MS,
      maxEntries: 16,
    });
    const roomLog = log.child({ sessionId, routerId: router.id, workerPid: worker.pid });
    roomLog.info('media room opened');
    return new Room(sessionId, router, observer, levels, settings, listener, roomLog);
  }

  get closed(): boolean {
    return this.closedReason !== null || this.router.closed;
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.router.rtpCapabilities;
  }

  /** The participant's peer, created on first use. */
  peerFor(participantId: ParticipantId, siteId: SiteId | null): Peer {
    let peer = this.peers.get(participantId);
    if (peer && !peer.closed) {
      return peer;
    }
    const peerListener: PeerListener = {
      consumerClosed: (p, consumerId) => this.listener.consumerClosed(this, p.participantId, consumerId),
      producerClosed: (_p, producerId) => {
        if (!this.closed) {
          this.listener.producerClosed(this, producerId);
        }
      },
    };
    peer = new Peer(participantId, siteId, this.router, this.settings, peerListener, this.log.child({ participantId }));
    this.peers.set(participantId, peer);
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

  /** Registers a new audio producer with the active-speaker detector. */
  watchAudio(producer: types.Producer<ProducerAppData>): void {
    if (producer.kind === 'audio') {
      for (const observer of [this.speakerObserver, this.levelObserver]) {
        observer.addProducer({ producerId: producer.id }).catch((err: unknown) => {
          this.log.warn({ err: String(err) }, 'could not watch audio producer');
        });
      }
    }
  }

  private ownerOf(producerId: string): Peer | undefined {
    return [...this.peers.values()].find((p) => p.producers.has(producerId));
  }

  findProducer(producerId: string): types.Producer<ProducerAppData> {
    for (const peer of this.peers.values()) {
      const p = peer.producers.get(producerId);
      if (p) {
        return p;
      }
    }
    throw new NotFoundError('producer');
  }

  producers(): ProducerInfo[] {
    return [...this.peers.values()].flatMap((p) => [...p.producers.values()].map(producerInfo));
  }

  removePeer(participantId: ParticipantId): void {
    const peer = this.peers.get(participantId);
    if (peer) {
      this.peers.delete(participantId);
      peer.close();
    }
  }

  /** The router's state as the worker reports it. */
  dumpRouter(): Promise<types.RouterDump> {
    return this.router.dump();
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

  /** Idempotent; closes every peer, then the router (which takes the observer with it). */
  close(reason: string): void {
    if (this.closedReason !== null) {
      return;
    }
    this.closedReason = reason;
    for (const peer of this.peers.values()) {
      peer.close();
    }
    this.peers.clear();
    if (!this.router.closed) {
      this.router.close();
    }
    this.log.info({ reason }, 'media room closed');
    this.listener.closed(this, reason);
  }
}

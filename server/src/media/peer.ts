import type { types } from 'mediasoup';
import {
  ErrorCode,
  type ConsumerOptionsWire,
  type MediaSource,
  type ParticipantId,
  type ProducerInfo,
  type RtpCapabilitiesWire,
  type RtpParametersWire,
  type SiteId,
  type TransportOptionsWire,
} from '@concord/shared';
import { MediaError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';

/** What a router of a room carries: its session, and the one-port server of its worker (if any). */
export interface RouterAppData extends types.AppData {
  sessionId: string;
  webRtcServer: types.WebRtcServer | null;
}
export type MediaRouter = types.Router<RouterAppData>;

export interface ProducerAppData extends types.AppData {
  participantId: ParticipantId;
  siteId: SiteId | null;
  source: MediaSource;
}

export interface PeerListener {
  /** A consumer of this peer closed for a reason the peer did not ask for. */
  consumerClosed(peer: Peer, consumerId: string): void;
  producerClosed(peer: Peer, producerId: string): void;
}

export interface TransportSettings {
  listenIp: string;
  announcedAddress: string | undefined;
  /** Loudness (dBov) above which a site counts as heard. */
  heardThresholdDbov: number;
}

/** Largest bitrate a browser may send on one transport (all simulcast layers together). */
const MAX_INCOMING_BITRATE_BPS = 3_000_000;
/** Shares of a receiver's estimated bandwidth (mediasoup consumer priorities, 1-255). */
const SCREEN_PRIORITY = 4;
const CAMERA_PRIORITY = 1;
/** First bitrate estimate for a new transport, before bandwidth estimation has data. */
const INITIAL_OUTGOING_BITRATE_BPS = 1_000_000;

/**
 * One participant's media in a room: its transports and the producers and consumers on
 * them. Closing the peer closes the transports, and mediasoup closes what is on them.
 */
export class Peer {
  readonly transports = new Map<string, types.WebRtcTransport>();
  readonly producers = new Map<string, types.Producer<ProducerAppData>>();
  readonly consumers = new Map<string, types.Consumer>();
  private closing = false;

  constructor(
    readonly participantId: ParticipantId,
    readonly siteId: SiteId | null,
    readonly router: MediaRouter,
    private readonly settings: TransportSettings,
    private readonly listener: PeerListener,
    private readonly log: Logger,
  ) {}

  get closed(): boolean {
    return this.closing;
  }

  async createTransport(direction: 'send' | 'recv'): Promise<TransportOptionsWire> {
    const { webRtcServer } = this.router.appData;
    // The worker's one UDP and one TCP port when it has them; else a port of its own.
    const where =
      webRtcServer !== null
        ? { webRtcServer }
        : {
            listenInfos: [
              {
                protocol: 'udp' as const,
                ip: this.settings.listenIp,
                announcedAddress: this.settings.announcedAddress,
              },
              {
                protocol: 'tcp' as const,
                ip: this.settings.listenIp,
                announcedAddress: this.settings.announcedAddress,
              },
            ],
          };
    const transport = await this.router.createWebRtcTransport({
      ...where,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: INITIAL_OUTGOING_BITRATE_BPS,
      appData: { direction },
    });
    if (this.closing) {
      transport.close();
      throw new MediaError('the participant left');
    }
    if (direction === 'send') {
      await transport.setMaxIncomingBitrate(MAX_INCOMING_BITRATE_BPS).catch(() => undefined);
    }
    this.transports.set(transport.id, transport);
    transport.on('listenererror', (eventName, err) => this.log.error({ eventName, err }, 'transport listener failed'));
    transport.observer.on('close', () => this.transports.delete(transport.id));
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') {
        // The browser closed its side (the tab went, or gave this transport up): what was on
        // it ends now. A silent cut does not end DTLS: the transport then waits for a resume.
        this.log.warn({ transportId: transport.id, state }, 'transport DTLS ended; closing the transport');
        transport.close();
      }
    });
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  private transport(id: string): types.WebRtcTransport {
    const t = this.transports.get(id);
    if (!t) {
      throw new NotFoundError('transport');
    }
    return t;
  }

  async connectTransport(id: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.transport(id).connect({ dtlsParameters });
  }

  async restartIce(id: string): Promise<TransportOptionsWire['iceParameters']> {
    return this.transport(id).restartIce();
  }

  async produce(
    transportId: string,
    kind: 'audio' | 'video',
    rtpParameters: RtpParametersWire,
    source: MediaSource,
    paused: boolean,
  ): Promise<types.Producer<ProducerAppData>> {
    const transport = this.transport(transportId);
    if (transport.appData['direction'] !== 'send') {
      throw new MediaError('this transport does not send');
    }
    for (const p of this.producers.values()) {
      if (p.appData.source === source) {
        throw new MediaError(`a ${source} track is already published; close it first`);
      }
    }
    const producer = await transport.produce<ProducerAppData>({
      kind,
      rtpParameters,
      paused,
      appData: { participantId: this.participantId, siteId: this.siteId, source },
    });
    this.producers.set(producer.id, producer);
    producer.on('listenererror', (eventName, err) => this.log.error({ eventName, err }, 'producer listener failed'));
    producer.observer.on('close', () => {
      this.producers.delete(producer.id);
      this.listener.producerClosed(this, producer.id);
    });
    return producer;
  }

  producer(id: string): types.Producer<ProducerAppData> {
    const p = this.producers.get(id);
    if (!p) {
      throw new NotFoundError('producer');
    }
    return p;
  }

  async consume(
    transportId: string,
    producer: types.Producer<ProducerAppData>,
    rtpCapabilities: RtpCapabilitiesWire,
  ): Promise<ConsumerOptionsWire> {
    const transport = this.transport(transportId);
    if (transport.appData['direction'] !== 'recv') {
      throw new MediaError('this transport does not receive');
    }
    if (producer.appData.participantId === this.participantId) {
      throw new MediaError('a participant does not consume its own tracks');
    }
    if (!this.router.canConsume({ producerId: producer.id, rtpCapabilities })) {
      throw new MediaError('this device cannot receive that track', ErrorCode.MEDIA_ERROR);
    }
    // Consumers start paused: the client resumes once its side is ready, so the first
    // video frame it gets is a key frame it can decode.
    const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities, paused: true });
    if (consumer.kind === 'video') {
      // On a weak downlink the bandwidth estimate is shared by priority: documents first,
      // then cameras; each gets lower layers before the link overflows (audio is never cut).
      await consumer.setPriority(producer.appData.source === 'screen' ? SCREEN_PRIORITY : CAMERA_PRIORITY);
    }
    this.consumers.set(consumer.id, consumer);
    consumer.on('listenererror', (eventName, err) => this.log.error({ eventName, err }, 'consumer listener failed'));
    consumer.observer.on('close', () => {
      this.consumers.delete(consumer.id);
      if (!this.closing) {
        this.listener.consumerClosed(this, consumer.id);
      }
    });
    return {
      id: consumer.id,
      producerId: producer.id,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      participantId: producer.appData.participantId,
      source: producer.appData.source,
      producerPaused: consumer.producerPaused,
    };
  }

  consumer(id: string): types.Consumer {
    const c = this.consumers.get(id);
    if (!c) {
      throw new NotFoundError('consumer');
    }
    return c;
  }

  /** The open microphone producers (at most one). */
  mics(): types.Producer<ProducerAppData>[] {
    return [...this.producers.values()].filter((p) => p.appData.source === 'mic' && !p.closed);
  }

  producerInfos(): ProducerInfo[] {
    return [...this.producers.values()].map(producerInfo);
  }

  /** Whether this peer still holds every one of these transports (open). */
  holdsTransports(ids: readonly string[]): boolean {
    return ids.every((id) => this.transports.get(id)?.closed === false);
  }

  /** Idempotent. Closing the transports closes every producer and consumer on them. */
  close(): void {
    if (this.closing) {
      return;
    }
    this.closing = true;
    for (const t of this.transports.values()) {
      t.close();
    }
  }
}

export function producerInfo(p: types.Producer<ProducerAppData>): ProducerInfo {
  return {
    producerId: p.id,
    participantId: p.appData.participantId,
    siteId: p.appData.siteId,
    kind: p.kind,
    source: p.appData.source,
    paused: p.paused,
  };
}

import { z } from 'zod';
import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';
import {
  ErrorCode,
  MediaSourceSchema,
  type MediaSource as MediaSourceKind,
  type ParticipantId,
  type ProducerInfo,
} from '@concord/shared';
import type { RequestPayload as Payload, RequestReply as Reply } from '../protocol';
import { assertUnreachable } from '../assert';
import { AppError, ClientErrorCode } from '../state/errors';
import { log } from '../logger';
import type { StatsDirection, TransportStatsRows } from './clientStats';
import { toDeviceRtpCapabilities, toRtpCapabilitiesWire, toRtpParametersWire, toTransportOptions } from './wire';

/** The requests the media layer needs; `Signaling` implements them over the socket. */
export interface MediaSignaling {
  getRouterRtpCapabilities(): Promise<Reply<'media:getRouterRtpCapabilities'>>;
  createTransport(p: Payload<'media:createTransport'>): Promise<Reply<'media:createTransport'>>;
  connectTransport(p: Payload<'media:connectTransport'>): Promise<Reply<'media:connectTransport'>>;
  restartIce(p: Payload<'media:restartIce'>): Promise<Reply<'media:restartIce'>>;
  produce(p: Payload<'media:produce'>): Promise<Reply<'media:produce'>>;
  closeProducer(p: Payload<'media:closeProducer'>): Promise<Reply<'media:closeProducer'>>;
  pauseProducer(p: Payload<'media:pauseProducer'>): Promise<Reply<'media:pauseProducer'>>;
  resumeProducer(p: Payload<'media:resumeProducer'>): Promise<Reply<'media:resumeProducer'>>;
  consume(p: Payload<'media:consume'>): Promise<Reply<'media:consume'>>;
  resumeConsumer(p: Payload<'media:resumeConsumer'>): Promise<Reply<'media:resumeConsumer'>>;
  setConsumerLayers(p: Payload<'media:setConsumerLayers'>): Promise<Reply<'media:setConsumerLayers'>>;
}

export interface MediaClientListener {
  /** A remote track went away without being asked to: its consumer or transport closed. */
  remoteTrackClosed(producerId: string): void;
  /** A transport failed and ICE restarts did not bring it back; the media must be rebuilt. */
  transportFailed(direction: TransportDirection): void;
}

export type TransportDirection = StatsDirection;

/** A consumed track of another participant. */
export interface RemoteTrack {
  consumerId: string;
  producerId: string;
  participantId: ParticipantId;
  kind: 'audio' | 'video';
  source: MediaSourceKind;
  track: MediaStreamTrack;
}

/** Inbound RTP counters of one consumer (what the end-to-end tests read). */
export interface ConsumerStats {
  participantId: string;
  kind: 'audio' | 'video';
  bytesReceived: number;
  framesDecoded?: number;
}

/**
 * Three simulcast layers, so that a site on a weak link still receives the lowest one while
 * well-connected sites get full resolution. The SFU picks a layer per receiver.
 */
const CAMERA_SIMULCAST: readonly Readonly<types.RtpEncodingParameters>[] = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];
/** The best camera layer; a site on a weak uplink is held to layer 0 (see `setCameraMaxSpatialLayer`). */
export const CAMERA_TOP_LAYER = CAMERA_SIMULCAST.length - 1;
const CAMERA_CODEC_OPTIONS: types.ProducerCodecOptions = { videoGoogleStartBitrate: 1000 };
/** Documents need sharp text, not motion: one layer with room for detail. */
const SCREEN_MAX_BITRATE = 1_500_000;
/** ICE restarts tried on a failed transport before the whole media is rebuilt. */
const MAX_ICE_RESTARTS = 3;

const InboundRtpSchema = z.object({
  type: z.literal('inbound-rtp'),
  bytesReceived: z.number().optional(),
  framesDecoded: z.number().optional(),
});

function producerOptions(source: MediaSourceKind): Pick<types.ProducerOptions, 'encodings' | 'codecOptions'> {
  switch (source) {
    case 'mic':
      return {};
    case 'camera':
      // Copies: mediasoup-client writes into the encodings it is given.
      return { encodings: CAMERA_SIMULCAST.map((e) => ({ ...e })), codecOptions: CAMERA_CODEC_OPTIONS };
    case 'screen':
      return { encodings: [{ maxBitrate: SCREEN_MAX_BITRATE }] };
    default:
      return assertUnreachable(source);
  }
}

interface ConsumerEntry {
  consumer: types.Consumer;
  remote: RemoteTrack;
  spatialLayer: number | null;
}

/**
 * One mediasoup-client Device with its send and receive transports, the local producers
 * (one per source) and the consumers of other participants' producers. It owns all of them:
 * `close()` closes everything and is idempotent. After a media reset or a reconnect the
 * caller drops this object and builds a new one.
 */
export class MediaClient {
  private device: Device | null = null;
  private sendTransport: types.Transport | null = null;
  private recvTransport: types.Transport | null = null;
  private readonly producers = new Map<MediaSourceKind, types.Producer>();
  private readonly publishing = new Set<MediaSourceKind>();
  /** By producer id: there is at most one consumer per remote producer. */
  private readonly consumers = new Map<string, ConsumerEntry>();
  /** Producer ids with a consume request in flight. */
  private readonly consuming = new Set<string>();
  /** The highest camera layer we send; kept so that a camera published later obeys it too. */
  private cameraMaxSpatialLayer = CAMERA_TOP_LAYER;
  private closed = false;

  constructor(
    private readonly signaling: MediaSignaling,
    private readonly listener: MediaClientListener,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** True once the device is loaded and the transports exist. */
  get isLoaded(): boolean {
    return !this.closed && this.recvTransport !== null;
  }

  /** Loads a new Device with the router's capabilities and creates both transports. */
  async load(): Promise<void> {
    const routerRtpCapabilities = toDeviceRtpCapabilities(await this.signaling.getRouterRtpCapabilities());
    this.assertOpen();
    let device: Device;
    try {
      device = await Device.factory();
      await device.load({ routerRtpCapabilities });
    } catch (err) {
      throw new AppError(ClientErrorCode.MEDIA_UNSUPPORTED, err instanceof Error ? err.message : String(err));
    }
    this.assertOpen();
    this.device = device;
    this.recvTransport = await this.createTransport(device, 'recv');
    try {
      this.sendTransport = await this.createTransport(device, 'send');
    } catch (err) {
      // A role that may not publish still receives.
      if (err instanceof AppError && err.code === ErrorCode.FORBIDDEN) {
        log.info('this participant may not publish media');
        return;
      }
      throw err;
    }
  }

  get canPublish(): boolean {
    return !this.closed && this.sendTransport !== null;
  }

  hasProducer(source: MediaSourceKind): boolean {
    return this.producers.has(source);
  }

  isPaused(source: MediaSourceKind): boolean {
    return this.producers.get(source)?.paused ?? false;
  }

  /** The source of one of our own producers, or null if the id is not ours. */
  sourceOfProducer(producerId: string): MediaSourceKind | null {
    for (const [source, producer] of this.producers) {
      if (producer.id === producerId) {
        return source;
      }
    }
    return null;
  }

  ownsProducer(producerId: string): boolean {
    return this.sourceOfProducer(producerId) !== null;
  }

  /**
   * Publishes a local track. The track stays the caller's: closing the producer does not
   * stop it, so it can be published again after a media reset.
   */
  async publish(source: MediaSourceKind, track: MediaStreamTrack, paused: boolean): Promise<void> {
    const transport = this.sendTransport;
    if (!transport || this.closed) {
      throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, 'no send transport');
    }
    if (this.producers.has(source) || this.publishing.has(source)) {
      return;
    }
    this.publishing.add(source);
    try {
      track.enabled = !paused;
      const producer = await transport.produce({
        track,
        stopTracks: false,
        appData: { source, paused },
        ...producerOptions(source),
      });
      if (this.closed) {
        producer.close();
        return;
      }
      // The server created it paused already (the flag went with media:produce); this keeps
      // the local sender in step without a second request.
      if (paused) {
        producer.pause();
      }
      this.producers.set(source, producer);
      producer.on('transportclose', () => this.producers.delete(source));
      if (source === 'camera' && this.cameraMaxSpatialLayer < CAMERA_TOP_LAYER) {
        await this.applyCameraMaxLayer(producer);
      }
    } finally {
      this.publishing.delete(source);
    }
  }

  async unpublish(source: MediaSourceKind): Promise<void> {
    const producer = this.producers.get(source);
    if (!producer) {
      return;
    }
    this.producers.delete(source);
    producer.close();
    await this.signaling.closeProducer({ producerId: producer.id });
  }

  /** Forgets a producer the server closed, without asking the server. */
  dropProducer(source: MediaSourceKind): void {
    this.producers.get(source)?.close();
    this.producers.delete(source);
  }

  /**
   * Mutes or unmutes a published source. The local side changes first (muting must be
   * immediate); if the server refuses, the local side is put back and the error thrown.
   */
  async setPaused(source: MediaSourceKind, paused: boolean): Promise<void> {
    const producer = this.producers.get(source);
    if (!producer || producer.paused === paused) {
      return;
    }
    if (paused) {
      producer.pause();
    } else {
      producer.resume();
    }
    try {
      const ref = { producerId: producer.id };
      await (paused ? this.signaling.pauseProducer(ref) : this.signaling.resumeProducer(ref));
    } catch (err) {
      if (!producer.closed) {
        if (paused) {
          producer.resume();
        } else {
          producer.pause();
        }
      }
      throw err;
    }
  }

  /** Applies a pause the server made on one of our producers (e.g. the chair muted us). */
  applyServerPause(source: MediaSourceKind, paused: boolean): void {
    const producer = this.producers.get(source);
    if (!producer || producer.paused === paused) {
      return;
    }
    if (paused) {
      producer.pause();
    } else {
      producer.resume();
    }
  }

  /**
   * Sends only the camera layers up to `spatialLayer` (0: the lowest alone), to spare a weak
   * uplink. Holds for a camera published later as well.
   */
  async setCameraMaxSpatialLayer(spatialLayer: number): Promise<void> {
    this.cameraMaxSpatialLayer = Math.max(0, Math.min(CAMERA_TOP_LAYER, spatialLayer));
    const producer = this.producers.get('camera');
    if (producer) {
      await this.applyCameraMaxLayer(producer);
    }
  }

  /**
   * Consumes another participant's producer. Resolves with the new track, or null when the
   * producer is already consumed, went away meanwhile, or this client was closed.
   */
  async consume(info: ProducerInfo): Promise<RemoteTrack | null> {
    const transport = this.recvTransport;
    const device = this.device;
    if (this.closed || !transport || !device) {
      return null;
    }
    const { producerId } = info;
    if (this.consumers.has(producerId) || this.consuming.has(producerId)) {
      return null;
    }
    this.consuming.add(producerId);
    try {
      const options = await this.signaling.consume({
        transportId: transport.id,
        producerId,
        rtpCapabilities: toRtpCapabilitiesWire(device.rtpCapabilities),
      });
      // `consuming` loses the id when the producer closes while the request is in flight.
      if (this.closed || !this.consuming.has(producerId)) {
        return null;
      }
      const consumer = await transport.consume({
        id: options.id,
        producerId: options.producerId,
        kind: options.kind,
        rtpParameters: options.rtpParameters,
      });
      if (this.closed || !this.consuming.has(producerId)) {
        consumer.close();
        return null;
      }
      const remote: RemoteTrack = {
        consumerId: consumer.id,
        producerId,
        participantId: info.participantId,
        kind: options.kind,
        source: info.source,
        track: consumer.track,
      };
      this.consumers.set(producerId, { consumer, remote, spatialLayer: null });
      consumer.on('transportclose', () => this.forgetConsumer(producerId));
      consumer.on('trackended', () => this.forgetConsumer(producerId));
      // The server creates consumers paused, so that no packet arrives before the track is wired.
      await this.signaling.resumeConsumer({ consumerId: consumer.id });
      return this.consumers.has(producerId) ? remote : null;
    } finally {
      this.consuming.delete(producerId);
    }
  }

  /** Closes our consumer of a producer that was closed; returns false if there was none. */
  closeConsumerOfProducer(producerId: string): boolean {
    this.consuming.delete(producerId);
    const entry = this.consumers.get(producerId);
    if (!entry) {
      return false;
    }
    this.consumers.delete(producerId);
    entry.consumer.close();
    return true;
  }

  /** Closes a consumer the server closed; returns its producer id, or null if unknown. */
  closeConsumer(consumerId: string): string | null {
    for (const [producerId, entry] of this.consumers) {
      if (entry.consumer.id === consumerId) {
        this.closeConsumerOfProducer(producerId);
        return producerId;
      }
    }
    return null;
  }

  /**
   * Asks the SFU for one simulcast layer of every camera: small tiles do not need the full
   * resolution, and a site on a weak link saves its downlink for audio.
   */
  async setCameraSpatialLayer(spatialLayer: number, force = false): Promise<void> {
    const requests: Promise<unknown>[] = [];
    for (const entry of this.consumers.values()) {
      const unchanged = entry.spatialLayer === spatialLayer && !force;
      if (entry.remote.source !== 'camera' || entry.remote.kind !== 'video' || unchanged) {
        continue;
      }
      entry.spatialLayer = spatialLayer;
      requests.push(
        this.signaling.setConsumerLayers({ consumerId: entry.consumer.id, spatialLayer }).catch((err: unknown) => {
          entry.spatialLayer = null;
          log.warn('could not set the consumer layer', err);
        }),
      );
    }
    await Promise.all(requests);
  }

  async stats(): Promise<ConsumerStats[]> {
    const entries = [...this.consumers.values()];
    const settled = await Promise.allSettled(
      entries.map(async ({ consumer, remote }): Promise<ConsumerStats> => {
        const report = await consumer.getStats();
        let bytesReceived = 0;
        let framesDecoded: number | undefined;
        report.forEach((stat: unknown) => {
          const inbound = InboundRtpSchema.safeParse(stat);
          if (!inbound.success) {
            return;
          }
          bytesReceived += inbound.data.bytesReceived ?? 0;
          if (inbound.data.framesDecoded !== undefined) {
            framesDecoded = (framesDecoded ?? 0) + inbound.data.framesDecoded;
          }
        });
        return { participantId: remote.participantId, kind: remote.kind, bytesReceived, framesDecoded };
      }),
    );
    return settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  }

  /** The raw stats of both transports, for the client's own connection report. */
  async transportStats(): Promise<TransportStatsRows[]> {
    const transports: [StatsDirection, types.Transport | null][] = [
      ['send', this.sendTransport],
      ['recv', this.recvTransport],
    ];
    const out: TransportStatsRows[] = [];
    for (const [direction, transport] of transports) {
      if (!transport || transport.closed || this.closed) {
        continue;
      }
      try {
        const report = await transport.getStats();
        const rows: unknown[] = [];
        report.forEach((row: unknown) => rows.push(row));
        out.push({ direction, rows });
      } catch (err) {
        log.info(`no stats from the ${direction} transport`, err);
      }
    }
    return out;
  }

  close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    // Maps are emptied first so that the close cascade does not report each track as lost.
    const consumers = [...this.consumers.values()];
    this.consumers.clear();
    this.consuming.clear();
    for (const { consumer } of consumers) {
      consumer.close();
    }
    const producers = [...this.producers.values()];
    this.producers.clear();
    for (const producer of producers) {
      producer.close();
    }
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = null;
    this.recvTransport = null;
    this.device = null;
  }

  private async applyCameraMaxLayer(producer: types.Producer): Promise<void> {
    if (producer.closed) {
      return;
    }
    try {
      await producer.setMaxSpatialLayer(this.cameraMaxSpatialLayer);
    } catch (err) {
      log.warn('could not limit the camera layers', err);
    }
  }

  private forgetConsumer(producerId: string): void {
    if (this.closed || !this.consumers.has(producerId)) {
      return;
    }
    this.closeConsumerOfProducer(producerId);
    this.listener.remoteTrackClosed(producerId);
  }

  private async createTransport(device: Device, direction: TransportDirection): Promise<types.Transport> {
    const wire = await this.signaling.createTransport({ direction });
    this.assertOpen();
    const options = toTransportOptions(wire);
    const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);

    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.signaling.connectTransport({ transportId: transport.id, dtlsParameters }).then(
        () => callback(),
        (err: unknown) => errback(asError(err)),
      );
    });

    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const source = MediaSourceSchema.safeParse(appData['source']);
        if (!source.success) {
          errback(new Error('a producer was created without a media source'));
          return;
        }
        this.signaling
          .produce({
            transportId: transport.id,
            kind,
            rtpParameters: toRtpParametersWire(rtpParameters),
            source: source.data,
            paused: appData['paused'] === true,
          })
          .then(
            ({ producerId }) => callback({ id: producerId }),
            (err: unknown) => errback(asError(err)),
          );
      });
    }

    let iceRestarts = 0;
    transport.on('connectionstatechange', (state) => {
      if (state === 'connected') {
        iceRestarts = 0;
      } else if (state === 'failed') {
        iceRestarts += 1;
        void this.restartIce(transport, direction, iceRestarts);
      }
    });
    return transport;
  }

  /** A failed transport first gets an ICE restart: cheap, and it keeps every producer and consumer. */
  private async restartIce(transport: types.Transport, direction: TransportDirection, attempt: number): Promise<void> {
    if (this.closed || transport.closed) {
      return;
    }
    if (attempt > MAX_ICE_RESTARTS) {
      this.listener.transportFailed(direction);
      return;
    }
    try {
      const iceParameters = await this.signaling.restartIce({ transportId: transport.id });
      if (!this.closed && !transport.closed) {
        await transport.restartIce({ iceParameters });
      }
    } catch (err) {
      log.warn(`ICE restart of the ${direction} transport failed`, err);
      if (!this.closed) {
        this.listener.transportFailed(direction);
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new AppError(ClientErrorCode.DISCONNECTED, 'the media client was closed');
    }
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';
import { ErrorCode, type MediaSource as MediaSourceKind, type ProducerInfo } from '@concord/shared';
import { assertUnreachable } from '../assert';
import { AppError, ClientErrorCode, toAppError } from '../state/errors';
import type { Send } from '../state/send';
import { log } from '../logger';
import type { StatsDirection, TransportStatsRows } from './clientStats';
import { Consumers, type ConsumerStats, type RemoteTrack } from './consumers';
import { createTransport, restartIce, type TransportDirection, type TransportOwner } from './transports';
import { IceServerRenewal } from './iceServers';
import { toDeviceRtpCapabilities } from './wire';

export type { ConsumerStats, RemoteTrack } from './consumers';
export type { TransportDirection } from './transports';

/** The requests the media layer needs: the client's one generic sender (`state/send.ts`). */
export interface MediaSignaling {
  readonly send: Send;
  /** Whether a request sent now reaches a joined session (not while the socket is down or rejoining). */
  readonly isServed: () => boolean;
}

export interface MediaClientListener {
  /** A remote track went away without being asked to: its consumer or transport closed. */
  remoteTrackClosed(producerId: string): void;
  /** A transport failed and ICE restarts did not bring it back; the media must be rebuilt. */
  transportFailed(direction: TransportDirection): void;
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
/**
 * Speech first: in-band FEC rebuilds a lost packet from the next one, DTX sends next to
 * nothing in silence (a weak uplink keeps its bits for when someone speaks).
 */
const MIC_CODEC_OPTIONS: types.ProducerCodecOptions = { opusFec: true, opusDtx: true };
/** Documents need sharp text, not motion: one layer with room for detail. */
const SCREEN_MAX_BITRATE = 1_500_000;
function producerOptions(source: MediaSourceKind): Pick<types.ProducerOptions, 'encodings' | 'codecOptions'> {
  switch (source) {
    case 'mic':
      return { codecOptions: MIC_CODEC_OPTIONS };
    case 'camera':
      // Copies: mediasoup-client writes into the encodings it is given.
      return { encodings: CAMERA_SIMULCAST.map((e) => ({ ...e })), codecOptions: CAMERA_CODEC_OPTIONS };
    case 'screen':
      return { encodings: [{ maxBitrate: SCREEN_MAX_BITRATE }] };
    default:
      return assertUnreachable(source);
  }
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
  private readonly consumers: Consumers;
  /** The highest camera layer we send; kept so that a camera published later obeys it too. */
  private cameraMaxSpatialLayer = CAMERA_TOP_LAYER;
  private closed = false;
  private readonly iceRenewal: IceServerRenewal;
  private readonly transportOwner: TransportOwner;

  constructor(
    private readonly signaling: MediaSignaling,
    listener: MediaClientListener,
  ) {
    this.consumers = new Consumers(signaling.send, (producerId) => listener.remoteTrackClosed(producerId));
    this.transportOwner = {
      send: signaling.send,
      canSignal: signaling.isServed,
      isClosed: () => this.closed,
      failed: (d) => listener.transportFailed(d),
    };
    this.iceRenewal = new IceServerRenewal(signaling.send, async (iceServers) => {
      for (const t of [this.sendTransport, this.recvTransport]) {
        if (t && !t.closed) {
          await t.updateIceServers({ iceServers });
        }
      }
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** True once the device is loaded and the transports exist. */
  get isLoaded(): boolean {
    return !this.closed && this.recvTransport !== null;
  }

  /**
   * Loads a new Device with the router's capabilities and creates both transports, with the
   * deployment's TURN servers (their credential renewed from then on). Requests that do not
   * depend on each other go together: a site 150 ms away waits for fewer round trips.
   */
  async load(): Promise<void> {
    const [capabilities, ice] = await Promise.all([
      this.signaling.send('media:getRouterRtpCapabilities', {}),
      this.signaling.send('media:iceServers', {}),
    ]);
    const routerRtpCapabilities = toDeviceRtpCapabilities(capabilities);
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
    const [recv, send] = await Promise.allSettled([
      this.openTransport(device, 'recv', ice.iceServers),
      this.openTransport(device, 'send', ice.iceServers),
    ]);
    if (send.status === 'fulfilled') {
      this.sendTransport = send.value;
    }
    if (recv.status === 'rejected') {
      this.sendTransport?.close();
      this.sendTransport = null;
      throw toAppError(recv.reason);
    }
    this.recvTransport = recv.value;
    this.iceRenewal.start(ice);
    if (send.status === 'rejected') {
      // A role that may not publish still receives.
      if (send.reason instanceof AppError && send.reason.code === ErrorCode.FORBIDDEN) {
        log.info('this participant may not publish media');
        return;
      }
      throw toAppError(send.reason);
    }
  }

  /** The send transport's stats (what the uplink carries), or null without one. */
  async sendStats(): Promise<Iterable<unknown> | null> {
    const t = this.sendTransport;
    if (!t || t.closed || this.closed) {
      return null;
    }
    return (await t.getStats()).values();
  }

  /** The ids of both transports (for the server to keep them when the socket comes back). */
  transportIds(): string[] {
    return [this.recvTransport, this.sendTransport].flatMap((t) => (t && !t.closed ? [t.id] : []));
  }

  /**
   * After the link came back with the media kept: a transport whose ICE lost its path gets
   * an ICE restart at once (the new path may differ), rather than waiting for it to fail.
   */
  async recoverIce(): Promise<void> {
    const transports: [TransportDirection, types.Transport | null][] = [
      ['recv', this.recvTransport],
      ['send', this.sendTransport],
    ];
    await Promise.all(
      transports.map(async ([direction, t]) => {
        if (t && !t.closed && (t.connectionState === 'disconnected' || t.connectionState === 'failed')) {
          await restartIce(this.transportOwner, t, direction, 1);
        }
      }),
    );
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

  /** The sources this client publishes now. */
  publishedSources(): MediaSourceKind[] {
    return [...this.producers.keys()];
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
    await this.signaling.send('media:closeProducer', { producerId: producer.id });
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
      await this.signaling.send(paused ? 'media:pauseProducer' : 'media:resumeProducer', ref);
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
  consume(info: ProducerInfo): Promise<RemoteTrack | null> {
    const transport = this.recvTransport;
    const device = this.device;
    if (this.closed || !transport || !device) {
      return Promise.resolve(null);
    }
    return this.consumers.consume(info, transport, device);
  }

  /** Closes our consumer of a producer that was closed; returns false if there was none. */
  closeConsumerOfProducer(producerId: string): boolean {
    return this.consumers.closeOfProducer(producerId);
  }

  /** Closes a consumer the server closed; returns its producer id, or null if unknown. */
  closeConsumer(consumerId: string): string | null {
    return this.consumers.closeConsumer(consumerId);
  }

  /**
   * Asks the SFU for one simulcast layer of every camera: small tiles do not need the full
   * resolution, and a site on a weak link saves its downlink for audio.
   */
  setCameraSpatialLayer(spatialLayer: number, force = false): Promise<void> {
    return this.consumers.setCameraSpatialLayer(spatialLayer, force);
  }

  stats(): Promise<ConsumerStats[]> {
    return this.consumers.stats();
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
    this.iceRenewal.close();
    // Consumers and producers first, so that the close cascade does not report each track as lost.
    this.consumers.close();
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

  private openTransport(
    device: Device,
    direction: TransportDirection,
    iceServers: RTCIceServer[],
  ): Promise<types.Transport> {
    return createTransport(this.transportOwner, device, direction, iceServers);
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new AppError(ClientErrorCode.DISCONNECTED, 'the media client was closed');
    }
  }
}

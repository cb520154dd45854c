import { z } from 'zod';
import type { Device, types } from 'mediasoup-client';
import type { MediaSource as MediaSourceKind, ParticipantId, ProducerInfo } from '@concord/shared';
import { log } from '../logger';
import type { Send } from '../state/send';
import { toRtpCapabilitiesWire } from './wire';

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
  producerId: string;
  consumerId: string;
  kind: 'audio' | 'video';
  bytesReceived: number;
  framesDecoded?: number;
  /** Video: the width of the frames received now (which simulcast layer arrives). */
  frameWidth?: number;
  /** Audio: samples played, and of those, made up by the browser to hide losses. */
  totalSamplesReceived?: number;
  concealedSamples?: number;
  /** Of those, made up while the other side was silent (comfort noise): no speech was lost. */
  silentConcealedSamples?: number;
}

const InboundRtpSchema = z.object({
  type: z.literal('inbound-rtp'),
  bytesReceived: z.number().optional(),
  framesDecoded: z.number().optional(),
  frameWidth: z.number().optional(),
  totalSamplesReceived: z.number().optional(),
  concealedSamples: z.number().optional(),
  silentConcealedSamples: z.number().optional(),
});

interface ConsumerEntry {
  consumer: types.Consumer;
  remote: RemoteTrack;
  spatialLayer: number | null;
}

/**
 * Our consumers of other participants' producers, at most one per producer, on one receive
 * transport. Owned by the `MediaClient`, which closes them with it.
 */
export class Consumers {
  /** By producer id. */
  private readonly consumers = new Map<string, ConsumerEntry>();
  /** Producer ids with a consume request in flight. */
  private readonly consuming = new Set<string>();
  private closed = false;

  /** `lost`: a consumer went away without being asked to (its transport or track closed). */
  constructor(
    private readonly send: Send,
    private readonly lost: (producerId: string) => void,
  ) {}

  /**
   * Consumes a producer. Resolves with the new track, or null when the producer is already
   * consumed, went away meanwhile, or these consumers were closed.
   */
  async consume(info: ProducerInfo, transport: types.Transport, device: Device): Promise<RemoteTrack | null> {
    const { producerId } = info;
    if (this.closed || this.consumers.has(producerId) || this.consuming.has(producerId)) {
      return null;
    }
    this.consuming.add(producerId);
    try {
      const options = await this.send('media:consume', {
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
      consumer.on('transportclose', () => this.forget(producerId));
      consumer.on('trackended', () => this.forget(producerId));
      // The server creates consumers paused, so that no packet arrives before the track is wired.
      await this.send('media:resumeConsumer', { consumerId: consumer.id });
      return this.consumers.has(producerId) ? remote : null;
    } finally {
      this.consuming.delete(producerId);
    }
  }

  /** Closes our consumer of a producer that was closed; returns false if there was none. */
  closeOfProducer(producerId: string): boolean {
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
        this.closeOfProducer(producerId);
        return producerId;
      }
    }
    return null;
  }

  /** Asks the SFU for one simulcast layer of every camera (`force`: even the one asked for last). */
  async setCameraSpatialLayer(spatialLayer: number, force: boolean): Promise<void> {
    const requests: Promise<unknown>[] = [];
    for (const entry of this.consumers.values()) {
      const unchanged = entry.spatialLayer === spatialLayer && !force;
      if (entry.remote.source !== 'camera' || entry.remote.kind !== 'video' || unchanged) {
        continue;
      }
      entry.spatialLayer = spatialLayer;
      requests.push(
        this.send('media:setConsumerLayers', { consumerId: entry.consumer.id, spatialLayer }).catch((err: unknown) => {
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
        const extra: Pick<
          ConsumerStats,
          'frameWidth' | 'totalSamplesReceived' | 'concealedSamples' | 'silentConcealedSamples'
        > = {};
        report.forEach((stat: unknown) => {
          const inbound = InboundRtpSchema.safeParse(stat);
          if (!inbound.success) {
            return;
          }
          const s = inbound.data;
          bytesReceived += s.bytesReceived ?? 0;
          if (s.framesDecoded !== undefined) {
            framesDecoded = (framesDecoded ?? 0) + s.framesDecoded;
          }
          extra.frameWidth = s.frameWidth ?? extra.frameWidth;
          extra.totalSamplesReceived = s.totalSamplesReceived ?? extra.totalSamplesReceived;
          extra.concealedSamples = s.concealedSamples ?? extra.concealedSamples;
          extra.silentConcealedSamples = s.silentConcealedSamples ?? extra.silentConcealedSamples;
        });
        return {
          participantId: remote.participantId,
          producerId: remote.producerId,
          consumerId: remote.consumerId,
          kind: remote.kind,
          bytesReceived,
          framesDecoded,
          ...extra,
        };
      }),
    );
    return settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  }

  /** Idempotent. The map is emptied first so that the close cascade does not report each track as lost. */
  close(): void {
    this.closed = true;
    const consumers = [...this.consumers.values()];
    this.consumers.clear();
    this.consuming.clear();
    for (const { consumer } of consumers) {
      consumer.close();
    }
  }

  private forget(producerId: string): void {
    if (this.closed || !this.consumers.has(producerId)) {
      return;
    }
    this.closeOfProducer(producerId);
    this.lost(producerId);
  }
}

import { ErrorCode, mayUseMic } from '@concord/shared';
import { mayPublish } from '../domain/media.js';
import { ConcordError, ForbiddenError, MediaError } from '../errors.js';
import type { Peer } from '../media/peer.js';
import type { Room } from '../media/room.js';
import type { RoomRegistry } from '../media/rooms.js';
import type { ConnectionContext } from './context.js';
import type { ProceedingsService } from './proceedingsService.js';
import { applyModeToConsumer, type HealthMonitor } from '../health/monitor.js';
import { sessionRoom, type ConcordServer } from './types.js';

/** WebRTC signaling: transports, producers, consumers, each on the caller's own peer only. */
export function registerMediaHandlers(
  ctx: ConnectionContext,
  io: ConcordServer,
  rooms: RoomRegistry,
  service: ProceedingsService,
  monitor: HealthMonitor,
): void {
  const { claims, self, socket } = ctx;
  // What mediasoup refuses (a second connect, parameters it cannot use, a closed object) is
  // the client's doing: it becomes MEDIA_ERROR with mediasoup's reason, never INTERNAL.
  const on: typeof ctx.on = (event, handler) =>
    ctx.on(event, async (payload) => {
      try {
        return await handler(payload);
      } catch (err) {
        if (err instanceof ConcordError) {
          throw err;
        }
        throw new MediaError(`${event}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  const sid = claims.sid;
  const room = (): Promise<Room> => rooms.get(sid);
  const peer = async (): Promise<Peer> => (await room()).peerFor(self(), claims.site);
  const existingPeer = async (): Promise<Peer> => {
    const p = (await room()).getPeer(self());
    if (!p) {
      throw new ConcordError(ErrorCode.NOT_FOUND, 'no media set up; create a transport first');
    }
    return p;
  };

  on('media:getRouterRtpCapabilities', async () => {
    self();
    return (await room()).rtpCapabilities;
  });

  on('media:createTransport', async ({ direction }) => (await peer()).createTransport(direction));

  on('media:connectTransport', async ({ transportId, dtlsParameters }) => {
    await (await existingPeer()).connectTransport(transportId, dtlsParameters);
    return null;
  });

  on('media:restartIce', async ({ transportId }) => (await existingPeer()).restartIce(transportId));

  on('media:produce', async ({ transportId, kind, rtpParameters, source, paused }) => {
    if (!mayPublish(claims.role, source)) {
      throw new ForbiddenError(`a ${claims.role} may not publish ${source}`);
    }
    if ((source === 'mic') !== (kind === 'audio')) {
      throw new ConcordError(ErrorCode.INVALID_PAYLOAD, `a ${source} track cannot be ${kind}`);
    }
    const mediaRoom = await room();
    const p = await existingPeer();
    const producer = await p.produce(transportId, kind, rtpParameters, source, paused ?? false);
    mediaRoom.watchAudio(producer);
    socket.to(sessionRoom(sid)).emit('producer:new', {
      producerId: producer.id,
      participantId: p.participantId,
      siteId: p.siteId,
      kind: producer.kind,
      source,
      paused: producer.paused,
    });
    if (source === 'mic') {
      // Someone joining during floor mode with an open microphone is muted at once.
      await service.enforceFloorMode(sid, await service.get(sid));
    }
    return { producerId: producer.id };
  });

  on('media:closeProducer', async ({ producerId }) => {
    (await existingPeer()).producer(producerId).close();
    return null;
  });

  on('media:pauseProducer', async ({ producerId }) => {
    await (await existingPeer()).producer(producerId).pause();
    io.to(sessionRoom(sid)).emit('producer:updated', { producerId, paused: true });
    return null;
  });

  on('media:resumeProducer', async ({ producerId }) => {
    const p = await existingPeer();
    const producer = p.producer(producerId);
    if (producer.appData.source === 'mic') {
      const proceedings = await service.get(sid);
      if (!mayUseMic(proceedings, p, service.isChair(proceedings, p.participantId))) {
        throw new ConcordError(
          ErrorCode.FLOOR_MODE,
          'floor mode: you can unmute when the chair gives your site the floor',
        );
      }
    }
    await producer.resume();
    io.to(sessionRoom(sid)).emit('producer:updated', { producerId, paused: false });
    return null;
  });

  on('media:consume', async ({ transportId, producerId, rtpCapabilities }) => {
    const mediaRoom = await room();
    return (await existingPeer()).consume(transportId, mediaRoom.findProducer(producerId), rtpCapabilities);
  });

  on('media:resumeConsumer', async ({ consumerId }) => {
    const consumer = (await existingPeer()).consumer(consumerId);
    const mode = monitor.modeOf(sid, claims.site);
    if (consumer.kind === 'video' && mode !== 'full') {
      // An operator moved this site down: its video stays paused or on the lowest layer.
      await applyModeToConsumer(consumer, mode);
    } else {
      await consumer.resume();
    }
    return null;
  });

  on('media:setConsumerLayers', async ({ consumerId, spatialLayer, temporalLayer }) => {
    await (
      await existingPeer()
    )
      .consumer(consumerId)
      .setPreferredLayers(temporalLayer === undefined ? { spatialLayer } : { spatialLayer, temporalLayer });
    return null;
  });
}

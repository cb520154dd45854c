import { ErrorCode, publishAction, type RequestName } from '@concord/shared';
import { ConcordError, MediaError, NotFoundError } from '../errors.js';
import type { TurnCredentials } from '../auth/turn.js';
import type { NodePipes } from '../media/nodePipes.js';
import { producerInfo, type Peer } from '../media/peer.js';
import type { ProducerRegistry } from '../store/producerRegistry.js';
import type { Room } from '../media/room.js';
import type { RoomRegistry } from '../media/rooms.js';
import { applyModeToConsumer } from '../media/modes.js';
import { authorize, type Caller } from '../services/caller.js';
import type { FloorMedia } from '../services/floorMedia.js';
import type { SessionLogs } from '../services/sessionLog.js';
import type { Handlers } from './router.js';
import { sessionRoom, type ConcordSocket } from './types.js';

export interface MediaHandlerDeps {
  rooms: RoomRegistry;
  logs: SessionLogs;
  floorMedia: FloorMedia;
  registry: ProducerRegistry;
  pipes: NodePipes;
  turn: TurnCredentials;
  nodeId: string;
}

type MediaRequest = Extract<RequestName, `media:${string}`>;

/**
 * What mediasoup refuses (a second connect, parameters it cannot use, a closed object) is the
 * client's doing: it becomes MEDIA_ERROR with mediasoup's reason, never INTERNAL.
 */
function mediaErrors<H extends Partial<Handlers>>(handlers: H): H {
  const wrapped: Record<string, unknown> = {};
  for (const [event, handler] of Object.entries(handlers)) {
    const h = handler as (data: unknown, caller: Caller) => unknown;
    wrapped[event] = async (data: unknown, caller: Caller) => {
      try {
        return await h(data, caller);
      } catch (err) {
        if (err instanceof ConcordError) {
          throw err;
        }
        throw new MediaError(`${event}: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
  }
  return wrapped as H;
}

/** WebRTC signaling: transports, producers, consumers, each on the caller's own peer only. */
export function mediaHandlers(d: MediaHandlerDeps, socket: ConcordSocket): Pick<Handlers, MediaRequest> {
  const sid = socket.data.claims.sid;
  const room = (): Promise<Room> => d.rooms.get(sid);
  const pidOf = (c: Caller) => {
    if (c.participantId === null) {
      throw new ConcordError(ErrorCode.NOT_JOINED, 'join the session first');
    }
    return c.participantId;
  };
  const peer = async (c: Caller): Promise<Peer> => (await room()).peerFor(pidOf(c), c.siteId);
  const existingPeer = async (c: Caller): Promise<Peer> => {
    const p = (await room()).getPeer(pidOf(c));
    if (!p) {
      throw new ConcordError(ErrorCode.NOT_FOUND, 'no media set up; create a transport first');
    }
    return p;
  };

  return mediaErrors<Pick<Handlers, MediaRequest>>({
    'media:getRouterRtpCapabilities': async () => (await room()).rtpCapabilities,
    'media:createTransport': async ({ direction }, c) => (await peer(c)).createTransport(direction),
    'media:iceServers': (_, c) => Promise.resolve(d.turn.forSubject(pidOf(c))),
    'media:connectTransport': async ({ transportId, dtlsParameters }, c) => {
      await (await existingPeer(c)).connectTransport(transportId, dtlsParameters);
      return null;
    },
    'media:restartIce': async ({ transportId }, c) => (await existingPeer(c)).restartIce(transportId),

    'media:produce': async ({ transportId, kind, rtpParameters, source, paused }, c) => {
      const log = await d.logs.get(sid);
      authorize(log.state, c, publishAction(source));
      if ((source === 'mic') !== (kind === 'audio')) {
        throw new ConcordError(ErrorCode.INVALID_PAYLOAD, `a ${source} track cannot be ${kind}`);
      }
      const mediaRoom = await room();
      const p = await existingPeer(c);
      const producer = await p.produce(transportId, kind, rtpParameters, source, paused ?? false);
      mediaRoom.addLocal(producer, p.router);
      const info = producerInfo(producer);
      await d.registry.put(sid, info, d.nodeId);
      socket.to(sessionRoom(sid)).emit('producer:new', info);
      if (source === 'mic') {
        // Someone joining during floor mode with an open microphone is muted at once.
        await d.floorMedia.enforce(log.state);
      }
      return { producerId: producer.id };
    },
    'media:closeProducer': async ({ producerId }, c) => {
      (await existingPeer(c)).producer(producerId).close();
      return null;
    },
    'media:pauseProducer': async ({ producerId }, c) => {
      await (await room()).setPaused((await existingPeer(c)).producer(producerId), true);
      return null;
    },
    'media:resumeProducer': async ({ producerId }, c) => {
      const p = await existingPeer(c);
      const producer = p.producer(producerId);
      if (producer.appData.source === 'mic' && !d.floorMedia.mayUnmute((await d.logs.get(sid)).state, p)) {
        throw new ConcordError(
          ErrorCode.FLOOR_MODE,
          'floor mode: you can unmute when the chair gives your site the floor',
        );
      }
      await (await room()).setPaused(producer, false);
      return null;
    },

    'media:consume': async ({ transportId, producerId, rtpCapabilities }, c) => {
      const mediaRoom = await room();
      const p = await existingPeer(c);
      if (!mediaRoom.has(producerId)) {
        // Published through another node: piped in once, on its first request.
        const origin = await d.registry.get(sid, producerId);
        if (origin === null || origin.node === d.nodeId) {
          throw new NotFoundError('producer');
        }
        await d.pipes.fetch(mediaRoom, origin);
      }
      return p.consume(transportId, await mediaRoom.producerOn(producerId, p.router), rtpCapabilities);
    },
    'media:resumeConsumer': async ({ consumerId }, c) => {
      const consumer = (await existingPeer(c)).consumer(consumerId);
      const mode = c.siteId === null ? undefined : (await d.logs.get(sid)).state.mediaModes[c.siteId]?.mode;
      if (consumer.kind === 'video' && mode !== undefined && mode !== 'full') {
        // An operator moved this site down: its video stays paused or on the lowest layer.
        await applyModeToConsumer(consumer, mode);
      } else {
        await consumer.resume();
      }
      return null;
    },
    'media:setConsumerLayers': async ({ consumerId, spatialLayer, temporalLayer }, c) => {
      const consumer = (await existingPeer(c)).consumer(consumerId);
      await consumer.setPreferredLayers(
        temporalLayer === undefined ? { spatialLayer } : { spatialLayer, temporalLayer },
      );
      return null;
    },
  });
}

import type { types } from 'mediasoup';
import { z } from 'zod';
import { SessionIdSchema, type SessionId } from '@concord/shared';
import type { Logger } from '../logger.js';
import type { NodeLink } from '../services/ports.js';
import type { RegisteredProducer } from '../store/producerRegistry.js';
import type { ProducerAppData } from './peer.js';
import type { Room } from './room.js';
import type { RoomRegistry } from './rooms.js';

/** How long a node waits for another to answer a pipe request. */
const PIPE_REQUEST_TIMEOUT_MS = 3_000;

const SrtpSchema = z.object({
  cryptoSuite: z.enum(['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']),
  keyBase64: z.string(),
});
const EndpointSchema = z.object({ ip: z.string(), port: z.number().int(), srtp: SrtpSchema });
const OpenSchema = EndpointSchema.extend({ sessionId: SessionIdSchema });
const ConsumeSchema = z.object({ sessionId: SessionIdSchema, producerId: z.string() });
const EventSchema = ConsumeSchema.extend({ event: z.enum(['pause', 'resume', 'close']) });
// RTP parameters a mediasoup pipe consumer of another node made: trusted, and mediasoup checks them.
const RtpParametersSchema = z.custom<types.RtpParameters>(
  (v) => typeof v === 'object' && v !== null && 'codecs' in v && Array.isArray(v.codecs),
);
const ConsumedSchema = z.object({
  kind: z.enum(['audio', 'video']),
  rtpParameters: RtpParametersSchema,
  paused: z.boolean(),
});

type Endpoint = z.infer<typeof EndpointSchema>;

/** Bytes that crossed the pipes to or from one other node. */
export interface PipeStat {
  node: string;
  direction: 'in' | 'out';
  bytes: number;
}

export interface PipeListen {
  ip: string;
  announcedAddress: string | undefined;
}

/**
 * The cascade between nodes. A track published on node A that a participant on node B
 * receives crosses from A's router to B's once, through one SRTP PipeTransport pair per
 * session and pair of nodes, however many receive it on B. B asks A (over the node link)
 * to open its end and to send it the track; A tells B when the track pauses, resumes or ends.
 */
export class NodePipes {
  /** Our ends of the pipes we receive through, per session and origin node. */
  private readonly pipesIn = new Map<string, Promise<types.PipeTransport>>();
  /** Our ends of the pipes we send through, per session and receiving node (each direction has its pair). */
  private readonly pipesOut = new Map<string, Promise<types.PipeTransport>>();
  /** Tracks being fetched from another node, so that two consumers share one fetch. */
  private readonly fetching = new Map<string, Promise<void>>();

  constructor(
    private readonly rooms: RoomRegistry,
    private readonly link: NodeLink,
    private readonly listen: PipeListen,
    private readonly log: Logger,
  ) {
    link.serve('pipe.open', (payload, from) => this.onOpen(payload, from));
    link.serve('pipe.consume', (payload, from) => this.onConsume(payload, from));
    link.serve('pipe.event', (payload) => this.onEvent(payload));
  }

  private static key(sid: SessionId, node: string): string {
    return `${sid}|${node}`;
  }

  private async createEnd(room: Room): Promise<types.PipeTransport> {
    return room.firstRouter.createPipeTransport({
      listenInfo: { protocol: 'udp', ip: this.listen.ip, announcedAddress: this.listen.announcedAddress },
      enableSrtp: true,
    });
  }

  private static endpoint(t: types.PipeTransport): Endpoint {
    const srtp = t.srtpParameters;
    if (srtp === undefined) {
      throw new Error('the pipe has no SRTP parameters');
    }
    return { ip: t.tuple.localAddress || t.tuple.localIp, port: t.tuple.localPort, srtp };
  }

  /** The track of another node, on this room's first router (a no-op if the room has it). */
  fetch(room: Room, origin: RegisteredProducer): Promise<void> {
    if (room.has(origin.producerId)) {
      return Promise.resolve();
    }
    let fetching = this.fetching.get(origin.producerId);
    if (fetching === undefined) {
      fetching = this.pipeIn(room, origin).finally(() => this.fetching.delete(origin.producerId));
      this.fetching.set(origin.producerId, fetching);
    }
    return fetching;
  }

  private async pipeIn(room: Room, origin: RegisteredProducer): Promise<void> {
    const transport = await this.endTowards(room, origin.node);
    const consumed = ConsumedSchema.parse(
      await this.link.call(
        origin.node,
        'pipe.consume',
        { sessionId: room.sessionId, producerId: origin.producerId },
        PIPE_REQUEST_TIMEOUT_MS,
      ),
    );
    const producer = await transport.produce<ProducerAppData>({
      id: origin.producerId,
      kind: consumed.kind,
      rtpParameters: consumed.rtpParameters,
      paused: consumed.paused,
      appData: { participantId: origin.participantId, siteId: origin.siteId, source: origin.source },
    });
    room.addRemote(producer);
    this.log.info({ sessionId: room.sessionId, producerId: origin.producerId, from: origin.node }, 'track piped in');
  }

  /** Our end of the pipe to `node` for this room, opened with it the first time. */
  private endTowards(room: Room, node: string): Promise<types.PipeTransport> {
    const key = NodePipes.key(room.sessionId, node);
    let end = this.pipesIn.get(key);
    if (end === undefined) {
      end = (async () => {
        const local = await this.createEnd(room);
        const remote = EndpointSchema.parse(
          await this.link.call(
            node,
            'pipe.open',
            { sessionId: room.sessionId, ...NodePipes.endpoint(local) },
            PIPE_REQUEST_TIMEOUT_MS,
          ),
        );
        await local.connect({ ip: remote.ip, port: remote.port, srtpParameters: remote.srtp });
        local.observer.on('close', () => this.pipesIn.delete(key));
        return local;
      })();
      this.pipesIn.set(key, end);
      end.catch(() => this.pipesIn.delete(key));
    }
    return end;
  }

  /** Another node opens its end towards us: we open ours, connected to it. */
  private async onOpen(payload: unknown, from: string): Promise<Endpoint> {
    const open = OpenSchema.parse(payload);
    const room = await this.rooms.get(open.sessionId);
    const key = NodePipes.key(open.sessionId, from);
    // A node that opens again (it restarted, or lost its end) replaces the old pair.
    (await this.pipesOut.get(key)?.catch(() => null))?.close();
    const local = await this.createEnd(room);
    await local.connect({ ip: open.ip, port: open.port, srtpParameters: open.srtp });
    local.observer.on('close', () => this.pipesOut.delete(key));
    this.pipesOut.set(key, Promise.resolve(local));
    this.log.info({ sessionId: open.sessionId, to: from }, 'pipe opened to another node');
    return NodePipes.endpoint(local);
  }

  /** Another node asks for one of our tracks: it leaves through the pipe once. */
  private async onConsume(payload: unknown, from: string): Promise<z.infer<typeof ConsumedSchema>> {
    const { sessionId, producerId } = ConsumeSchema.parse(payload);
    const pipe = await this.pipesOut.get(NodePipes.key(sessionId, from));
    const room = await this.rooms.peek(sessionId);
    if (pipe === undefined || room === undefined) {
      throw new Error('no pipe or room for this session');
    }
    await room.producerOn(producerId, room.firstRouter);
    const consumer = await pipe.consume({ producerId });
    const tell = (event: 'pause' | 'resume' | 'close') =>
      this.link
        .call(from, 'pipe.event', { sessionId, producerId, event }, PIPE_REQUEST_TIMEOUT_MS)
        .catch((err: unknown) => this.log.debug({ err, producerId, event }, 'could not tell the other node'));
    consumer.on('producerpause', () => void tell('pause'));
    consumer.on('producerresume', () => void tell('resume'));
    consumer.on('producerclose', () => void tell('close'));
    return { kind: consumer.kind, rtpParameters: consumer.rtpParameters, paused: consumer.producerPaused };
  }

  /** The origin of a track we pipe in paused, resumed or closed it. */
  private async onEvent(payload: unknown): Promise<null> {
    const { sessionId, producerId, event } = EventSchema.parse(payload);
    const room = await this.rooms.peek(sessionId);
    if (room === undefined || !room.has(producerId)) {
      return null;
    }
    if (event === 'close') {
      await room.closeRemote(producerId);
      return null;
    }
    const producer = await room.producerOn(producerId, room.firstRouter);
    await (event === 'pause' ? producer.pause() : producer.resume());
    room.updateInfo(producerId, event === 'pause');
    return null;
  }

  /**
   * A node is gone: the pipes to and from it close, in every session. The tracks that came
   * through them end here (their consumers are told); the participant's new connection
   * publishes them again.
   */
  async closeNode(node: string): Promise<void> {
    for (const pipes of [this.pipesIn, this.pipesOut]) {
      for (const [key, end] of [...pipes]) {
        if (key.endsWith(`|${node}`)) {
          pipes.delete(key);
          (await end.catch(() => null))?.close();
          this.log.info({ key }, 'pipe closed: its node is gone');
        }
      }
    }
  }

  /** What crossed the pipes of a session, per other node and direction (bytes so far). */
  async stats(sid: SessionId): Promise<PipeStat[]> {
    return (await this.allStats()).filter((p) => p.sessionId === sid).map(({ sessionId: _, ...p }) => p);
  }

  /** What crossed every pipe of this node, per other node and direction, all sessions together (bytes so far). */
  async totals(): Promise<PipeStat[]> {
    const sums = new Map<string, PipeStat>();
    for (const { node, direction, bytes } of await this.allStats()) {
      const key = `${node}|${direction}`;
      sums.set(key, { node, direction, bytes: (sums.get(key)?.bytes ?? 0) + bytes });
    }
    return [...sums.values()];
  }

  private async allStats(): Promise<(PipeStat & { sessionId: string })[]> {
    const out: (PipeStat & { sessionId: string })[] = [];
    for (const [direction, pipes] of [
      ['in', this.pipesIn],
      ['out', this.pipesOut],
    ] as const) {
      for (const [key, end] of pipes) {
        const [sessionId, node] = key.split('|');
        const transport = await end.catch(() => null);
        if (sessionId === undefined || node === undefined || transport === null || transport.closed) {
          continue;
        }
        const [st] = await transport.getStats();
        out.push({ sessionId, node, direction, bytes: (direction === 'in' ? st?.bytesReceived : st?.bytesSent) ?? 0 });
      }
    }
    return out;
  }
}

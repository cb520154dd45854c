import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { lossPercent, type ClientStats, type ServerHealth, type SessionId } from '@concord/shared';
import type { Peer } from '../media/peer.js';
import type { Room } from '../media/room.js';
import type { RoomRegistry } from '../media/rooms.js';
import type { WorkerPool } from '../media/workerPool.js';
import type { NodeHealthSample } from '../store/healthSamples.js';
import { maxOf, type PeerSample, type Signals } from './board.js';
import type { Health } from './health.js';

/** Sampling interval of the event-loop delay histogram (which records whole intervals). */
const LOOP_DELAY_RESOLUTION_MS = 20;

interface Counters {
  bytes: number;
  lost: number;
  received: number;
}

/** What this node heard from one session: heartbeats, client reports, audio, media counters. */
export class SessionSignals implements Signals {
  readonly everConnected = new Set<string>();
  readonly heartbeats = new Map<string, number>();
  readonly clientStats = new Map<string, ClientStats>();
  readonly lastMedia = new Map<string, number>();
  readonly lastHeard = new Map<string, number>();
  /** Producer byte and packet counters at the last sample, for rates and loss. */
  readonly counters = new Map<string, Counters>();
}

/** This node's signals and media samples of a session, as it publishes them for the others. */
export function toNodeSample(s: SessionSignals, peers: ReadonlyMap<string, PeerSample>, at: number): NodeHealthSample {
  return {
    at,
    peers: Object.fromEntries(peers),
    heartbeats: Object.fromEntries(s.heartbeats),
    clientStats: Object.fromEntries(s.clientStats),
    lastMedia: Object.fromEntries(s.lastMedia),
    lastHeard: Object.fromEntries(s.lastHeard),
    everConnected: [...s.everConnected],
  };
}

/**
 * Every node's samples of one session as one set of signals and media figures: a participant
 * is measured by the node it is connected through; a site counts as heard or sending as soon
 * as any node heard it.
 */
export function mergeSamples(samples: readonly NodeHealthSample[]): {
  signals: Signals;
  media: Map<string, PeerSample>;
} {
  const latest = <T>(pick: (s: NodeHealthSample) => Record<string, T>, better: (a: T, b: T) => boolean) => {
    const out = new Map<string, T>();
    for (const s of samples) {
      for (const [k, v] of Object.entries(pick(s))) {
        const had = out.get(k);
        if (had === undefined || better(v, had)) {
          out.set(k, v);
        }
      }
    }
    return out;
  };
  const newer = (a: number, b: number) => a > b;
  // A participant is connected through one node at a time; the newest sample of it wins.
  const byAge = [...samples].sort((a, b) => a.at - b.at);
  const media = new Map<string, PeerSample>();
  const clientStats = new Map<string, ClientStats>();
  for (const s of byAge) {
    for (const [pid, p] of Object.entries(s.peers)) {
      media.set(pid, p);
    }
    for (const [pid, c] of Object.entries(s.clientStats)) {
      clientStats.set(pid, c);
    }
  }
  return {
    media,
    signals: {
      everConnected: new Set(samples.flatMap((s) => s.everConnected)),
      heartbeats: latest((s) => s.heartbeats, newer),
      clientStats,
      lastMedia: latest((s) => s.lastMedia, newer),
      lastHeard: latest((s) => s.lastHeard, newer),
    },
  };
}

/** The signals of every session this node serves. */
export class SignalBook {
  private readonly sessions = new Map<SessionId, SessionSignals>();

  of(sid: SessionId): SessionSignals {
    let s = this.sessions.get(sid);
    if (!s) {
      s = new SessionSignals();
      this.sessions.set(sid, s);
    }
    return s;
  }

  ids(): SessionId[] {
    return [...this.sessions.keys()];
  }

  forget(sid: SessionId): void {
    this.sessions.delete(sid);
  }

  /** A sign of life from a participant (its stats report, or its joining). */
  heartbeat(sid: SessionId, pid: string, siteId: string | null, now: number): void {
    const s = this.of(sid);
    s.heartbeats.set(pid, now);
    if (siteId !== null) {
      s.everConnected.add(siteId);
    }
  }

  report(sid: SessionId, pid: string, siteId: string | null, stats: ClientStats, now: number): void {
    this.heartbeat(sid, pid, siteId, now);
    this.of(sid).clientStats.set(pid, stats);
  }

  heard(sid: SessionId, siteId: string | null, now: number): void {
    if (siteId !== null) {
      this.of(sid).lastHeard.set(siteId, now);
    }
  }
}

/** Reads every producer's and consumer's stats of one peer into its numbers; notes media seen. */
async function samplePeer(peer: Peer, s: SessionSignals, now: number): Promise<PeerSample> {
  let bitrate: number | null = null;
  const losses: (number | null)[] = [];
  const jitters: (number | null)[] = [];
  const scores: number[] = [];
  for (const p of peer.producers.values()) {
    const stats = (await p.getStats().catch(() => [])).filter((x) => x.type === 'inbound-rtp');
    const cur = stats.reduce<Counters>(
      (a, x) => ({ bytes: a.bytes + x.byteCount, lost: a.lost + x.packetsLost, received: a.received + x.packetCount }),
      { bytes: 0, lost: 0, received: 0 },
    );
    const prev = s.counters.get(p.id) ?? null;
    if (prev !== null && cur.bytes > prev.bytes && peer.siteId !== null) {
      s.lastMedia.set(peer.siteId, now);
    }
    losses.push(lossPercent(prev, cur));
    s.counters.set(p.id, cur);
    bitrate = (bitrate ?? 0) + stats.reduce((a, x) => a + x.bitrate, 0);
    // mediasoup reports jitter in RTP timestamp units; convert with the codec clock rate.
    const clock = p.rtpParameters.codecs[0]?.clockRate ?? 90000;
    jitters.push(maxOf(stats.map((x) => (x.jitter * 1000) / clock)));
    scores.push(...p.score.map((x) => x.score));
  }
  const rtts: (number | null)[] = [];
  for (const c of peer.consumers.values()) {
    const stats = await c.getStats().catch(() => []);
    rtts.push(maxOf(stats.map((x) => (x.type === 'outbound-rtp' ? (x.roundTripTime ?? null) : null))));
  }
  const transports = [...peer.transports.values()];
  return {
    participantId: peer.participantId,
    uplinkBitrate: bitrate,
    lossPct: maxOf(losses),
    jitterMs: maxOf(jitters),
    rttMs: maxOf(rtts),
    score: scores.length ? Math.min(...scores) : null,
    iceState: transports[0]?.iceState ?? null,
    dtlsState: transports[0]?.dtlsState ?? null,
  };
}

/** The media server's view of each participant of a room on this node. */
export async function sampleRoom(
  room: Room | undefined,
  s: SessionSignals,
  now: number,
): Promise<Map<string, PeerSample>> {
  const out = new Map<string, PeerSample>();
  for (const peer of room?.openPeers() ?? []) {
    out.set(peer.participantId, await samplePeer(peer, s, now));
  }
  return out;
}

/** This node's workers, media objects, event loop and Redis round trip. */
export class ServerSampler {
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });

  constructor(
    private readonly pool: WorkerPool,
    private readonly rooms: RoomRegistry,
    private readonly health: Health,
  ) {
    this.loopDelay.enable();
  }

  async sample(sessions: number): Promise<ServerHealth> {
    const [workers, redisRtt, rooms] = await Promise.all([
      this.pool.status(),
      this.health.redisLatency(),
      this.rooms.all(),
    ]);
    const usage = await Promise.all(
      this.pool.workers.map(async (w) => ({ pid: w.pid, u: await w.getResourceUsage().catch(() => null) })),
    );
    const counts = { sessions, rooms: rooms.length, participants: 0, transports: 0, producers: 0, consumers: 0 };
    for (const r of rooms) {
      const c = r.counts();
      counts.participants += c.peers;
      counts.transports += c.transports;
      counts.producers += c.producers;
      counts.consumers += c.consumers;
    }
    // The histogram records the time between samples; the lag is what exceeds the interval.
    const lag = Math.max(0, this.loopDelay.mean / 1e6 - LOOP_DELAY_RESOLUTION_MS);
    this.loopDelay.reset();
    return {
      workers: workers.map((w) => {
        const u = usage.find((x) => x.pid === w.pid)?.u ?? null;
        return {
          pid: w.pid,
          alive: w.alive,
          routers: w.routers,
          cpuMs: u ? u.ru_utime + u.ru_stime : null,
          memoryKb: u ? u.ru_maxrss : null,
        };
      }),
      counts,
      eventLoopLagMs: Number.isFinite(lag) ? Math.round(lag * 100) / 100 : 0,
      redisRttMs: redisRtt,
    };
  }

  close(): void {
    this.loopDelay.disable();
  }
}

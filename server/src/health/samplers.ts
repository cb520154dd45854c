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
  /** Per participant: the last packet of any kind its socket sent (a pong, a request). */
  readonly heartbeats = new Map<string, number>();
  readonly clientStats = new Map<string, ClientStats>();
  readonly lastMedia = new Map<string, number>();
  readonly lastHeard = new Map<string, number>();
  /** Producer byte and packet counters at the last stats round, for rates and loss. */
  readonly counters = new Map<string, Counters>();
  /** Bytes each transport had received at the last probe. */
  readonly received = new Map<string, number>();
  /** Transports whose byte counter was asked for and has not come yet (a slow worker): not asked again. */
  readonly probing = new Set<string>();
  /** The media server's figures of each participant, from the last stats round. */
  readonly figures = new Map<string, PeerSample>();
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
 *
 * Each node's times are taken as of its own sample: a node whose event loop stalled, or whose
 * clock is off, publishes evidence that is old by its own clock, and that age (not the time
 * since it last published) is what counts. Its sample expires if it stops publishing.
 */
export function mergeSamples(
  samples: readonly NodeHealthSample[],
  now: number,
): {
  signals: Signals;
  media: Map<string, PeerSample>;
} {
  const latest = (pick: (s: NodeHealthSample) => Record<string, number>) => {
    const out = new Map<string, number>();
    for (const s of samples) {
      const shift = now - s.at;
      for (const [k, v] of Object.entries(pick(s))) {
        const at = v + shift;
        if (at > (out.get(k) ?? -Infinity)) {
          out.set(k, at);
        }
      }
    }
    return out;
  };
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
      heartbeats: latest((s) => s.heartbeats),
      clientStats,
      lastMedia: latest((s) => s.lastMedia),
      lastHeard: latest((s) => s.lastHeard),
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

/** How long a tick waits for the transports' byte counters. */
const PROBE_WAIT_MS = 200;

/**
 * ICE states from the worst to the best: a participant is as connected as its worst transport
 * that was ever used ('new' counts only when all are: a receive transport with nothing to
 * receive yet is not a problem).
 */
const ICE_ORDER: readonly string[] = ['closed', 'disconnected', 'connected', 'completed', 'new'];
const DTLS_ORDER: readonly string[] = ['failed', 'closed', 'connecting', 'connected', 'new'];
const worstOf =
  (order: readonly string[]) =>
  (states: readonly string[]): string | null =>
    states.reduce<string | null>((w, x) => (w === null || order.indexOf(x) < order.indexOf(w) ? x : w), null);
const worstIce = worstOf(ICE_ORDER);
const worstDtls = worstOf(DTLS_ORDER);
const iceUp = (state: string) => state === 'connected' || state === 'completed';

/**
 * The cheap, fast look at a room's links, every tick: each transport's received-byte counter
 * (one request per transport, all at once) and its ICE and DTLS states (kept by mediasoup from
 * its events, no request). Bytes that grew on any of a site's transports whose ICE is up —
 * RTP, RTCP or ICE checks — are media from that site now. Returns each participant's figures:
 * those of the last stats round, with the states of now.
 */
export async function probeLinks(
  room: Room | undefined,
  s: SessionSignals,
  now: number,
): Promise<Map<string, PeerSample>> {
  const peers = room?.openPeers() ?? [];
  const transports = peers.flatMap((peer) => [...peer.transports.values()].map((t) => ({ peer, t })));
  const live = new Set(transports.map(({ t }) => t.id));
  for (const id of s.received.keys()) {
    if (!live.has(id)) {
      s.received.delete(id);
    }
  }
  const probes = transports
    .filter(({ t }) => !t.closed && iceUp(t.iceState) && !s.probing.has(t.id))
    .map(async ({ peer, t }) => {
      s.probing.add(t.id);
      const bytes = (await t.getStats().catch(() => []))[0]?.bytesReceived;
      s.probing.delete(t.id);
      if (bytes === undefined) {
        return;
      }
      const before = s.received.get(t.id);
      s.received.set(t.id, bytes);
      if (before !== undefined && bytes > before && peer.siteId !== null) {
        s.lastMedia.set(peer.siteId, Math.max(s.lastMedia.get(peer.siteId) ?? 0, now));
      }
    });
  // A worker slow to answer (a loaded machine) holds the board back this long at most; its
  // answers still count when they come.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(probes), new Promise((resolve) => (timer = setTimeout(resolve, PROBE_WAIT_MS)))]);
  clearTimeout(timer);
  const out = new Map<string, PeerSample>();
  for (const peer of peers) {
    const transports = [...peer.transports.values()];
    const figures = s.figures.get(peer.participantId);
    out.set(peer.participantId, {
      participantId: peer.participantId,
      uplinkBitrate: figures?.uplinkBitrate ?? null,
      lossPct: figures?.lossPct ?? null,
      jitterMs: figures?.jitterMs ?? null,
      rttMs: figures?.rttMs ?? null,
      score: figures?.score ?? null,
      iceState: worstIce(transports.map((t) => t.iceState)),
      dtlsState: worstDtls(transports.map((t) => t.dtlsState)),
    });
  }
  return out;
}

/** Reads a peer's producers' stats and one of its consumers' (the link's RTT) into its numbers. */
async function samplePeer(peer: Peer, s: SessionSignals): Promise<PeerSample> {
  const producers = [...peer.producers.values()];
  // The round trip is the link's: the same on each of the peer's consumers, so one (sending, if
  // any) is asked, not all of them. A room's cost then grows with its participants, not with
  // the square of them (50 participants: 150 requests a round instead of 5,000).
  const all = [...peer.consumers.values()];
  const consumers = all.filter((c) => !c.paused && !c.producerPaused).slice(0, 1);
  if (consumers.length === 0 && all[0] !== undefined) {
    consumers.push(all[0]);
  }
  const [producerStats, consumerStats] = await Promise.all([
    Promise.all(producers.map((p) => p.getStats().catch(() => []))),
    Promise.all(consumers.map((c) => c.getStats().catch(() => []))),
  ]);
  let bitrate: number | null = null;
  const losses: (number | null)[] = [];
  const jitters: (number | null)[] = [];
  const scores: number[] = [];
  producers.forEach((p, i) => {
    const stats = (producerStats[i] ?? []).filter((x) => x.type === 'inbound-rtp');
    const cur = stats.reduce<Counters>(
      (a, x) => ({ bytes: a.bytes + x.byteCount, lost: a.lost + x.packetsLost, received: a.received + x.packetCount }),
      { bytes: 0, lost: 0, received: 0 },
    );
    // Not taken as a sign of media: these counters are a second apart, and growth seen now
    // may have come just before a cut a second ago. The probe of each tick says when.
    const prev = s.counters.get(p.id) ?? null;
    losses.push(lossPercent(prev, cur));
    s.counters.set(p.id, cur);
    bitrate = (bitrate ?? 0) + stats.reduce((a, x) => a + x.bitrate, 0);
    // mediasoup reports jitter in RTP timestamp units; convert with the codec clock rate.
    const clock = p.rtpParameters.codecs[0]?.clockRate ?? 90000;
    jitters.push(maxOf(stats.map((x) => (x.jitter * 1000) / clock)));
    scores.push(...p.score.map((x) => x.score));
  });
  const rtts = consumerStats.map((stats) =>
    maxOf(stats.map((x) => (x.type === 'outbound-rtp' ? (x.roundTripTime ?? null) : null))),
  );
  return {
    participantId: peer.participantId,
    uplinkBitrate: bitrate,
    lossPct: maxOf(losses),
    jitterMs: maxOf(jitters),
    rttMs: maxOf(rtts),
    score: scores.length ? Math.min(...scores) : null,
    // The states of now are added by each probe.
    iceState: null,
    dtlsState: null,
  };
}

/**
 * The costly round, once a second and off the alarm path: every producer's and one consumer per participant's
 * stats of a room on this node (all requests at once), kept as each participant's figures.
 */
export async function sampleRoom(room: Room | undefined, s: SessionSignals): Promise<void> {
  const peers = room?.openPeers() ?? [];
  // One peer at a time (its requests all at once): a large room does not flood the worker's channel.
  const samples: PeerSample[] = [];
  for (const peer of peers) {
    samples.push(await samplePeer(peer, s));
  }
  s.figures.clear();
  for (const sample of samples) {
    s.figures.set(sample.participantId, sample);
  }
  // Counters of producers that are gone are not needed again.
  const live = new Set(peers.flatMap((p) => [...p.producers.keys()]));
  for (const id of s.counters.keys()) {
    if (!live.has(id)) {
      s.counters.delete(id);
    }
  }
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

import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { HealthMonitor } from './monitor.js';

/** The media cascade's traffic to and from other nodes (implemented by media/nodePipes). */
export interface PipeTraffic {
  totals(): Promise<{ node: string; direction: 'in' | 'out'; bytes: number }[]>;
}

const STATUS_VALUE = { ok: 0, degraded: 1, down: 2 } as const;

/**
 * Prometheus metrics, read from the health monitor's last tick when scraped. One
 * registry per server instance (tests run several in one process).
 */
export function createMetrics(monitor: HealthMonitor, pipes: PipeTraffic): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'concord_' });
  // These default gauges end in _total, which Prometheus reserves for counters (promtool refuses them).
  for (const name of [
    'concord_nodejs_active_handles_total',
    'concord_nodejs_active_requests_total',
    'concord_nodejs_active_resources_total',
  ]) {
    registry.removeSingleMetric(name);
  }

  const view = () => monitor.metricsView();
  const sites = () =>
    view().sessions.flatMap(({ sessionId, update }) => (update?.sites ?? []).map((s) => ({ sessionId, s })));

  new Gauge({
    name: 'concord_pipe_bytes',
    help: 'Bytes of media sent to (out) or received from (in) another node through the pipes open now.',
    labelNames: ['peer', 'direction'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { node, direction, bytes } of await pipes.totals()) {
        this.set({ peer: node, direction }, bytes);
      }
    },
  });
  new Gauge({
    name: 'concord_sessions',
    help: 'Sessions with activity watched by the health monitor.',
    registers: [registry],
    collect() {
      this.set(view().sessions.length);
    },
  });
  new Gauge({
    name: 'concord_participants',
    help: 'Participants connected, per session.',
    labelNames: ['session'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { sessionId, update } of view().sessions) {
        const n = (update?.sites ?? []).reduce(
          (a, s) => a + s.participants.filter((p) => p.connection === 'connected').length,
          0,
        );
        this.set({ session: sessionId }, n);
      }
    },
  });
  const perSite = (name: string, help: string, pick: (s: ReturnType<typeof sites>[number]['s']) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['session', 'site'],
      registers: [registry],
      collect() {
        this.reset();
        for (const { sessionId, s } of sites()) {
          const v = pick(s);
          if (v !== null) {
            this.set({ session: sessionId, site: s.siteId }, v);
          }
        }
      },
    });
  perSite('concord_site_status', 'Site status: 0 ok, 1 degraded, 2 down.', (s) => STATUS_VALUE[s.status]);
  perSite('concord_site_packet_loss_ratio', 'Packet loss of the site (0-1).', (s) =>
    s.lossPct === null ? null : s.lossPct / 100,
  );
  perSite('concord_site_rtt_seconds', 'Round-trip time of the site.', (s) =>
    s.rttMs === null ? null : s.rttMs / 1000,
  );
  perSite('concord_site_jitter_seconds', "Jitter of the site's media.", (s) =>
    s.jitterMs === null ? null : s.jitterMs / 1000,
  );
  perSite('concord_site_uplink_bitrate_bps', 'Bits per second the site sends.', (s) => s.uplinkBitrate);
  new Gauge({
    name: 'concord_site_path',
    help: "The site's media path, the worst of its participants' (1 for the path it uses now): udp, tcp, turn-udp, turn-tcp, turn-tls.",
    labelNames: ['session', 'site', 'path'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { sessionId, s } of sites()) {
        if (s.path !== null) {
          this.set({ session: sessionId, site: s.siteId, path: s.path }, 1);
        }
      }
    },
  });
  new Gauge({
    name: 'concord_open_alarms',
    help: 'Open site alarms, per session.',
    labelNames: ['session'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { sessionId, update } of view().sessions) {
        this.set({ session: sessionId }, update?.alarms.length ?? 0);
      }
    },
  });
  const perWorker = (
    name: string,
    help: string,
    pick: (w: NonNullable<ReturnType<typeof view>['server']>['workers'][number]) => number | null,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['worker'],
      registers: [registry],
      collect() {
        this.reset();
        (view().server?.workers ?? []).forEach((w, i) => {
          const v = pick(w);
          if (v !== null) {
            this.set({ worker: String(i) }, v);
          }
        });
      },
    });
  perWorker('concord_worker_up', 'Whether the mediasoup worker is alive.', (w) => (w.alive ? 1 : 0));
  perWorker('concord_worker_cpu_seconds', 'CPU time the mediasoup worker used (user plus system).', (w) =>
    w.cpuMs === null ? null : w.cpuMs / 1000,
  );
  perWorker('concord_worker_max_rss_bytes', 'Peak resident memory of the mediasoup worker.', (w) =>
    w.memoryKb === null ? null : w.memoryKb * 1024,
  );
  new Gauge({
    name: 'concord_media_objects',
    help: 'mediasoup objects by kind.',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const c = view().server?.counts;
      if (c) {
        for (const kind of ['rooms', 'transports', 'producers', 'consumers'] as const) {
          this.set({ kind }, c[kind]);
        }
      }
    },
  });
  new Gauge({
    name: 'concord_event_loop_lag_seconds',
    help: 'Mean Node.js event-loop delay over the last second.',
    registers: [registry],
    collect() {
      this.set((view().server?.eventLoopLagMs ?? 0) / 1000);
    },
  });
  new Gauge({
    name: 'concord_redis_rtt_seconds',
    help: 'Round-trip time of a Redis PING.',
    registers: [registry],
    collect() {
      const rtt = view().server?.redisRttMs;
      if (rtt !== null && rtt !== undefined) {
        this.set(rtt / 1000);
      }
    },
  });
  return registry;
}

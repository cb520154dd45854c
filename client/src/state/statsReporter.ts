import type { ClientStats } from '@concord/shared';
import { ClientStatsSampler, type TransportStatsRows } from '../media/clientStats';
import { log } from '../logger';

/**
 * How often every client reports its connection (loss, RTT, its path to the server). The report
 * is not what keeps a site up: the server hears the socket's pong every second and the media
 * many times a second, and calls a site down after 2 s without either. A report that reads
 * slowly (getStats on a loaded machine) delays the figures only.
 */
export const STATS_INTERVAL_MS = 2_000;

export interface StatsReporterDeps {
  /** The raw stats of the transports; empty without media (the report still goes, as the heartbeat). */
  collect: () => Promise<TransportStatsRows[]>;
  /** Whether a report sent now reaches a joined session. */
  canSend: () => boolean;
  send: (stats: ClientStats) => void;
  /** A monotonic clock (ms). */
  now?: () => number;
}

/** Sends 'stats:report' on a timer. Nothing is queued: a report that cannot go now is skipped. */
export class StatsReporter {
  private timer: ReturnType<typeof setInterval> | null = null;
  private reading = false;
  private readonly sampler = new ClientStatsSampler();

  constructor(private readonly deps: StatsReporterDeps) {}

  start(): void {
    if (this.timer === null) {
      this.timer = setInterval(() => void this.report(), STATS_INTERVAL_MS);
    }
  }

  /** Idempotent. */
  stop(): void {
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** One report, unless the link is down or the previous report is still reading its stats. */
  async report(): Promise<void> {
    if (this.reading || !this.deps.canSend()) {
      return;
    }
    this.reading = true;
    try {
      const rows = await this.deps.collect().catch((err: unknown) => {
        log.info('could not read the connection stats', err);
        return [];
      });
      const stats = this.sampler.next(rows, (this.deps.now ?? (() => performance.now()))());
      // The link may have dropped while the stats were read.
      if (this.timer !== null && this.deps.canSend()) {
        this.deps.send(stats);
      }
    } finally {
      this.reading = false;
    }
  }
}

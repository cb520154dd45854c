import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { MediaError } from '../errors.js';
import { ErrorCode } from '@concord/shared';

/** What each worker carries: the one-port server its WebRTC transports share, if configured. */
export interface WorkerAppData extends types.AppData {
  index: number;
  webRtcServer: types.WebRtcServer | null;
}

/** Pause before a dead worker's replacement is started, and between failed attempts. */
const WORKER_RESPAWN_DELAY_MS = 500;

export interface WorkerStatus {
  index: number;
  pid: number | null;
  alive: boolean;
  routers: number;
  respawns: number;
}

/**
 * One mediasoup worker per slot (one per core by default). A worker that dies is
 * replaced in its slot; the routers it carried are gone, and their rooms learn it
 * through their routers' `workerclose` event.
 */
export class WorkerPool {
  private readonly slots: (types.Worker<WorkerAppData> | null)[];
  private readonly respawns: number[];
  private readonly waiters: ((w: types.Worker<WorkerAppData>) => void)[] = [];
  private next = 0;
  private closed = false;

  private constructor(
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    this.slots = new Array<types.Worker<WorkerAppData> | null>(config.mediasoup.numWorkers).fill(null);
    this.respawns = new Array<number>(config.mediasoup.numWorkers).fill(0);
  }

  static async create(config: Config, log: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(config, log.child({ component: 'workers' }));
    await Promise.all(pool.slots.map((_, i) => pool.start(i)));
    return pool;
  }

  private async start(index: number): Promise<void> {
    const worker = await mediasoup.createWorker<WorkerAppData>({
      logLevel: this.config.mediasoup.logLevel,
      rtcMinPort: this.config.rtc.minPort,
      rtcMaxPort: this.config.rtc.maxPort,
      appData: { index, webRtcServer: null },
    });
    if (this.closed) {
      worker.close();
      return;
    }
    const { sharedPort, listenIp, announcedAddress } = this.config.rtc;
    if (sharedPort !== null) {
      // One UDP and one TCP port for all of this worker's transports: one hole in a firewall.
      // A replacement worker takes the same ports again (the dead one's are free).
      const port = sharedPort === 0 ? undefined : sharedPort + index;
      try {
        worker.appData.webRtcServer = await worker.createWebRtcServer({
          listenInfos: [
            { protocol: 'udp', ip: listenIp, announcedAddress, port },
            { protocol: 'tcp', ip: listenIp, announcedAddress, port },
          ],
        });
      } catch (err) {
        worker.close();
        throw err;
      }
    }
    worker.on('died', (err) => {
      this.log.error({ pid: worker.pid, index, err: err.message }, 'mediasoup worker died; replacing it');
      this.slots[index] = null;
      this.respawn(index);
    });
    worker.observer.on('newrouter', (router) => {
      router.observer.on('close', () => this.log.debug({ routerId: router.id }, 'router closed'));
    });
    this.slots[index] = worker;
    this.log.info({ pid: worker.pid, index }, 'mediasoup worker started');
    for (const wake of this.waiters.splice(0)) {
      wake(worker);
    }
  }

  private respawn(index: number): void {
    if (this.closed) {
      return;
    }
    this.respawns[index] = (this.respawns[index] ?? 0) + 1;
    setTimeout(() => {
      this.start(index).catch((err: unknown) => {
        this.log.error({ index, err: String(err) }, 'could not start a mediasoup worker; retrying');
        this.respawn(index);
      });
    }, WORKER_RESPAWN_DELAY_MS);
  }

  /** A live worker, round-robin; waits for a replacement when none is alive. */
  async getWorker(): Promise<types.Worker<WorkerAppData>> {
    if (this.closed) {
      throw new MediaError('the media service is shutting down', ErrorCode.MEDIA_UNAVAILABLE);
    }
    for (let i = 0; i < this.slots.length; i++) {
      const index = (this.next + i) % this.slots.length;
      const worker = this.slots[index];
      if (worker && !worker.closed && !worker.died) {
        this.next = index + 1;
        return worker;
      }
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * A live worker not among `busy` (by pid), round-robin; null when every live worker is.
   * A room keeps one router per worker: mediasoup ids are unique within a worker, and a
   * track piped between two routers of one worker would collide with itself.
   */
  workerExcept(busy: ReadonlySet<number>): types.Worker<WorkerAppData> | null {
    for (let i = 0; i < this.slots.length; i++) {
      const index = (this.next + i) % this.slots.length;
      const worker = this.slots[index];
      if (worker && !worker.closed && !worker.died && !busy.has(worker.pid)) {
        this.next = index + 1;
        return worker;
      }
    }
    return null;
  }

  async status(): Promise<WorkerStatus[]> {
    return Promise.all(
      this.slots.map(async (w, index) => {
        const alive = Boolean(w && !w.closed && !w.died);
        const routers = w && alive ? (await w.dump().catch(() => ({ routerIds: [] }))).routerIds.length : 0;
        return { index, pid: w?.pid ?? null, alive, routers, respawns: this.respawns[index] ?? 0 };
      }),
    );
  }

  get workers(): types.Worker<WorkerAppData>[] {
    return this.slots.filter((w): w is types.Worker<WorkerAppData> => w !== null && !w.closed);
  }

  close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    for (const w of this.slots) {
      w?.close();
    }
  }
}

import { z } from 'zod';
import { ErrorCode, placeNodes, type ClientStats, type ServerToClientEvents } from '@concord/shared';
import { log } from '../logger';
import { fetchNodes } from './api';
import { ClientErrorCode, ErrorCodeSchema, isFatal, type AppErrorCode } from './errors';
import { createSend, createSocket, reportStats, type ConcordSocket, type Send, type ServerEvents } from './send';
import type { ConnectionStatus } from './viewState';

/** When the server refused the handshake for a passing reason (e.g. RATE_LIMITED). */
const CONNECT_RETRY_DELAY_MS = 5_000;
const MAX_CONNECT_RETRIES = 5;
/**
 * Moving to the next server: at once while some server of the list has not been tried since
 * the link went; once all have failed, after a pause that grows by this much per failure
 * (up to the maximum), so that a site whose own network is down does not spin.
 */
const SERVER_BACKOFF_STEP_MS = 1_000;
const SERVER_BACKOFF_MAX_MS = 5_000;

const ConnectErrorDataSchema = z.object({ code: ErrorCodeSchema });

/** Where a participation connects: the servers to try, best first, and what orders them. */
export interface Placement {
  /** `placeNodes` of the nodes known when joining. */
  servers: string[];
  /** The invite's preferred region, if any. */
  region: string | null;
  /** The origin the page was loaded from. */
  pageOrigin: string;
}

export interface ConnectionListener {
  /** Connected, the first time or again: the participation joins (again). */
  connected(): void;
  /** The socket went; socket.io (or this class) brings it back. */
  dropped(): void;
  /** The browser lost its network: the media must go until the socket is back. */
  offline(): void;
  /** No connection can be had: a refusal no retry fixes, or too many retries. */
  failed(code: AppErrorCode, message: string): void;
  status(status: ConnectionStatus): void;
}

type Handler = (...args: never[]) => void;

/**
 * The link of one participation to Concord, from the first connect to `close()`: its
 * reconnects, the handshake refusals that end it, and the browser's own word on the network.
 * It holds one socket at a time, to one of `servers` (best first, see `placeNodes`): when the
 * current server cannot be reached, the next one is tried, so a site whose node died joins
 * through another. Listeners are registered here once and follow the current socket. It
 * knows nothing of the session; the participation joins on every `connected`.
 */
export class Connection implements ServerEvents {
  readonly send: Send;
  private socket: ConcordSocket;
  private serverIndex = 0;
  /** Failed attempts since the last connect, across servers. */
  private failures = 0;
  private readonly handlers: [keyof ServerToClientEvents, Handler][] = [];
  private servers: readonly string[];
  private closed = false;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** The browser said it lost the network: no reconnecting until it says it is back. */
  private browserOffline = false;
  /** `connecting` only before the first connection; afterwards a drop is `reconnecting`. */
  private everConnected = false;

  constructor(
    private readonly token: string,
    private readonly placement: Placement,
    private readonly listener: ConnectionListener,
  ) {
    if (placement.servers.length === 0) {
      throw new Error('a connection needs at least one server');
    }
    this.servers = placement.servers;
    this.socket = this.open();
    this.send = createSend(() => this.socket);
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** The server the current socket goes to. */
  get server(): string {
    return this.servers[this.serverIndex] ?? '';
  }

  on<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]): void {
    this.handlers.push([event, handler]);
    this.attach(this.socket, event, handler);
  }

  /** Listeners go in first (the socket does not connect by itself), then the first connect. */
  start(): void {
    window.addEventListener('offline', this.onBrowserOffline);
    window.addEventListener('online', this.onBrowserOnline);
    this.socket.connect();
  }

  private open(): ConcordSocket {
    const s = createSocket(this.server, this.token);
    s.on('connect', () => this.onConnect());
    s.on('disconnect', (reason) => this.onDisconnect(reason));
    s.on('connect_error', (err) => this.onConnectError(err));
    for (const [event, handler] of this.handlers) {
      this.attach(s, event, handler);
    }
    return s;
  }

  private attach(s: ConcordSocket, event: keyof ServerToClientEvents, handler: Handler): void {
    // socket.io types `on` per literal event name; the handler was typed for `event` by `on` above.
    (s.on as (event: string, handler: Handler) => void)(event, handler);
  }

  /**
   * Nodes come and go during a long session: on every connect, the list is ordered again
   * from the live nodes the current server knows. The current server keeps its turn.
   */
  private async refreshServers(): Promise<void> {
    const current = this.server;
    const nodes = await fetchNodes(current);
    if (nodes === null || this.server !== current) {
      return;
    }
    const placed = placeNodes(nodes, this.placement.region, this.placement.pageOrigin);
    this.servers = placed.includes(current) ? placed : [current, ...placed];
    this.serverIndex = this.servers.indexOf(current);
  }

  /** The current server cannot be reached: the socket goes, and one to the next server is made. */
  private moveOn(): void {
    const old = this.socket;
    old.removeAllListeners();
    old.disconnect();
    const from = this.server;
    this.serverIndex = (this.serverIndex + 1) % this.servers.length;
    this.socket = this.open();
    const extra = this.failures - this.servers.length;
    const delay = extra < 0 ? 0 : Math.min(SERVER_BACKOFF_MAX_MS, SERVER_BACKOFF_STEP_MS * (extra + 1));
    log.warn(`cannot reach ${from}; trying ${this.server} in ${delay} ms`);
    this.connectIn(delay);
  }

  reportStats(stats: ClientStats): void {
    reportStats(this.socket, stats);
  }

  /** Idempotent. The server sees the socket go. */
  close(): void {
    this.closed = true;
    window.removeEventListener('offline', this.onBrowserOffline);
    window.removeEventListener('online', this.onBrowserOnline);
    this.clearRetry();
    this.socket.disconnect();
  }

  /**
   * The browser lost its network. Nothing we send can arrive now, and whatever still leaves
   * (a half-dead socket that waits for its ping to time out, RTP on a path the browser no
   * longer trusts) only makes a site that is gone look alive to the operators. So we stop:
   * no heartbeat, no media, no socket, until the browser is online again; then the usual
   * rejoin rebuilds everything.
   */
  private readonly onBrowserOffline = (): void => {
    if (this.closed) {
      return;
    }
    log.warn('the browser went offline; the connection is dropped until it is back');
    this.browserOffline = true;
    this.clearRetry();
    this.listener.offline();
    this.socket.disconnect();
  };

  private readonly onBrowserOnline = (): void => {
    if (this.closed || !this.browserOffline) {
      return;
    }
    log.info('the browser is online again; reconnecting');
    this.browserOffline = false;
    if (!this.socket.connected) {
      this.socket.connect();
    }
  };

  private onConnect(): void {
    if (this.closed) {
      return;
    }
    this.retries = 0;
    this.failures = 0;
    this.everConnected = true;
    this.clearRetry();
    this.listener.status('connected');
    void this.refreshServers();
    // The first connect and every reconnect take the same path: join (idempotent with the
    // same instanceId), then rebuild the media. The page is never reloaded.
    this.listener.connected();
  }

  private onDisconnect(reason: string): void {
    if (this.closed) {
      return;
    }
    log.warn(`disconnected: ${reason}`);
    this.listener.dropped();
    this.listener.status(this.everConnected ? 'reconnecting' : 'connecting');
    // socket.io reconnects by itself except when the server closed the socket on purpose.
    if (reason === 'io server disconnect') {
      this.scheduleReconnect(ErrorCode.INTERNAL, reason);
    }
  }

  private onConnectError(err: Error): void {
    if (this.closed) {
      return;
    }
    const data = 'data' in err ? ConnectErrorDataSchema.safeParse(err.data) : null;
    const code = data?.success ? data.data.code : null;
    if (code && isFatal(code)) {
      this.listener.failed(code, err.message);
      return;
    }
    // A refusal by the server's middleware stops socket.io's own retries; a network error
    // does not, and means this server cannot be reached: another one is tried, if there is one.
    if (!this.socket.active) {
      this.scheduleReconnect(code ?? ClientErrorCode.NETWORK_ERROR, err.message);
    } else if (this.servers.length > 1) {
      this.failures += 1;
      this.moveOn();
    }
  }

  private scheduleReconnect(code: AppErrorCode, message: string): void {
    if (this.retries >= MAX_CONNECT_RETRIES) {
      this.listener.failed(code, message);
      return;
    }
    this.retries += 1;
    this.connectIn(CONNECT_RETRY_DELAY_MS);
  }

  /** Connects the current socket after `delayMs`, unless the link was closed or went offline meanwhile. */
  private connectIn(delayMs: number): void {
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed && !this.browserOffline) {
        this.socket.connect();
      }
    }, delayMs);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
  }
}

import { z } from 'zod';
import { ErrorCode, type ClientStats } from '@concord/shared';
import { log } from '../logger';
import { ClientErrorCode, ErrorCodeSchema, isFatal, type AppErrorCode } from './errors';
import { createSend, createSocket, reportStats, type ConcordSocket, type Send } from './send';
import type { ConnectionStatus } from './viewState';

/** When the server refused the handshake for a passing reason (e.g. RATE_LIMITED). */
const CONNECT_RETRY_DELAY_MS = 5_000;
const MAX_CONNECT_RETRIES = 5;

const ConnectErrorDataSchema = z.object({ code: ErrorCodeSchema });

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

/**
 * The socket of one participation, from the first connect to `close()`: its reconnects, the
 * handshake refusals that end it, and the browser's own word on the network. It knows
 * nothing of the session; the participation joins on every `connected`.
 */
export class Connection {
  readonly socket: ConcordSocket;
  readonly send: Send;
  private closed = false;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** The browser said it lost the network: no reconnecting until it says it is back. */
  private browserOffline = false;
  /** `connecting` only before the first connection; afterwards a drop is `reconnecting`. */
  private everConnected = false;

  constructor(
    token: string,
    private readonly listener: ConnectionListener,
  ) {
    this.socket = createSocket(token);
    this.send = createSend(this.socket);
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Listeners go in first (the socket does not connect by itself), then the first connect. */
  start(): void {
    const s = this.socket;
    s.on('connect', () => this.onConnect());
    s.on('disconnect', (reason) => this.onDisconnect(reason));
    s.on('connect_error', (err) => this.onConnectError(err));
    window.addEventListener('offline', this.onBrowserOffline);
    window.addEventListener('online', this.onBrowserOnline);
    s.connect();
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
    this.everConnected = true;
    this.clearRetry();
    this.listener.status('connected');
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
    // A refusal by the server's middleware stops socket.io's own retries; a network error does not.
    if (!this.socket.active) {
      this.scheduleReconnect(code ?? ClientErrorCode.NETWORK_ERROR, err.message);
    }
  }

  private scheduleReconnect(code: AppErrorCode, message: string): void {
    if (this.retries >= MAX_CONNECT_RETRIES) {
      this.listener.failed(code, message);
      return;
    }
    this.retries += 1;
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed && !this.browserOffline) {
        this.socket.connect();
      }
    }, CONNECT_RETRY_DELAY_MS);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
  }
}

import type { IceServersWire } from '@concord/shared';
import { log } from '../logger';
import type { Send } from '../state/send';

/** A credential is renewed when this share of its lifetime has passed. */
const RENEW_AT_SHARE = 0.75;
/** After a failed renewal, the next try. */
const RENEW_RETRY_MS = 30_000;

/**
 * The TURN credentials of one media client: the ones it was built with, renewed before they
 * expire (`media:iceServers`) and handed to both transports, so that a relayed connection
 * outlives its first credential.
 */
export class IceServerRenewal {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly send: Send,
    private readonly apply: (iceServers: RTCIceServer[]) => Promise<void>,
  ) {}

  /** Starts renewing the credential the client was built with (nothing to do without one). */
  start(current: IceServersWire): void {
    if (current.expiresAt !== null) {
      this.schedule(Math.max(0, (current.expiresAt - Date.now()) * RENEW_AT_SHARE));
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private schedule(delayMs: number): void {
    if (this.closed) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.renew();
    }, delayMs);
  }

  private async renew(): Promise<void> {
    try {
      const next = await this.send('media:iceServers', {});
      if (this.closed) {
        return;
      }
      await this.apply(next.iceServers);
      this.start(next);
    } catch (err) {
      log.warn('could not renew the TURN credentials; trying again', err);
      this.schedule(RENEW_RETRY_MS);
    }
  }
}

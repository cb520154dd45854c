import { createHmac } from 'node:crypto';
import type { IceServersWire } from '@concord/shared';

/**
 * Time-limited TURN credentials from the secret shared with the TURN server (coturn's
 * `use-auth-secret`, the "TURN REST API" scheme): the username is `<expiry>:<subject>`
 * (expiry in Unix seconds), the password the base64 HMAC-SHA1 of the username under the
 * secret. The TURN server checks both, and refuses the username once its expiry passed.
 */
export function turnCredential(
  secret: string,
  subject: string,
  ttlSeconds: number,
  nowMs: number,
): { username: string; credential: string; expiresAt: number } {
  const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiry}:${subject}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt: expiry * 1000 };
}

/** What a participant's browser is given: the deployment's TURN servers with its own credential. */
export class TurnCredentials {
  constructor(private readonly turn: { urls: string[]; secret: string; ttlSeconds: number } | null) {}

  forSubject(subject: string, nowMs: number = Date.now()): IceServersWire {
    if (this.turn === null) {
      return { iceServers: [], expiresAt: null };
    }
    const { username, credential, expiresAt } = turnCredential(this.turn.secret, subject, this.turn.ttlSeconds, nowMs);
    return { iceServers: [{ urls: this.turn.urls, username, credential }], expiresAt };
  }
}

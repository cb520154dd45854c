import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TurnCredentials, turnCredential } from './turn.js';

const SECRET = 'a-turn-secret-of-some-length';
const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);

describe('TURN credentials', () => {
  it('the username is the expiry and the subject; the password is the HMAC-SHA1 of the username under the shared secret', () => {
    const c = turnCredential(SECRET, 'p_abc', 3600, NOW);
    const expiry = NOW / 1000 + 3600;
    expect(c.username).toBe(`${expiry}:p_abc`);
    expect(c.credential).toBe(createHmac('sha1', SECRET).update(`${expiry}:p_abc`).digest('base64'));
    expect(c.expiresAt).toBe(expiry * 1000);
  });
  it('each participant gets its own credential, and a later one expires later', () => {
    const turn = new TurnCredentials({
      urls: ['turn:turn.example.org:3478?transport=udp'],
      secret: SECRET,
      ttlSeconds: 600,
    });
    const a = turn.forSubject('p_a', NOW);
    const b = turn.forSubject('p_b', NOW);
    expect(a.iceServers[0]?.credential).not.toBe(b.iceServers[0]?.credential);
    expect(turn.forSubject('p_a', NOW + 60_000).expiresAt).toBe((a.expiresAt ?? 0) + 60_000);
    expect(a.iceServers[0]?.urls).toEqual(['turn:turn.example.org:3478?transport=udp']);
  });
  it('without TURN servers configured, browsers get none and nothing to renew', () => {
    expect(new TurnCredentials(null).forSubject('p_a', NOW)).toEqual({ iceServers: [], expiresAt: null });
  });
});

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AdminApi, connect, data, inviteFor, join, request } from '../support/clients.js';
import { uniqueId } from '../support/env.js';
import { withServer } from '../support/fixtures.js';

const TURN_SECRET = 'turn-secret-for-the-tests-0123';
const TURN_URLS = ['turn:10.77.0.254:3478?transport=udp', 'turns:10.77.0.254:443?transport=tcp'];

async function twoMembers(url: string) {
  const created = await new AdminApi(url).createSession('Transports', ['Daraa', 'Homs'], uniqueId('s'));
  return Promise.all([
    join(url, inviteFor(created, 'member', 'Daraa')),
    join(url, inviteFor(created, 'member', 'Homs')),
  ]);
}

const portsOf = (t: { iceCandidates: { protocol: string; port: number }[] }, protocol: 'udp' | 'tcp') =>
  t.iceCandidates.filter((c) => c.protocol === protocol).map((c) => c.port);

describe('getting through firewalls: one media port', () => {
  const { server, closeLater } = withServer({ RTC_PORT: '0' });

  it('every WebRTC transport of a worker is reached on the same single UDP port and the same single TCP port', async () => {
    const members = await twoMembers(server().url);
    members.forEach((m) => closeLater(m));
    const transports = await Promise.all(
      members.flatMap((m) => [
        request(m.socket, 'media:createTransport', { direction: 'send' }),
        request(m.socket, 'media:createTransport', { direction: 'recv' }),
      ]),
    ).then((rs) => rs.map(data));
    const udp = new Set(transports.flatMap((t) => portsOf(t, 'udp')));
    const tcp = new Set(transports.flatMap((t) => portsOf(t, 'tcp')));
    expect(udp.size).toBe(1);
    expect(tcp.size).toBe(1);
  });
});

describe('getting through firewalls: the port range fallback', () => {
  const { server, closeLater } = withServer({ RTC_PORT_RANGE: 'true', RTC_MIN_PORT: '41000', RTC_MAX_PORT: '41999' });

  it('with RTC_PORT_RANGE each transport takes its own port from the range', async () => {
    const members = await twoMembers(server().url);
    members.forEach((m) => closeLater(m));
    const [a, b] = await Promise.all(
      members.map((m) => request(m.socket, 'media:createTransport', { direction: 'recv' })),
    ).then((rs) => rs.map(data));
    const ports = [...portsOf(a!, 'udp'), ...portsOf(b!, 'udp')];
    expect(new Set(ports).size).toBe(2);
    for (const p of ports) {
      expect(p).toBeGreaterThanOrEqual(41000);
      expect(p).toBeLessThanOrEqual(41999);
    }
  });
});

describe('TURN credentials', () => {
  const { server, closeLater } = withServer({
    TURN_URLS: TURN_URLS.join(','),
    TURN_SECRET,
    TURN_CREDENTIAL_TTL_SECONDS: '600',
  });

  it('each participant gets the TURN servers with a credential from the shared secret, valid for the configured time', async () => {
    const [daraa, homs] = await twoMembers(server().url);
    closeLater(daraa);
    closeLater(homs);
    const before = Date.now();
    const mine = data(await request(daraa.socket, 'media:iceServers', {}));
    const theirs = data(await request(homs.socket, 'media:iceServers', {}));
    const [server0] = mine.iceServers;
    expect(server0?.urls).toEqual(TURN_URLS);
    // The username names the participant and the expiry; the password is what coturn recomputes.
    const [expiry, subject] = server0!.username.split(':');
    expect(subject).toBe(daraa.snapshot.self.id);
    expect(Number(expiry) * 1000).toBe(mine.expiresAt);
    expect(mine.expiresAt! - before).toBeGreaterThanOrEqual(599_000);
    expect(server0!.credential).toBe(createHmac('sha1', TURN_SECRET).update(server0!.username).digest('base64'));
    expect(theirs.iceServers[0]?.credential).not.toBe(server0!.credential);
  });

  it('a connection that has not joined gets no credential', async () => {
    const created = await new AdminApi(server().url).createSession('Not joined', ['Daraa'], uniqueId('s'));
    const socket = closeLater(await connect(server().url, inviteFor(created, 'member', 'Daraa')));
    expect(await request(socket, 'media:iceServers', {})).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
  });
});

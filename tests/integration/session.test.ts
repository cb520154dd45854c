import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ErrorCode, type Session } from '@concord/shared';
import jwt from 'jsonwebtoken';
import type { Concord } from '../../server/src/app.js';
import {
  AdminApi,
  connect,
  data,
  inviteFor,
  join,
  nextEntry,
  nextEvent,
  request,
  requestRaw,
  type TestSocket,
} from '../support/clients.js';
import { TEST_JWT_SECRET, testEnv, uniqueId } from '../support/env.js';
import { OPUS_RTP_PARAMETERS } from '../support/sessions.js';
import { ChildServer, startTestServer } from '../support/server.js';

const SITES = ['Daraa', 'Damascus', 'Homs', 'Latakia'];

describe('joining a session', () => {
  let concord: Concord;
  let admin: AdminApi;
  let created: Awaited<ReturnType<AdminApi['createSession']>>;
  const sockets: TestSocket[] = [];
  const track = <T extends { socket: TestSocket }>(x: T): T => {
    sockets.push(x.socket);
    return x;
  };

  beforeAll(async () => {
    concord = await startTestServer(inject('redisUrl'));
    admin = new AdminApi(concord.url);
    created = await admin.createSession('Joint session', SITES, uniqueId('s'));
  });
  afterAll(async () => {
    for (const s of sockets) {
      s.close();
    }
    await concord?.close();
  });

  it('a member joins with an invite token and receives the router capabilities', async () => {
    const { socket, snapshot } = track(await join(concord.url, inviteFor(created, 'member', 'Daraa')));
    expect(snapshot.state.session.id).toBe(created.session.id);
    expect(snapshot.self.siteId).toBe('daraa');
    expect(snapshot.self.role).toBe('member');
    const caps = data(await request(socket, 'media:getRouterRtpCapabilities', {}));
    const mimeTypes = caps.codecs?.map((c) => c.mimeType) ?? [];
    expect(mimeTypes).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8', 'video/VP9', 'video/H264']));
  });

  it('a joined participant can create a send and a receive WebRTC transport', async () => {
    const { socket } = track(await join(concord.url, inviteFor(created, 'member', 'Homs')));
    const send = data(await request(socket, 'media:createTransport', { direction: 'send' }));
    const recv = data(await request(socket, 'media:createTransport', { direction: 'recv' }));
    expect(send.id).not.toBe(recv.id);
    for (const t of [send, recv]) {
      expect(t.iceCandidates.length).toBeGreaterThan(0);
      expect(t.iceCandidates[0]?.address).toBe('127.0.0.1');
      expect(t.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    }
  });

  it("a second participant appears in the first one's participant list", async () => {
    const first = track(await join(concord.url, inviteFor(created, 'member', 'Latakia')));
    const joined = nextEntry(first.socket, 'participant.joined', (e) => e.payload.participant.siteId === 'damascus');
    const second = track(await join(concord.url, inviteFor(created, 'member', 'Damascus'), 'Rania Haddad'));
    const event = await joined;
    expect(event.payload.participant).toMatchObject({
      id: second.snapshot.self.id,
      displayName: 'Rania Haddad',
      connection: 'connected',
    });
    expect(Object.keys(second.snapshot.state.participants)).toContain(first.snapshot.self.id);
    expect(event.seq).toBeGreaterThan(first.snapshot.seq);
  });

  it('the same tab reconnecting takes back its own place instead of adding a participant', async () => {
    const token = inviteFor(created, 'member', 'Daraa');
    const first = track(await join(concord.url, token));
    first.socket.close();
    const again = track({ socket: await connect(concord.url, token) });
    const snapshot = data(await request(again.socket, 'session:join', { instanceId: first.instanceId }));
    expect(snapshot.self.id).toBe(first.snapshot.self.id);
    expect(Object.values(snapshot.state.participants).filter((p) => p.id === first.snapshot.self.id)).toHaveLength(1);
  });

  it('media requests before joining are refused with NOT_JOINED', async () => {
    const socket = await connect(concord.url, inviteFor(created, 'member', 'Homs'));
    sockets.push(socket);
    const res = await request(socket, 'media:createTransport', { direction: 'send' });
    expect(res).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_JOINED } });
  });

  it('malformed payloads get INVALID_PAYLOAD and the server keeps serving', async () => {
    const { socket } = track(await join(concord.url, inviteFor(created, 'member', 'Homs')));
    const bad: [string, unknown][] = [
      ['session:join', null],
      ['session:join', 'daraa'],
      ['session:join', { instanceId: 'short' }],
      ['session:join', { instanceId: 'abcdefgh12', role: 'chair' }],
      ['media:createTransport', { direction: 'sideways' }],
      ['media:createTransport', []],
      ['media:connectTransport', { transportId: 'not-a-uuid', dtlsParameters: { fingerprints: [] } }],
      [
        'media:produce',
        { transportId: crypto.randomUUID(), kind: 'audio', source: 'mic', rtpParameters: { codecs: [] } },
      ],
      [
        'media:produce',
        {
          transportId: crypto.randomUUID(),
          kind: 'audio',
          source: 'mic',
          rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 999, clockRate: 48000 }] },
        },
      ],
      [
        'media:consume',
        { transportId: crypto.randomUUID(), producerId: crypto.randomUUID(), rtpCapabilities: { codecs: 'all' } },
      ],
      ['media:setConsumerLayers', { consumerId: crypto.randomUUID(), spatialLayer: -1 }],
      ['media:getRouterRtpCapabilities', { extra: true }],
    ];
    for (const [event, payload] of bad) {
      const res = await requestRaw(socket, event, payload);
      expect(res, `${event} ${JSON.stringify(payload)}`).toMatchObject({
        ok: false,
        error: { code: ErrorCode.INVALID_PAYLOAD },
      });
    }
    // An event without an ack and an unknown event are ignored, not fatal.
    socket.emit('media:createTransport', { direction: 'send' }, undefined as never);
    (socket as unknown as { emit(e: string, p: unknown): void }).emit('no:such:event', { x: 1 });
    const ok = await request(socket, 'media:createTransport', { direction: 'recv' });
    expect(ok.ok).toBe(true);
  });

  it("ids of another participant's transports, producers and consumers are refused", async () => {
    const a = track(await join(concord.url, inviteFor(created, 'member', 'Daraa')));
    const b = track(await join(concord.url, inviteFor(created, 'member', 'Homs')));
    const aTransport = data(await request(a.socket, 'media:createTransport', { direction: 'send' }));
    data(await request(b.socket, 'media:createTransport', { direction: 'send' }));
    const res = await request(b.socket, 'media:connectTransport', {
      transportId: aTransport.id,
      dtlsParameters: aTransport.dtlsParameters,
    });
    expect(res).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
    const pause = await request(b.socket, 'media:pauseProducer', { producerId: crypto.randomUUID() });
    expect(pause).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
  });

  it('a client speaking another protocol version is refused with PROTOCOL_MISMATCH', async () => {
    await expect(
      connect(concord.url, inviteFor(created, 'member', 'Daraa'), { protocolVersion: 999 }),
    ).rejects.toMatchObject({
      data: { code: ErrorCode.PROTOCOL_MISMATCH },
    });
  });

  it('connections without a valid token are refused with a code', async () => {
    await expect(connect(concord.url, 'garbage')).rejects.toMatchObject({ data: { code: ErrorCode.UNAUTHENTICATED } });
    await expect(connect(concord.url, '', { auth: { nothing: true } })).rejects.toMatchObject({
      data: { code: ErrorCode.UNAUTHENTICATED },
    });
    const expired = concord.tokens.issue(
      {
        sessionId: created.session.id,
        siteId: created.session.sites[0]!.id,
        role: 'member',
        displayName: 'x',
        ttlSeconds: 60,
      },
      Date.now() - 3_600_000,
    ).token;
    await expect(connect(concord.url, expired)).rejects.toMatchObject({ data: { code: ErrorCode.TOKEN_EXPIRED } });
  });

  it('a token for session X cannot join session Y', async () => {
    const other = await admin.createSession('Another session', ['Aleppo'], uniqueId('s'));
    const otherMember = track(await join(concord.url, inviteFor(other, 'member', 'Aleppo')));
    // X's token joins X, never Y: nobody in Y hears of it.
    let leaked = false;
    otherMember.socket.on('session:entry', () => (leaked = true));
    const x = track(await join(concord.url, inviteFor(created, 'member', 'Daraa')));
    expect(x.snapshot.state.session.id).toBe(created.session.id);
    expect(Object.values(x.snapshot.state.participants).some((p) => p.sessionId !== created.session.id)).toBe(false);
    // A token of X re-signed to name Y without the server's secret is refused.
    const claims = jwt.decode(inviteFor(created, 'member', 'Daraa')) as Record<string, unknown>;
    const forged = jwt.sign({ ...claims, sid: other.session.id }, 'not-the-secret');
    await expect(connect(concord.url, forged)).rejects.toMatchObject({ data: { code: ErrorCode.UNAUTHENTICATED } });
    // A validly signed token whose site belongs to another session is refused at join.
    const crossSite = jwt.sign({ ...claims, site: 'aleppo' }, TEST_JWT_SECRET, { algorithm: 'HS256' });
    const crossSocket = await connect(concord.url, crossSite);
    sockets.push(crossSocket);
    const res = await request(crossSocket, 'session:join', { instanceId: 'cross-site-instance' });
    expect(res).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(leaked).toBe(false);
  });

  it('when a participant leaves, everyone else is told its tracks are gone', async () => {
    const a = track(await join(concord.url, inviteFor(created, 'member', 'Daraa')));
    const b = track(await join(concord.url, inviteFor(created, 'member', 'Homs')));
    const transport = data(await request(a.socket, 'media:createTransport', { direction: 'send' }));
    const announced = nextEvent(b.socket, 'producer:new', (e) => e.participantId === a.snapshot.self.id);
    const { producerId } = data(
      await request(a.socket, 'media:produce', {
        transportId: transport.id,
        kind: 'audio',
        source: 'mic',
        rtpParameters: OPUS_RTP_PARAMETERS,
      }),
    );
    expect((await announced)[0]).toMatchObject({ producerId, kind: 'audio', source: 'mic', siteId: 'daraa' });
    const closed = nextEvent(b.socket, 'producer:closed', (e) => e.producerId === producerId);
    data(await request(a.socket, 'session:leave', {}));
    await closed;
  });

  it('a participant who leaves has its transports closed on the media server', async () => {
    const { socket } = track(await join(concord.url, inviteFor(created, 'member', 'Latakia')));
    data(await request(socket, 'media:createTransport', { direction: 'send' }));
    data(await request(socket, 'media:createTransport', { direction: 'recv' }));
    const room = await concord.rooms.get(created.session.id);
    // Counted from the router's own dump, not from our maps: the worker must have closed them.
    const transportsOnRouter = async () => (await room.dumpRouter()).transportIds.length;
    const before = await transportsOnRouter();
    data(await request(socket, 'session:leave', {}));
    expect(await transportsOnRouter()).toBe(before - 2);
  });
});

describe('the session outlives the server process', () => {
  it('after a restart the session, its sites and its invite links are still valid', async () => {
    const redisUrl = inject('redisUrl');
    const env = testEnv(redisUrl);
    let server = await ChildServer.start(env);
    try {
      const admin = new AdminApi(server.url);
      const created = await admin.createSession('Restart check', SITES, uniqueId('s'));
      const member = await join(server.url, inviteFor(created, 'member', 'Homs'));
      member.socket.close();

      await server.stop('SIGKILL');
      server = await ChildServer.start(env);

      const restarted = server;
      const read = async () =>
        data((await new AdminApi(restarted.url).call('GET', `/api/admin/sessions/${created.session.id}`)).json) as {
          session: Session;
          participants: { id: string; connection: string }[];
        };
      expect((await read()).session).toEqual(created.session);
      // Its place is kept: reconnecting once the dead process stops counting as alive.
      await expect
        .poll(async () => (await read()).participants.find((p) => p.id === member.snapshot.self.id)?.connection, {
          timeout: 10_000,
        })
        .toBe('reconnecting');
      // The invite issued before the restart still joins, and takes back the same place.
      const socket = await connect(server.url, inviteFor(created, 'member', 'Homs'));
      const snapshot = data(await request(socket, 'session:join', { instanceId: member.instanceId }));
      expect(snapshot.self).toMatchObject({ id: member.snapshot.self.id, connection: 'connected' });
      socket.close();
    } finally {
      await server.stop();
    }
  });
});

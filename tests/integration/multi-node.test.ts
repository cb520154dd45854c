import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ErrorCode,
  SessionIdSchema,
  placeNodes,
  type InviteWire,
  type NodesWire,
  type Result,
  type SessionInfoWire,
} from '@concord/shared';
import type { Concord } from '../../server/src/app.js';
import { AdminApi, connect, data, nextEntry, nextEvent, request, type TestSocket } from '../support/clients.js';
import { testEnv } from '../support/env.js';
import { ChildServer, startTestServer } from '../support/server.js';
import { current, inviteFor, joinAs, newSession, publishMic, type Joined } from '../support/sessions.js';

describe('several nodes serve one session', () => {
  let a: Concord;
  let b: Concord;
  const sockets: TestSocket[] = [];
  const track = async (p: Promise<Joined>) => {
    const j = await p;
    sockets.push(j.socket);
    return j;
  };
  beforeAll(async () => {
    a = await startTestServer(inject('redisUrl'), { NODE_ID: 'node-a', NODE_REGION: 'daraa' });
    b = await startTestServer(inject('redisUrl'), { NODE_ID: 'node-b', NODE_REGION: 'homs' });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all([a?.close(), b?.close()]);
  });

  it('with the chair on A and the members on B, every client sees every change, in order, on both nodes', async () => {
    const created = await newSession(a.url);
    const sid = created.session.id;
    const chair = await track(joinAs(a.url, inviteFor(created, 'chair')));
    const commander = await track(joinAs(a.url, inviteFor(created, 'commander')));
    const daraa = await track(joinAs(b.url, inviteFor(created, 'member', 'Daraa'), 'Amal'));
    const homs = await track(joinAs(b.url, inviteFor(created, 'member', 'Homs'), 'Omar'));
    const operator = await track(joinAs(b.url, inviteFor(created, 'operator')));

    // The chair on A sees the members who joined through B.
    await expect.poll(() => Object.keys(chair.state().participants).length).toBe(5);
    const v = () => chair.latest().version;
    const { itemId } = data(
      await request(chair.socket, 'agenda:add', { expectedVersion: v(), title: 'Returns', allotmentSec: 600 }),
    );
    await expect.poll(() => chair.latest().agenda.length).toBe(1);
    data(await request(chair.socket, 'agenda:start', { expectedVersion: v(), itemId }));
    await expect.poll(() => chair.latest().currentItemId).toBe(itemId);
    // A member on B asks; the chair on A gives it the floor; the member on B is told.
    const { requestId } = data(await request(daraa.socket, 'floor:request', { type: 'speak' }));
    await expect.poll(() => chair.latest().queue.map((q) => q.id)).toEqual([requestId]);
    const granted = nextEntry(daraa.socket, 'floor.granted');
    data(await request(chair.socket, 'floor:grant', { expectedVersion: v(), requestId }));
    expect((await granted).payload.requestId).toBe(requestId);
    // An issue raised on B reaches the commander on A; its decision reaches B.
    const raised = nextEntry(commander.socket, 'issue.raised');
    const { issueId } = data(
      await request(homs.socket, 'issue:raise', {
        idempotencyKey: 'multi-node-0001',
        title: 'Water station at Al-Waer',
        category: 'other',
        urgency: 'critical',
      }),
    );
    expect((await raised).payload.event.issueId).toBe(issueId);
    data(await request(commander.socket, 'issue:acknowledge', { issueId }));
    data(await request(commander.socket, 'issue:decide', { issueId, decision: 'Tankers tonight' }));
    await expect.poll(() => homs.state().issues[issueId]?.status).toBe('decided');

    // Every client, on either node, holds the same state as the log, having seen every entry once, in order.
    const stored = await a.logStore.load(SessionIdSchema.parse(sid));
    for (const j of [chair, commander, daraa, homs, operator]) {
      await expect.poll(() => j.received().at(-1)).toBe(stored?.head.seq);
      const got = j.received();
      expect(got).toEqual(Array.from({ length: got.length }, (_, k) => got[0]! + k));
      expect(j.state()).toEqual(stored?.state);
    }
    // Both nodes' copies agree with Redis.
    expect((await a.logs.get(SessionIdSchema.parse(sid))).state).toEqual(stored?.state);
    await expect.poll(async () => (await b.logs.get(SessionIdSchema.parse(sid))).head).toEqual(stored?.head);
  });

  it("every node lists the live nodes with their region and address; an invite's region puts its nodes first", async () => {
    const port = (url: string) => new URL(url).port;
    const listed = async () => {
      const res = await fetch(`${a.url}/api/nodes`);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      const body = (await res.json()) as Result<NodesWire>;
      return body.ok ? body.data.nodes : [];
    };
    await expect
      .poll(async () => (await listed()).filter((n) => n.id === 'node-a' || n.id === 'node-b'))
      .toEqual([
        { id: 'node-a', region: 'daraa', url: expect.stringMatching(new RegExp(`:${port(a.url)}$`)) },
        { id: 'node-b', region: 'homs', url: expect.stringMatching(new RegExp(`:${port(b.url)}$`)) },
      ]);

    // An invite for Homs opened from a link of node A: the browser goes to B, then A, then the rest.
    const created = await newSession(a.url);
    const homsSite = created.session.sites.find((x) => x.name === 'Homs')!;
    const { status, json } = await new AdminApi(a.url).call(
      'POST',
      `/api/admin/sessions/${created.session.id}/invites`,
      {
        role: 'member',
        siteId: homsSite.id,
        displayName: 'Homs',
        region: 'homs',
      },
    );
    expect(status).toBe(201);
    const invite = data(json as Result<InviteWire>);
    expect(invite.region).toBe('homs');
    const info = await fetch(`${a.url}/api/session`, { headers: { authorization: `Bearer ${invite.token}` } });
    const body = data((await info.json()) as Result<SessionInfoWire>);
    expect(body.invite.region).toBe('homs');
    const servers = placeNodes(body.nodes, body.invite.region, a.url);
    expect(servers.slice(0, 2).map(port)).toEqual([port(b.url), port(a.url)]);
    // Without a region, the page's own server comes first.
    expect(placeNodes(body.nodes, null, a.url).map(port)[0]).toBe(port(a.url));
    // A region no node serves is refused nowhere: the client falls back to the page's server.
    expect(placeNodes(body.nodes, 'latakia', a.url).map(port)[0]).toBe(port(a.url));
  });

  it("the chair's mutes and floor mode reach the microphones on every node", async () => {
    const created = await newSession(a.url);
    const chair = await track(joinAs(a.url, inviteFor(created, 'chair')));
    const daraa = await track(joinAs(a.url, inviteFor(created, 'member', 'Daraa')));
    const homs = await track(joinAs(b.url, inviteFor(created, 'member', 'Homs')));
    const [, homsMic] = await Promise.all([publishMic(daraa), publishMic(homs)]);
    const v = () => chair.latest().version;

    // Floor mode with Daraa (on A) speaking: Homs's microphone on B is paused, and B refuses to open it.
    const { requestId } = data(await request(daraa.socket, 'floor:request', { type: 'speak' }));
    await expect.poll(() => chair.latest().queue.length).toBe(1);
    data(await request(chair.socket, 'floor:grant', { expectedVersion: v(), requestId }));
    await expect.poll(() => chair.latest().speaker?.request.participantId).toBe(daraa.id);
    const floorMuted = nextEvent(homs.socket, 'moderation:muted');
    const seenPaused = nextEvent(chair.socket, 'producer:updated', (e) => e.producerId === homsMic && e.paused);
    data(await request(chair.socket, 'floor:settings', { expectedVersion: v(), floorMode: true }));
    expect((await floorMuted)[0]).toEqual({ reason: 'floor_mode' });
    await seenPaused;
    expect(await request(homs.socket, 'media:resumeProducer', { producerId: homsMic })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.FLOOR_MODE },
    });

    // Floor mode off: Homs opens its microphone; the chair on A mutes the Homs site, on B.
    await expect.poll(() => chair.latest().settings.floorMode).toBe(true);
    data(await request(chair.socket, 'floor:settings', { expectedVersion: v(), floorMode: false }));
    await expect.poll(() => homs.latest().settings.floorMode).toBe(false);
    data(await request(homs.socket, 'media:resumeProducer', { producerId: homsMic }));
    const chairMuted = nextEvent(homs.socket, 'moderation:muted');
    const site = created.session.sites.find((x) => x.name === 'Homs')!.id;
    expect(data(await request(chair.socket, 'moderation:mute', { siteId: site }))).toEqual({ muted: 1 });
    expect((await chairMuted)[0]).toEqual({ reason: 'chair' });
    // Every node's record of the track says paused: a client joining anywhere sees it so.
    const late = await track(joinAs(a.url, inviteFor(created, 'commander')));
    await expect
      .poll(
        async () =>
          data(await request(late.socket, 'session:snapshot', {})).producers.find((p) => p.producerId === homsMic)
            ?.paused,
      )
      .toBe(true);
  });

  it('exactly one node runs a session: the node its first participant joined through', async () => {
    const created = await newSession(a.url);
    const sid = SessionIdSchema.parse(created.session.id);
    await track(joinAs(b.url, inviteFor(created, 'member', 'Homs')));
    await expect.poll(() => b.ownership.fence(sid)).not.toBeNull();
    await track(joinAs(a.url, inviteFor(created, 'member', 'Daraa')));
    await new Promise((r) => setTimeout(r, 600));
    expect(a.ownership.fence(sid)).toBeNull();
    expect(b.ownership.fence(sid)).not.toBeNull();
  });

  it('rate limits hold across nodes: one address gets 300 API requests a minute, not 300 per node', async () => {
    const created = await newSession(a.url);
    const token = inviteFor(created, 'member', 'Daraa');
    const statuses: number[] = [];
    try {
      // 2 × 200 requests from one address, alternating between the nodes: together past 300.
      for (let i = 0; i < 200; i++) {
        for (const node of [a, b]) {
          const res = await fetch(`${node.url}/api/session`, { headers: { authorization: `Bearer ${token}` } });
          statuses.push(res.status);
        }
      }
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(100);
      expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(300);
    } finally {
      // The count lives in Redis for a minute: give the other suites their budget back.
      const counted = await a.redis.keys('concord:rl:api:*');
      if (counted.length > 0) {
        await a.redis.del(...counted);
      }
    }
  });
});

describe('losing a node costs seconds', () => {
  const env = (node: string) => testEnv(inject('redisUrl'), { NODE_ID: node });

  it("the owner is SIGKILLed while a speaker's time runs: the other node cuts the speaker off within 1 s of the due time, once", async () => {
    let owner = await ChildServer.start(env('owner-1'));
    const standby = await ChildServer.start(env('standby-1'));
    const sockets: TestSocket[] = [];
    try {
      const created = await newSession(owner.url);
      const chair = await joinAs(owner.url, inviteFor(created, 'chair'));
      const daraa = await joinAs(owner.url, inviteFor(created, 'member', 'Daraa'));
      // An observer on the standby node, which so follows the session.
      const watcher = await joinAs(standby.url, inviteFor(created, 'commander'));
      sockets.push(chair.socket, daraa.socket, watcher.socket);
      let v = (await current(chair)).version;
      data(await request(chair.socket, 'floor:settings', { expectedVersion: v, defaultSpeakingSec: 10, graceSec: 0 }));
      data(await request(daraa.socket, 'floor:request', { type: 'speak' }));
      v = (await current(chair)).version;
      data(await request(chair.socket, 'floor:grant', { expectedVersion: v, requestId: null }));
      const speaker = (await current(chair)).speaker!;
      const dueAt = speaker.startedAt + speaker.allottedMs;
      const cutOff = nextEntry(watcher.socket, 'floor.cutOff', () => true, 30_000);
      // The owner dies shortly before the speaker's time is up.
      await new Promise((r) => setTimeout(r, Math.max(0, dueAt - Date.now() - 300)));
      await owner.stop('SIGKILL');
      const entry = await cutOff;
      expect(entry.payload.dueAt).toBe(dueAt);
      expect(entry.actor).toEqual({ kind: 'system', component: 'floor-clock' });
      expect(entry.at - dueAt).toBeLessThanOrEqual(1_000);
      // Once: the log has one cut-off.
      owner = await ChildServer.start(env('owner-2'));
      const api = await connect(standby.url, inviteFor(created, 'operator'));
      sockets.push(api);
      const snapshot = data(await request(api, 'session:join', { instanceId: 'operator-after-kill' }));
      expect(snapshot.state.proceedings.lastCutOff).toEqual({ participantId: daraa.id, at: dueAt });
      const since = data(await request(api, 'session:since', { after: 0 }));
      expect(since.entries?.filter((e) => e.type === 'floor.cutOff')).toHaveLength(1);
    } finally {
      sockets.forEach((s) => s.close());
      await Promise.all([owner.stop(), standby.stop()]);
    }
  });

  it('a node that restarts evicts nobody held by the other node', async () => {
    let first = await ChildServer.start(env('restart-a'));
    const other = await ChildServer.start(env('restart-b'));
    const sockets: TestSocket[] = [];
    try {
      const created = await newSession(first.url);
      const onFirst = await joinAs(first.url, inviteFor(created, 'member', 'Daraa'));
      const onOther = await joinAs(other.url, inviteFor(created, 'member', 'Homs'));
      sockets.push(onFirst.socket, onOther.socket);
      await first.stop('SIGKILL');
      first = await ChildServer.start(env('restart-a2'));
      // The restarted node and the sweeps of the next seconds: the place held on the other
      // node stays connected; the one held by the dead node is dropped and kept for the grace.
      await expect
        .poll(() => onOther.state().participants[onFirst.id]?.connection, { timeout: 10_000 })
        .toBe('reconnecting');
      await new Promise((r) => setTimeout(r, 2_000));
      expect(onOther.state().participants[onOther.id]?.connection).toBe('connected');
      expect(
        Object.values(onOther.state().participants)
          .filter((p) => p.connection === 'connected')
          .map((p) => p.id),
      ).toEqual([onOther.id]);
      // The log never said the live one dropped.
      const since = data(await request(onOther.socket, 'session:since', { after: 0 }));
      expect(
        since.entries?.filter((e) => e.type === 'participant.dropped' && e.payload.participantId === onOther.id),
      ).toHaveLength(0);
    } finally {
      sockets.forEach((s) => s.close());
      await Promise.all([first.stop(), other.stop()]);
    }
  });
});

describe('a node restarted under the same name', () => {
  it('drops the places of its earlier run (they keep the grace) and forgets the tracks published through it', async () => {
    const env = testEnv(inject('redisUrl'), { NODE_ID: 'fixed-name' });
    let node = await ChildServer.start(env);
    const other = await ChildServer.start(testEnv(inject('redisUrl'), { NODE_ID: 'fixed-other' }));
    const sockets: TestSocket[] = [];
    try {
      const created = await newSession(node.url);
      const daraa = await joinAs(node.url, inviteFor(created, 'member', 'Daraa'));
      const watcher = await joinAs(other.url, inviteFor(created, 'operator'));
      sockets.push(daraa.socket, watcher.socket);
      const mic = await publishMic(daraa);
      const forgotten = nextEvent(watcher.socket, 'producer:closed', (e) => e.producerId === mic, 20_000);
      // Back under the same name before its key lapses: to the others it never looked dead.
      await node.stop('SIGKILL');
      node = await ChildServer.start(env);
      await expect.poll(() => watcher.state().participants[daraa.id]?.connection).toBe('reconnecting');
      await forgotten;
      const snap = data(await request(watcher.socket, 'session:snapshot', {}));
      expect(snap.producers.map((p) => p.producerId)).not.toContain(mic);
    } finally {
      sockets.forEach((s) => s.close());
      await Promise.all([node.stop(), other.stop()]);
    }
  });
});

describe('media when a node dies', () => {
  let b: Concord;
  beforeAll(async () => {
    b = await startTestServer(inject('redisUrl'), { NODE_ID: 'survivor-b' });
  });
  afterAll(() => b?.close());

  it('the pipes to a dead node close, its tracks are forgotten, and its participant publishes again through another node', async () => {
    const origin = await ChildServer.start(testEnv(inject('redisUrl'), { NODE_ID: 'doomed-a' }));
    const sockets: TestSocket[] = [];
    try {
      const created = await newSession(origin.url);
      const sid = SessionIdSchema.parse(created.session.id);
      const daraaToken = inviteFor(created, 'member', 'Daraa');
      const daraa = await joinAs(origin.url, daraaToken);
      const homs = await joinAs(b.url, inviteFor(created, 'member', 'Homs'));
      sockets.push(daraa.socket, homs.socket);
      const producerId = await publishMic(daraa);
      const caps = data(await request(homs.socket, 'media:getRouterRtpCapabilities', {}));
      const recv = data(await request(homs.socket, 'media:createTransport', { direction: 'recv' }));
      const consume = (id: string) =>
        request(homs.socket, 'media:consume', { transportId: recv.id, producerId: id, rtpCapabilities: caps as never });
      data(await consume(producerId));
      expect((await b.pipes.stats(sid)).map((p) => p.node)).toEqual(['doomed-a']);

      const consumerClosed = nextEvent(homs.socket, 'consumer:closed', () => true, 10_000);
      const forgotten = nextEvent(homs.socket, 'producer:closed', (e) => e.producerId === producerId, 10_000);
      await origin.stop('SIGKILL');
      // The node's key lapses (3 s): B closes its pipe, the owner forgets the tracks.
      await consumerClosed;
      await forgotten;
      await expect.poll(() => b.pipes.stats(sid)).toEqual([]);
      const snap = data(await request(homs.socket, 'session:snapshot', {}));
      expect(snap.producers.map((p) => p.producerId)).not.toContain(producerId);

      // Daraa's tab comes back through B (same instance: the same place) and publishes again.
      const back = await joinAs(b.url, daraaToken, undefined, daraa.instanceId);
      sockets.push(back.socket);
      expect(back.id).toBe(daraa.id);
      const again = await publishMic(back);
      data(await consume(again));
      expect(homs.state().participants[daraa.id]?.connection).toBe('connected');
    } finally {
      sockets.forEach((s) => s.close());
      await origin.stop();
    }
  });
});

describe('media across nodes: the cascade', () => {
  let a: Concord;
  let b: Concord;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    a = await startTestServer(inject('redisUrl'), { NODE_ID: 'media-a' });
    b = await startTestServer(inject('redisUrl'), { NODE_ID: 'media-b' });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all([a?.close(), b?.close()]);
  });

  it('a track published on A and received by three participants on B crosses from A to B once, and goes when it closes', async () => {
    const created = await newSession(a.url);
    const sid = SessionIdSchema.parse(created.session.id);
    const daraa = await joinAs(a.url, inviteFor(created, 'member', 'Daraa'));
    sockets.push(daraa.socket);
    const producerId = await publishMic(daraa);
    const receivers = [];
    for (const site of ['Homs', 'Damascus', 'Latakia']) {
      const j = await joinAs(b.url, inviteFor(created, 'member', site));
      sockets.push(j.socket);
      receivers.push(j);
    }
    // A joiner on B sees the track published on A.
    const snap = data(await request(receivers[0]!.socket, 'session:snapshot', {}));
    expect(snap.producers.map((p) => p.producerId)).toContain(producerId);
    // What a browser would offer: the router's own capabilities.
    const rtpCapabilities = data(await request(receivers[0]!.socket, 'media:getRouterRtpCapabilities', {}));
    for (const r of receivers) {
      const recv = data(await request(r.socket, 'media:createTransport', { direction: 'recv' }));
      const consumer = data(
        await request(r.socket, 'media:consume', {
          transportId: recv.id,
          producerId,
          rtpCapabilities: rtpCapabilities as never,
        }),
      );
      expect(consumer).toMatchObject({ producerId, kind: 'audio', participantId: daraa.id });
    }
    // One pipe, one copy of the track on B, whatever the number of receivers.
    const pipesOnB = await b.pipes.stats(sid);
    expect(pipesOnB.filter((p) => p.direction === 'in')).toEqual([
      { node: 'media-a', direction: 'in', bytes: expect.any(Number) },
    ]);
    expect((await b.rooms.peek(sid))?.producers().filter((p) => p.producerId === producerId)).toHaveLength(1);
    const pipesOnA = await a.pipes.stats(sid);
    expect(pipesOnA.filter((p) => p.direction === 'out').map((p) => p.node)).toEqual(['media-b']);
    // Operators see the cascade's traffic per peer node in the metrics.
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(/^concord_pipe_bytes\{peer="media-a",direction="in"\} \d+$/m);

    // Closing the track on A closes the consumers on B and tells every client.
    const closed = receivers.map((r) => nextEvent(r.socket, 'consumer:closed'));
    data(await request(daraa.socket, 'media:closeProducer', { producerId }));
    await Promise.all(closed);
    await expect.poll(async () => (await b.rooms.peek(sid))?.has(producerId)).toBe(false);
  });
});

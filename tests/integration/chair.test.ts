import { describe, expect, it } from 'vitest';
import { ErrorCode, holdsChair, type ClientToServerEvents } from '@concord/shared';
import { connect, data, nextEntry, nextEvent, request, requestRaw } from '../support/clients.js';
import {
  current,
  inviteFor,
  joinAs,
  newSession,
  seatFor,
  publishMic,
  stateOf,
  type Joined,
} from '../support/sessions.js';
import { withServer } from '../support/fixtures.js';

type Created = Awaited<ReturnType<typeof newSession>>;

describe('the chair runs the session', () => {
  const { server, closeLater } = withServer();
  const track = async (p: Promise<Joined>) => closeLater(await p);

  /** A session with its chair and one member per site, an agenda item and one floor request. */
  async function setup(): Promise<{
    created: Created;
    chair: Joined;
    daraa: Joined;
    homs: Joined;
    operator: Joined;
    itemId: string;
    requestId: string;
  }> {
    const created = await newSession(server().url);
    const chair = await track(joinAs(server().url, inviteFor(created, 'chair')));
    const daraa = await track(joinAs(server().url, inviteFor(created, 'member', 'Daraa'), 'Amal'));
    const homs = await track(joinAs(server().url, inviteFor(created, 'member', 'Homs'), 'Omar'));
    const operator = await track(joinAs(server().url, inviteFor(created, 'operator')));
    const v0 = (await current(chair)).version;
    const { itemId } = data(
      await request(chair.socket, 'agenda:add', { expectedVersion: v0, title: 'Detainees', allotmentSec: 600 }),
    );
    const { requestId } = data(await request(daraa.socket, 'floor:request', { type: 'speak', forSite: false }));
    return { created, chair, daraa, homs, operator, itemId, requestId };
  }

  it('the first chair invite to join holds the chair', async () => {
    const created = await newSession(server().url);
    const chair = await track(joinAs(server().url, inviteFor(created, 'chair')));
    expect(chair.latest().chair).toMatchObject({ displayName: 'Chair' });
  });

  describe("authorisation: every chair action is refused to a member, an operator and another session's chair", () => {
    type Action = [
      keyof ClientToServerEvents,
      (ids: { v: number; itemId: string; requestId: string; daraaId: string }) => unknown,
    ];
    const actions: Action[] = [
      ['agenda:add', ({ v }) => ({ expectedVersion: v, title: 'x', allotmentSec: 60 })],
      ['agenda:edit', ({ v, itemId }) => ({ expectedVersion: v, itemId, title: 'renamed' })],
      ['agenda:reorder', ({ v, itemId }) => ({ expectedVersion: v, itemIds: [itemId] })],
      ['agenda:delete', ({ v, itemId }) => ({ expectedVersion: v, itemId })],
      ['agenda:start', ({ v, itemId }) => ({ expectedVersion: v, itemId })],
      ['agenda:finish', ({ v, itemId }) => ({ expectedVersion: v, itemId, status: 'done', outcome: 'x' })],
      ['floor:grant', ({ v, requestId }) => ({ expectedVersion: v, requestId })],
      ['floor:move', ({ v, requestId }) => ({ expectedVersion: v, requestId, toIndex: 0 })],
      ['floor:remove', ({ v, requestId }) => ({ expectedVersion: v, requestId })],
      ['floor:extend', ({ v }) => ({ expectedVersion: v, seconds: 60 })],
      ['floor:end', ({ v }) => ({ expectedVersion: v })],
      ['floor:settings', ({ v }) => ({ expectedVersion: v, floorMode: true })],
      ['moderation:mute', ({ daraaId }) => ({ participantId: daraaId })],
      ['moderation:mute', () => ({ siteId: 'daraa' })],
      ['moderation:mute', () => ({ allButFloor: true })],
      ['moderation:remove', ({ daraaId }) => ({ participantId: daraaId })],
      ['session:lock', () => ({ locked: true })],
      ['lobby:setEnabled', () => ({ enabled: true })],
      ['lobby:admit', ({ daraaId }) => ({ participantId: daraaId })],
      ['lobby:refuse', ({ daraaId }) => ({ participantId: daraaId })],
      ['chair:handOver', ({ v, daraaId }) => ({ expectedVersion: v, participantId: daraaId })],
    ];

    it('members and operators get FORBIDDEN and nothing changes', async () => {
      const s = await setup();
      const before = await current(s.chair);
      const ids = { v: before.version, itemId: s.itemId, requestId: s.requestId, daraaId: s.daraa.id };
      for (const actor of [s.homs, s.operator]) {
        for (const [event, payload] of actions) {
          const res = await requestRaw(actor.socket, event, payload(ids));
          expect(res, `${event} ${JSON.stringify(payload(ids))}`).toMatchObject({
            ok: false,
            error: { code: ErrorCode.FORBIDDEN },
          });
        }
      }
      expect(await current(s.chair)).toEqual(before);
      expect((await stateOf(server(), s.created.session.id)).session.locked).toBe(false);
    });

    it("another session's chair cannot reach this session's items, requests or participants", async () => {
      const s = await setup();
      const before = await current(s.chair);
      const other = await newSession(server().url, 'Other');
      const otherChair = await track(joinAs(server().url, inviteFor(other, 'chair')));
      const ids = {
        v: (await current(otherChair)).version,
        itemId: s.itemId,
        requestId: s.requestId,
        daraaId: s.daraa.id,
      };
      for (const [event, payload] of actions) {
        // Whatever it does lands in its own session (or is refused): this one is untouched.
        await requestRaw(otherChair.socket, event, payload(ids));
      }
      expect(await current(s.chair)).toEqual(before);
      const state = await stateOf(server(), s.created.session.id);
      expect(state.session.locked).toBe(false);
      expect(Object.keys(state.participants)).toContain(s.daraa.id);
    });
  });

  it("a member can withdraw only their own request; site A cannot withdraw site B's", async () => {
    const s = await setup();
    const refused = await request(s.homs.socket, 'floor:withdraw', { requestId: s.requestId });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    data(await request(s.daraa.socket, 'floor:withdraw', { requestId: s.requestId }));
    expect((await current(s.chair)).queue).toHaveLength(0);
  });

  it('20 participants asking for the floor at once end in one order that every client sees', async () => {
    const created = await newSession(server().url);
    const chair = await track(joinAs(server().url, inviteFor(created, 'chair')));
    const members: Joined[] = [];
    for (let i = 0; i < 20; i++) {
      const site = ['Daraa', 'Damascus', 'Homs', 'Latakia'][i % 4]!;
      members.push(await track(joinAs(server().url, seatFor(created, 'member', site), `Member ${i}`)));
    }
    const acks = await Promise.all(
      members.map((m) => request(m.socket, 'floor:request', { type: 'speak', forSite: false })),
    );
    const requestIds = acks.map((a) => data(a).requestId);
    const final = await current(chair);
    expect(final.queue.map((q) => q.id).sort()).toEqual([...requestIds].sort());
    // Alternate-sites fairness: the first four places go to four different sites.
    expect(new Set(final.queue.slice(0, 4).map((q) => q.siteId)).size).toBe(4);
    const order = final.queue.map((q) => q.id);
    for (const m of [chair, ...members]) {
      await expect.poll(() => m.latest().queue.map((q) => q.id)).toEqual(order);
    }
  });

  it('two chair commands that race: one wins, the other gets STALE_VERSION', async () => {
    const s = await setup();
    const v = (await current(s.chair)).version;
    const [a, b] = await Promise.all([
      request(s.chair.socket, 'agenda:edit', { expectedVersion: v, itemId: s.itemId, title: 'First' }),
      request(s.chair.socket, 'agenda:edit', { expectedVersion: v, itemId: s.itemId, title: 'Second' }),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    expect([a, b].find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: ErrorCode.STALE_VERSION } });
    const title = (await current(s.chair)).agenda[0]?.title;
    expect(['First', 'Second']).toContain(title);
  });

  it('giving the floor is one entry the speaker and everyone see', async () => {
    const s = await setup();
    const granted = nextEntry(s.daraa.socket, 'floor.granted');
    data(
      await request(s.chair.socket, 'floor:grant', {
        expectedVersion: (await current(s.chair)).version,
        requestId: null,
      }),
    );
    expect((await granted).payload).toEqual({ requestId: s.requestId });
    await expect.poll(() => s.homs.latest().speaker?.request.participantId).toBe(s.daraa.id);
  });

  it('in floor mode other sites are muted and cannot unmute until the floor passes to them; the chair is exempt', async () => {
    const s = await setup();
    const [daraaMic, homsMic, chairMic] = await Promise.all([
      publishMic(s.daraa),
      publishMic(s.homs),
      publishMic(s.chair),
    ]);
    const homsMuted = nextEvent(s.homs.socket, 'moderation:muted');
    let v = (await current(s.chair)).version;
    data(await request(s.chair.socket, 'floor:grant', { expectedVersion: v, requestId: s.requestId }));
    v = (await current(s.chair)).version;
    data(await request(s.chair.socket, 'floor:settings', { expectedVersion: v, floorMode: true }));
    expect((await homsMuted)[0]).toEqual({ reason: 'floor_mode' });
    const refused = await request(s.homs.socket, 'media:resumeProducer', { producerId: homsMic });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.FLOOR_MODE } });
    expect(await request(s.daraa.socket, 'media:resumeProducer', { producerId: daraaMic })).toMatchObject({ ok: true });
    expect(await request(s.chair.socket, 'media:resumeProducer', { producerId: chairMic })).toMatchObject({ ok: true });
    // The floor passes to Homs: now Homs may unmute, and Daraa is muted.
    const { requestId } = data(await request(s.homs.socket, 'floor:request', { type: 'speak', forSite: false }));
    const daraaMuted = nextEvent(s.daraa.socket, 'moderation:muted');
    data(
      await request(s.chair.socket, 'floor:grant', { expectedVersion: (await current(s.chair)).version, requestId }),
    );
    await daraaMuted;
    expect(await request(s.homs.socket, 'media:resumeProducer', { producerId: homsMic })).toMatchObject({ ok: true });
  });

  it('the chair mutes a participant, a whole site, or everyone but the floor', async () => {
    const s = await setup();
    await Promise.all([publishMic(s.daraa), publishMic(s.homs)]);
    expect(data(await request(s.chair.socket, 'moderation:mute', { participantId: s.daraa.id }))).toEqual({ muted: 1 });
    expect(data(await request(s.chair.socket, 'moderation:mute', { siteId: 'homs' }))).toEqual({ muted: 1 });
    expect(data(await request(s.chair.socket, 'moderation:mute', { allButFloor: true }))).toEqual({ muted: 0 });
  });

  it('a removed participant is disconnected and cannot come back with the same invite', async () => {
    const s = await setup();
    const kicked = nextEvent(s.homs.socket, 'session:kicked');
    data(await request(s.chair.socket, 'moderation:remove', { participantId: s.homs.id }));
    expect((await kicked)[0]).toMatchObject({ code: 'REMOVED' });
    const again = await connect(server().url, inviteFor(s.created, 'member', 'Homs'));
    closeLater(again);
    expect(await request(again, 'session:join', { instanceId: s.homs.instanceId })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.REMOVED },
    });
  });

  it('a locked session refuses newcomers but lets its participants reconnect', async () => {
    const s = await setup();
    data(await request(s.chair.socket, 'session:lock', { locked: true }));
    const newcomer = await connect(server().url, inviteFor(s.created, 'member', 'Latakia'));
    closeLater(newcomer);
    expect(await request(newcomer, 'session:join', { instanceId: 'newcomer-1234' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.SESSION_LOCKED },
    });
    s.daraa.socket.close();
    const back = await connect(server().url, inviteFor(s.created, 'member', 'Daraa'));
    closeLater(back);
    expect(await request(back, 'session:join', { instanceId: s.daraa.instanceId })).toMatchObject({ ok: true });
  });

  it('with the lobby on, a newcomer waits until the chair admits them', async () => {
    const s = await setup();
    data(await request(s.chair.socket, 'lobby:setEnabled', { enabled: true }));
    const waits = nextEntry(s.chair.socket, 'lobby.waiting');
    const newcomer = await connect(server().url, inviteFor(s.created, 'member', 'Latakia'));
    closeLater(newcomer);
    expect(await request(newcomer, 'session:join', { instanceId: 'lobby-newcomer' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.IN_LOBBY },
    });
    const { participant } = (await waits).payload;
    expect(Object.keys(s.chair.state().lobby)).toEqual([participant.id]);
    const admitted = nextEvent(newcomer, 'lobby:admitted');
    data(await request(s.chair.socket, 'lobby:admit', { participantId: participant.id }));
    await admitted;
    expect(await request(newcomer, 'session:join', { instanceId: 'lobby-newcomer' })).toMatchObject({ ok: true });
  });

  it('the chair can be handed over; the former chair loses its rights', async () => {
    const s = await setup();
    const changed = nextEntry(s.daraa.socket, 'chair.handedOver');
    data(
      await request(s.chair.socket, 'chair:handOver', {
        expectedVersion: (await current(s.chair)).version,
        participantId: s.daraa.id,
      }),
    );
    expect((await changed).payload.participantId).toBe(s.daraa.id);
    const daraaSubject = s.daraa.state().subjects[s.daraa.id]!;
    expect(holdsChair(s.daraa.latest(), daraaSubject, 'member')).toBe(true);
    const v = (await current(s.chair)).version;
    expect(await request(s.chair.socket, 'floor:extend', { expectedVersion: v, seconds: 30 })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN },
    });
    expect(await request(s.daraa.socket, 'floor:grant', { expectedVersion: v, requestId: null })).toMatchObject({
      ok: true,
    });
  });
});

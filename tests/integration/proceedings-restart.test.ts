import { describe, expect, inject, it } from 'vitest';
import { holdsChair } from '@concord/shared';
import { connect, data, request } from '../support/clients.js';
import { testEnv } from '../support/env.js';
import { ChildServer } from '../support/server.js';
import { current, inviteFor, joinAs, newSession } from '../support/sessions.js';

describe('the proceedings outlive the server process', () => {
  it('after a SIGKILL and restart the agenda, current item, queue, speaker and remaining time are intact, and the cut-off still comes', async () => {
    const env = testEnv(inject('redisUrl'));
    let server = await ChildServer.start(env);
    try {
      const created = await newSession(server.url);
      const chair = await joinAs(server.url, inviteFor(created, 'chair'));
      const daraa = await joinAs(server.url, inviteFor(created, 'member', 'Daraa'));
      const homs = await joinAs(server.url, inviteFor(created, 'member', 'Homs'));
      let v = (await current(chair)).version;
      data(await request(chair.socket, 'floor:settings', { expectedVersion: v, defaultSpeakingSec: 10, graceSec: 0 }));
      v = (await current(chair)).version;
      const { itemId } = data(
        await request(chair.socket, 'agenda:add', { expectedVersion: v, title: 'Returns', allotmentSec: 900 }),
      );
      data(await request(chair.socket, 'agenda:add', { expectedVersion: v + 1, title: 'Services', allotmentSec: 600 }));
      data(await request(chair.socket, 'agenda:start', { expectedVersion: v + 2, itemId }));
      data(await request(daraa.socket, 'floor:request', { type: 'speak', forSite: false }));
      data(await request(homs.socket, 'floor:request', { type: 'point_of_order', forSite: true }));
      v = (await current(chair)).version;
      const daraaRequest = (await current(chair)).queue.find((q) => q.siteId === 'daraa')!.id;
      data(await request(chair.socket, 'floor:grant', { expectedVersion: v, requestId: daraaRequest }));
      const before = await current(chair);
      expect(before.speaker?.request.participantId).toBe(daraa.id);
      [chair, daraa, homs].forEach((j) => j.socket.close());

      await server.stop('SIGKILL');
      server = await ChildServer.start(env);

      const again = await connect(server.url, inviteFor(created, 'chair'));
      const snapshot = data(await request(again, 'session:join', { instanceId: chair.instanceId }));
      const after = snapshot.state.proceedings;
      expect(after.agenda).toEqual(before.agenda);
      expect(after.currentItemId).toBe(itemId);
      expect(after.queue).toEqual(before.queue);
      expect(after.speaker).toEqual(before.speaker);
      // Remaining time is derived from the stored start, so it kept running across the restart.
      const remaining = after.speaker!.startedAt + after.speaker!.allottedMs - snapshot.serverNow;
      expect(remaining).toBeLessThan(10_000);
      expect(holdsChair(after, snapshot.subject, snapshot.self.role)).toBe(true);

      // The restarted server re-armed the floor clock: Daraa is cut off when time runs out.
      await expect
        .poll(
          async () => data(await request(again, 'proceedings:get', {})).proceedings.lastCutOff?.participantId ?? null,
          { timeout: 20_000, interval: 500 },
        )
        .toBe(daraa.id);
      expect(data(await request(again, 'proceedings:get', {})).proceedings.speaker).toBeNull();
      again.close();
    } finally {
      await server.stop();
    }
  });
});

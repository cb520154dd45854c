import { describe, expect, it } from 'vitest';
import type { InviteWire, Result } from '@concord/shared';
import {
  expectMediaFlowing,
  flowingSince,
  inbound,
  joinThroughUi,
  MEDIA_TIMEOUT_MS,
  screenshot,
  type Actor,
} from '../support/browser.js';
import { AdminApi, data, request } from '../support/clients.js';
import { uniqueId } from '../support/env.js';
import { recordResult } from '../support/results.js';
import { nodeUrl, withCities } from '../support/cities.js';
import type { City } from '../support/netbed.js';
import { SITES, inviteFor, joinAs, type Joined } from '../support/sessions.js';

// Three cities hold a Concord node (Daraa, Damascus, Homs) and two hold a browser (Daraa,
// Homs). Every invite link is made by the Daraa node; the invites name their city's region,
// so the Homs browser, on a page of the Daraa node, connects to the Homs node.

/** Daraa and Homs are 40 ms apart: 20 ms each way on each of their links. */
const LINK_DELAY_MS = 20;
/** The product's promise when a node dies: media flows again within this long, without a reload. */
const FAILOVER_BUDGET_MS = 5_000;
/** One window of the inter-node traffic measurement. */
const WINDOW_MS = 4_000;

async function createSession() {
  const admin = new AdminApi(nodeUrl('daraa'));
  const created = await admin.createSession('Joint session across four cities', SITES, uniqueId('s'));
  const invite = async (site: string, region: City): Promise<InviteWire> => {
    const siteId = created.session.sites.find((s) => s.name === site)!.id;
    const { json } = await admin.call('POST', `/api/admin/sessions/${created.session.id}/invites`, {
      role: 'member',
      siteId,
      displayName: site,
      region,
    });
    return data(json as Result<InviteWire>);
  };
  return { created, daraa: await invite('Daraa', 'daraa'), homs: await invite('Homs', 'homs') };
}

/** The node each participant's connection is held by, as the session's log says. */
const nodeOf = (watcher: Joined, actor: Actor) => watcher.state().presence[actor.participantId];

/** Bytes of one node's pipes from `peer` so far (its Prometheus metrics). */
async function pipeBytesIn(city: City, peer: City): Promise<number> {
  const text = await (await fetch(`${nodeUrl(city)}/metrics`)).text();
  const m = new RegExp(`^concord_pipe_bytes\\{peer="${peer}",direction="in"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

async function rateOver(windowMs: number, read: () => Promise<number>): Promise<number> {
  const first = await read();
  await new Promise((r) => setTimeout(r, windowMs));
  return ((await read()) - first) / (windowMs / 1000);
}

describe('four cities, a node in each of three', () => {
  const cities = withCities(['daraa', 'damascus', 'homs'], ['daraa', 'homs']);

  const delayDaraaHoms = async () => {
    for (const city of ['daraa', 'homs'] as const) {
      await cities.bed().setLink(city, { up: { delayMs: LINK_DELAY_MS }, down: { delayMs: LINK_DELAY_MS } });
    }
  };

  it("Daraa's browser on the Daraa node and Homs's on the Homs node, 40 ms apart, see and hear each other; the pipe carries each stream once", async () => {
    await delayDaraaHoms();
    const { created, daraa: daraaInvite, homs: homsInvite } = await createSession();
    const watcher = await joinAs(nodeUrl('damascus'), inviteFor(created, 'operator'));
    const actors: Actor[] = [];
    try {
      const daraa = await joinThroughUi(cities.browser('daraa'), daraaInvite.url, 'daraa');
      const homs = await joinThroughUi(cities.browser('homs'), homsInvite.url, 'homs');
      actors.push(daraa, homs);
      await expect.poll(() => [nodeOf(watcher, daraa), nodeOf(watcher, homs)]).toEqual(['daraa', 'homs']);
      await Promise.all([expectMediaFlowing(homs, daraa), expectMediaFlowing(daraa, homs)]);
      // Each node works out who speaks from all the audio it forwards, for its own browsers.
      for (const actor of [daraa, homs]) {
        await expect
          .poll(() => actor.page.locator('[data-testid="tile"][data-active-speaker="true"]').count(), {
            timeout: MEDIA_TIMEOUT_MS,
          })
          .toBeGreaterThan(0);
      }
      await screenshot(homs.page, 'four-cities-homs');

      // Two more receivers of Daraa's tracks on the Homs node (three in all). Were each sent
      // through the pipe for itself, the traffic would triple while they receive.
      const extra: Joined[] = [];
      const receive = async (site: string) => {
        const j = await joinAs(nodeUrl('homs'), inviteFor(created, 'member', site));
        extra.push(j);
        const caps = data(await request(j.socket, 'media:getRouterRtpCapabilities', {}));
        const recv = data(await request(j.socket, 'media:createTransport', { direction: 'recv' }));
        const { producers } = data(await request(j.socket, 'session:snapshot', {}));
        for (const p of producers.filter((t) => t.participantId === daraa.participantId)) {
          data(
            await request(j.socket, 'media:consume', {
              transportId: recv.id,
              producerId: p.producerId,
              rtpCapabilities: caps as never,
            }),
          );
        }
      };
      const read = () => pipeBytesIn('homs', 'daraa');
      const one = await rateOver(WINDOW_MS, read);
      await receive('Latakia');
      await receive('Damascus');
      const three = await rateOver(WINDOW_MS, read);
      extra.forEach((j) => j.socket.close());
      const oneAgain = await rateOver(WINDOW_MS, read);
      recordResult('four-cities-pipe', {
        bytesPerSecond: { oneConsumer: one, threeConsumers: three, oneConsumerAgain: oneAgain },
      });
      expect(one).toBeGreaterThan(0);
      // The camera's bitrate may still climb between windows; a copy per receiver would be 3×.
      expect(three).toBeLessThan(1.6 * Math.max(one, oneAgain));
    } finally {
      watcher.socket.close();
      await Promise.all(actors.map((a) => a.page.context().close()));
      await cities.bed().reset();
    }
  });

  it('the Homs node is killed: the Homs browser moves to another node and media flows again within 5 s, without a reload; its floor request keeps its place', async () => {
    await delayDaraaHoms();
    const { created, daraa: daraaInvite, homs: homsInvite } = await createSession();
    const chair = await joinAs(nodeUrl('damascus'), inviteFor(created, 'chair'));
    const latakia = await joinAs(nodeUrl('damascus'), inviteFor(created, 'member', 'Latakia'));
    const actors: Actor[] = [];
    try {
      const daraa = await joinThroughUi(cities.browser('daraa'), daraaInvite.url, 'daraa-2');
      const homs = await joinThroughUi(cities.browser('homs'), homsInvite.url, 'homs-2');
      actors.push(daraa, homs);
      await expect.poll(() => nodeOf(chair, homs)).toBe('homs');
      await Promise.all([expectMediaFlowing(homs, daraa), expectMediaFlowing(daraa, homs)]);

      // Daraa, Homs and Latakia ask for the floor, in that order.
      await daraa.page.getByTestId('request-floor').click();
      await expect.poll(() => chair.latest().queue.length).toBe(1);
      await homs.page.getByTestId('request-floor').click();
      await expect.poll(() => chair.latest().queue.length).toBe(2);
      data(await request(latakia.socket, 'floor:request', { type: 'speak' }));
      await expect.poll(() => chair.latest().queue.length).toBe(3);
      const queue = chair.latest().queue.map((q) => ({ id: q.id, participantId: q.participantId }));
      expect(queue.map((q) => q.participantId)).toEqual([daraa.participantId, homs.participantId, latakia.id]);

      const killedAt = Date.now();
      await cities.node('homs').stop('SIGKILL');
      // What arrived before the kill (and what was in flight) is not counted.
      await new Promise((r) => setTimeout(r, 500));
      const before = { atHoms: await inbound(homs.page), atDaraa: await inbound(daraa.page) };
      let flowingAt = 0;
      await expect
        .poll(
          async () => {
            const flowing =
              (await flowingSince(homs.page, daraa.participantId, before.atHoms)) &&
              (await flowingSince(daraa.page, homs.participantId, before.atDaraa));
            flowingAt = flowing ? Date.now() : 0;
            return flowing;
          },
          { timeout: FAILOVER_BUDGET_MS - 500, interval: 100 },
        )
        .toBe(true);
      recordResult('four-cities-failover', { reconnectToMediaMs: flowingAt - killedAt });
      // Another node holds the Homs browser now; the page was never reloaded (same participant).
      expect(['daraa', 'damascus']).toContain(nodeOf(chair, homs));
      expect(await homs.page.evaluate(() => window.__concord?.state().participantId)).toBe(homs.participantId);
      await expectMediaFlowing(daraa, homs);
      await expectMediaFlowing(homs, daraa);
      // The floor queue is as it was: Homs keeps its request and its place.
      expect(chair.latest().queue.map((q) => ({ id: q.id, participantId: q.participantId }))).toEqual(queue);
      expect(chair.state().participants[homs.participantId]?.connection).toBe('connected');
      await screenshot(homs.page, 'four-cities-homs-after-failover');
    } finally {
      chair.socket.close();
      latakia.socket.close();
      await Promise.all(actors.map((a) => a.page.context().close()));
      await cities.bed().reset();
      await cities.restartNode('homs');
    }
  });
});

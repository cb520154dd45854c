import { describe, expect, it } from 'vitest';
import type { InboundSample } from '../support/browser.js';
import {
  expectMediaFlowing,
  flowingSince,
  inbound,
  joinThroughUi,
  screenshot,
  type Actor,
} from '../support/browser.js';
import { data, request } from '../support/clients.js';
import { withCities } from '../support/cities.js';
import { CITY_ADDRESS } from '../support/netbed.js';
import { recordResult } from '../support/results.js';
import { inviteFor, joinAs, newSession, type Joined } from '../support/sessions.js';

// Sites on field networks, in the four-city bed: one node in Damascus (the data centre, its
// web server on port 443), a TURN server in Latakia (TLS on 443), browsers in Daraa and Homs,
// the chair a script beside the node. Impairments and firewalls go on Daraa's link only (see
// ../shared/notes/network-impairment.md for what makes them here).

/** N1: how long each half of the weak-uplink run lasts (Daraa listens, then speaks). */
const N1_HALF_MS = 30_000;
/** N1: the camera must be on its lowest layer (or off) this soon after the link weakens. */
const LOWEST_LAYER_WITHIN_MS = 10_000;
/** The lowest camera layer is a quarter of the camera's width (Chromium's fake camera: 640 → 160). */
const LOWEST_LAYER_MAX_WIDTH = 160;
/** N1: a floor request from the weak site is acknowledged within this. */
const FLOOR_ACK_WITHIN_MS = 1_000;
/** N1: share of a site's speech the other's browser may have to make up (conceal). */
const MAX_CONCEALED = 0.05;
/** N1: Daraa's downlink, too small for Homs's full camera and voice. */
const DOWNLINK_KBIT = 600;
/** N2: the cut, and how soon after the restore media must flow again. */
const CUT_MS = 20_000;
const MEDIA_AFTER_RESTORE_MS = 3_000;
/** N4: from the click on join to seeing and hearing Homs, over TURN/TLS. */
const MEDIA_AFTER_JOIN_MS = 3_000;

const audioOf = (samples: InboundSample[], from: string) =>
  samples.find((s) => s.participantId === from && s.kind === 'audio');
const videoOf = (samples: InboundSample[], from: string) =>
  samples.filter((s) => s.participantId === from && s.kind === 'video');

/**
 * Speech the browser played between two readings of one audio consumer, and the share of it
 * made up to hide losses (concealment during silence, comfort noise between words, not counted).
 */
function concealment(
  from: InboundSample | undefined,
  to: InboundSample | undefined,
): { played: number; share: number } {
  const diff = (k: 'totalSamplesReceived' | 'concealedSamples' | 'silentConcealedSamples') =>
    (to?.[k] ?? 0) - (from?.consumerId === to?.consumerId ? (from?.[k] ?? 0) : 0);
  const played = diff('totalSamplesReceived');
  const audible = diff('concealedSamples') - diff('silentConcealedSamples');
  return { played, share: played > 0 ? audible / played : 1 };
}

/**
 * Clicks the button inside the page and times, by the page's clock, until the site sees itself
 * in the floor queue (the acknowledged change); what the test harness adds is left out.
 * Infinity when it is not there within `limitMs`.
 */
async function clickUntilQueued(actor: Actor, testId: string, limitMs: number): Promise<number> {
  return actor.page.evaluate(
    async ({ pid, testId, limitMs }) => {
      const hook = (
        window as unknown as { __concord?: { proceedings(): { queue: { participantId: string }[] } | null } }
      ).__concord;
      const button = document.querySelector<HTMLButtonElement>(`[data-testid="${testId}"]`);
      if (!button) {
        throw new Error(`no ${testId} button`);
      }
      const clickedAt = performance.now();
      button.click();
      while (performance.now() - clickedAt < limitMs) {
        if (hook?.proceedings()?.queue.some((q) => q.participantId === pid)) {
          return performance.now() - clickedAt;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      return Number.POSITIVE_INFINITY;
    },
    { pid: actor.participantId, testId, limitMs },
  );
}

describe('field networks: weak, lossy and cut sites keep their voice and their place', () => {
  const cities = withCities(['damascus'], ['daraa', 'homs'], { nodePort: 443, turnIn: 'latakia' });
  const nodeUrl = (city: 'damascus') => cities.nodeUrl(city);

  async function sessionWithTwoSites(tag: string) {
    const created = await newSession(nodeUrl('damascus'), `Field test ${tag}`);
    const link = (site: string) => `${nodeUrl('damascus')}/join#token=${inviteFor(created, 'member', site)}`;
    const chair = await joinAs(nodeUrl('damascus'), inviteFor(created, 'chair'));
    const daraa = await joinThroughUi(cities.browser('daraa'), link('Daraa'), `daraa-${tag}`);
    const homs = await joinThroughUi(cities.browser('homs'), link('Homs'), `homs-${tag}`);
    await Promise.all([expectMediaFlowing(homs, daraa), expectMediaFlowing(daraa, homs)]);
    return { created, chair, daraa, homs };
  }

  const closeAll = async (chair: Joined | undefined, actors: Actor[]) => {
    chair?.socket.close();
    await Promise.all(actors.map((a) => a.page.context().close()));
    await cities.bed().reset();
  };

  it('N1: on 300 kbit/s up, 150 ms RTT and 5 % loss, Daraa is heard without gaps, its camera steps down within 10 s, and its floor request is answered within 1 s', async () => {
    let chair: Joined | undefined;
    const actors: Actor[] = [];
    try {
      const s = await sessionWithTwoSites('n1');
      chair = s.chair;
      const { daraa, homs } = s;
      actors.push(daraa, homs);
      // Daraa listens first: its microphone is off while Homs speaks.
      await daraa.page.getByTestId('toggle-mic').click();
      await cities.bed().setLink('daraa', {
        up: { rateKbit: 300, delayMs: 75, lossPct: 5 },
        // A weak receiver too: what it receives must fit, audio first.
        down: { rateKbit: DOWNLINK_KBIT, delayMs: 75 },
      });
      const weakFrom = Date.now();

      // The camera goes to its lowest layer (or off) by itself.
      let lowestAfterMs = -1;
      await expect
        .poll(
          async () => {
            const before = videoOf(await inbound(homs.page), daraa.participantId);
            await new Promise((r) => setTimeout(r, 500));
            const now = videoOf(await inbound(homs.page), daraa.participantId);
            const moving = now.filter(
              (v) => v.bytesReceived > (before.find((b) => b.consumerId === v.consumerId)?.bytesReceived ?? 0),
            );
            const ok = moving.length === 0 || moving.every((v) => (v.frameWidth ?? Infinity) <= LOWEST_LAYER_MAX_WIDTH);
            if (ok && lowestAfterMs < 0) {
              lowestAfterMs = Date.now() - weakFrom;
            }
            return ok;
          },
          { timeout: LOWEST_LAYER_WITHIN_MS, interval: 250 },
        )
        .toBe(true);

      // Homs is heard in Daraa while Daraa listens; its video gives way to Daraa's small downlink.
      const homsAtDaraaBefore = audioOf(await inbound(daraa.page), homs.participantId);
      await new Promise((r) => setTimeout(r, Math.max(0, N1_HALF_MS - (Date.now() - weakFrom))));
      const atDaraa = await inbound(daraa.page);
      const homsAtDaraa = concealment(homsAtDaraaBefore, audioOf(atDaraa, homs.participantId));
      const homsVideoWidthAtDaraa = Math.max(0, ...videoOf(atDaraa, homs.participantId).map((v) => v.frameWidth ?? 0));

      // Then Daraa speaks, and asks for the floor.
      await daraa.page.getByTestId('toggle-mic').click();
      const floorAckMs = await clickUntilQueued(daraa, 'request-floor', FLOOR_ACK_WITHIN_MS);
      expect(floorAckMs, 'the floor request was not acknowledged in time').toBeLessThan(FLOOR_ACK_WITHIN_MS);

      // Daraa's audio, as Homs's browser plays it, over the second half.
      await new Promise((r) => setTimeout(r, 2_000));
      const start = audioOf(await inbound(homs.page), daraa.participantId);
      await new Promise((r) => setTimeout(r, N1_HALF_MS - 2_000));
      const end = audioOf(await inbound(homs.page), daraa.participantId);
      expect(start?.consumerId).toBe(end?.consumerId);
      const daraaAtHoms = concealment(start, end);
      recordResult('field-n1', {
        lowestAfterMs,
        floorAckMs,
        daraaAtHoms,
        homsAtDaraa,
        homsVideoWidthAtDaraa,
      });
      await screenshot(homs.page, 'field-n1-homs');
      expect(daraaAtHoms.played).toBeGreaterThan(0);
      expect(daraaAtHoms.share).toBeLessThan(MAX_CONCEALED);
      // The weak receiver keeps Homs's voice: video is what gives way.
      expect(homsAtDaraa.played).toBeGreaterThan(0);
      expect(homsAtDaraa.share).toBeLessThan(MAX_CONCEALED);
    } finally {
      await closeAll(chair, actors);
    }
  });

  it('N2: Daraa cut off for 20 s keeps its floor place and its issue, and its media flows again within 3 s of the restore, without a reload', async () => {
    let chair: Joined | undefined;
    const actors: Actor[] = [];
    try {
      const s = await sessionWithTwoSites('n2');
      chair = s.chair;
      const { created, daraa, homs } = s;
      actors.push(daraa, homs);
      // Daraa asks for the floor and raises an issue; then Homs asks too.
      await daraa.page.getByTestId('request-floor').click();
      await expect.poll(() => chair!.latest().queue.length).toBe(1);
      const homsSite = await joinAs(nodeUrl('damascus'), inviteFor(created, 'member', 'Latakia'));
      data(await request(homsSite.socket, 'floor:request', { type: 'speak' }));
      await expect.poll(() => chair!.latest().queue.length).toBe(2);
      await daraa.page.getByTestId('panel-tab-issues').click();
      const form = daraa.page.getByTestId('raise-issue-form');
      await form.getByTestId('issue-title').fill('Water pumping station without fuel');
      await form.getByTestId('issue-urgency').selectOption('critical');
      await form.getByTestId('raise-issue-submit').click();
      await expect.poll(() => Object.keys(chair!.state().issues).length).toBe(1);
      const queue = chair.latest().queue.map((q) => q.id);
      const issues = structuredClone(chair.state().issues);
      await daraa.page.evaluate(() => {
        (window as unknown as { __notReloaded?: boolean }).__notReloaded = true;
      });

      await cities.bed().cut('daraa');
      await new Promise((r) => setTimeout(r, CUT_MS));
      const before = { atHoms: await inbound(homs.page), atDaraa: await inbound(daraa.page) };
      await cities.bed().restore('daraa');
      const restoredAt = Date.now();
      let flowingAfterMs = -1;
      await expect
        .poll(
          async () => {
            const flowing =
              (await flowingSince(homs.page, daraa.participantId, before.atHoms)) &&
              (await flowingSince(daraa.page, homs.participantId, before.atDaraa));
            if (flowing && flowingAfterMs < 0) {
              flowingAfterMs = Date.now() - restoredAt;
            }
            return flowing;
          },
          { timeout: MEDIA_AFTER_RESTORE_MS, interval: 100 },
        )
        .toBe(true);
      // Its place: connected again, first in the queue with the same request, its issue as it was.
      await expect
        .poll(() => chair!.state().participants[daraa.participantId]?.connection, { timeout: 20_000 })
        .toBe('connected');
      let reconnectedAfterMs = Date.now() - restoredAt;
      reconnectedAfterMs = Math.max(reconnectedAfterMs, 0);
      expect(chair.latest().queue.map((q) => q.id)).toEqual(queue);
      expect(chair.state().issues).toEqual(issues);
      expect(await daraa.page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(
        true,
      );
      recordResult('field-n2', { flowingAfterMs, reconnectedAfterMs });
      homsSite.socket.close();
      await screenshot(daraa.page, 'field-n2-daraa-after-cut');
    } finally {
      await closeAll(chair, actors);
    }
  });

  it('N4: Daraa behind a firewall that lets only TCP 443 out joins, and sees and hears Homs within 3 s of clicking join, over TURN/TLS', async () => {
    let chair: Joined | undefined;
    const actors: Actor[] = [];
    try {
      const created = await newSession(nodeUrl('damascus'), 'Field test n4');
      const link = (site: string) => `${nodeUrl('damascus')}/join#token=${inviteFor(created, 'member', site)}`;
      chair = await joinAs(nodeUrl('damascus'), inviteFor(created, 'chair'));
      const homs = await joinThroughUi(cities.browser('homs'), link('Homs'), 'homs-n4');
      actors.push(homs);
      await cities.bed().block('daraa', {
        kind: 'tcp-only-to',
        address: [CITY_ADDRESS.damascus, CITY_ADDRESS.latakia],
        port: 443,
      });
      let clickedAt = 0;
      const daraa = await joinThroughUi(cities.browser('daraa'), link('Daraa'), 'daraa-n4', {
        beforeJoin: () => {
          clickedAt = Date.now();
        },
      });
      actors.push(daraa);
      let mediaAfterMs = -1;
      await expect
        .poll(
          async () => {
            const flowing = await flowingSince(daraa.page, homs.participantId, []);
            if (flowing && mediaAfterMs < 0) {
              mediaAfterMs = Date.now() - clickedAt;
            }
            return flowing;
          },
          { timeout: MEDIA_AFTER_JOIN_MS, interval: 100 },
        )
        .toBe(true);
      await expectMediaFlowing(homs, daraa);
      const paths = await daraa.page.evaluate(() =>
        (window as unknown as { __concord?: { paths(): Promise<unknown> } }).__concord?.paths(),
      );
      const homsPaths = await homs.page.evaluate(() =>
        (window as unknown as { __concord?: { paths(): Promise<unknown> } }).__concord?.paths(),
      );
      recordResult('field-n4', { mediaAfterMs, paths, homsPaths });
      // Both transports go through the TURN server, reached over TLS.
      expect(paths).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ direction: 'send', candidateType: 'relay', relayProtocol: 'tls' }),
          expect.objectContaining({ direction: 'recv', candidateType: 'relay', relayProtocol: 'tls' }),
        ]),
      );
      await screenshot(daraa.page, 'field-n4-daraa-over-turn');
    } finally {
      await closeAll(chair, actors);
    }
  });
});

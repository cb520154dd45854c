import { beforeAll, describe, expect, it } from 'vitest';
import { AdminApi, inviteFor } from '../support/clients.js';
import { uniqueId } from '../support/env.js';
import { withServerAndBrowser } from '../support/fixtures.js';
import {
  bytesFrom,
  expectMediaFlowing,
  joinThroughUi,
  MEDIA_TIMEOUT_MS,
  screenshot,
  type Actor,
} from '../support/browser.js';

describe('two cities see and hear each other', () => {
  const { server, browser } = withServerAndBrowser();
  let daraa: Actor;
  let homs: Actor;
  let link: (site: string) => string;

  beforeAll(async () => {
    const created = await new AdminApi(server().url).createSession(
      'Joint session of the reconciliation committees',
      ['Daraa', 'Damascus', 'Homs', 'Latakia'],
      uniqueId('s'),
    );
    link = (site: string) => `${server().url}/join#token=${inviteFor(created, 'member', site)}`;
  });

  it("Daraa and Homs join through the UI and each receives the other's camera and microphone through the SFU", async () => {
    daraa = await joinThroughUi(browser(), link('Daraa'), 'daraa');
    homs = await joinThroughUi(browser(), link('Homs'), 'homs');
    await Promise.all([expectMediaFlowing(homs, daraa), expectMediaFlowing(daraa, homs)]);
    // The server's dominant-speaker detector reaches the browsers: a tile is highlighted.
    await expect
      .poll(() => daraa.page.locator('[data-testid="tile"][data-active-speaker="true"]').count(), {
        timeout: MEDIA_TIMEOUT_MS,
      })
      .toBeGreaterThan(0);
    // Tiles are labelled by site and person.
    await expect
      .poll(() =>
        daraa.page
          .locator(`[data-testid="tile"][data-participant-id="${homs.participantId}"]`)
          .getAttribute('data-site'),
      )
      .toBe('Homs');
    await screenshot(daraa.page, 'two-cities-daraa');
    await screenshot(homs.page, 'two-cities-homs');
  });

  it('media flows again in both tabs after the mediasoup worker is killed, without a page reload', async () => {
    const marker = uniqueId('page');
    for (const a of [daraa, homs]) {
      await a.page.evaluate((m) => ((window as unknown as { __marker: string }).__marker = m), marker);
    }
    const beforeCrash = await Promise.all([
      bytesFrom(homs.page, daraa.participantId),
      bytesFrom(daraa.page, homs.participantId),
    ]);
    const health = (await (await fetch(`${server().url}/healthz`)).json()) as { workers: { pid: number }[] };
    const pid = health.workers[0]!.pid;
    process.kill(pid, 'SIGKILL');
    await expect
      .poll(
        async () =>
          ((await (await fetch(`${server().url}/healthz`)).json()) as { workers: { pid: number; alive: boolean }[] })
            .workers[0],
        { timeout: 10_000 },
      )
      .toMatchObject({ alive: true });

    // The old consumers are gone and new ones count from zero: proof the media was rebuilt.
    await expect
      .poll(
        async () => {
          const [h, d] = await Promise.all([
            bytesFrom(homs.page, daraa.participantId),
            bytesFrom(daraa.page, homs.participantId),
          ]);
          return h.video < beforeCrash[0].video && d.video < beforeCrash[1].video;
        },
        { timeout: MEDIA_TIMEOUT_MS },
      )
      .toBe(true);
    await Promise.all([expectMediaFlowing(homs, daraa), expectMediaFlowing(daraa, homs)]);
    for (const a of [daraa, homs]) {
      expect(await a.page.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBe(marker);
    }
    await screenshot(daraa.page, 'after-worker-crash-daraa');
  });
});

import { describe, expect, it } from 'vitest';
import { expectMediaFlowing, joinThroughUi, screenshot } from '../support/browser.js';
import { withServerAndBrowser } from '../support/fixtures.js';
import { inviteFor, newSession, stateOf } from '../support/sessions.js';

describe('a place survives a second window and a reload', () => {
  const { server, browser } = withServerAndBrowser();

  it('a second tab on the same invite takes the place over; the first is told so and stops its media', async () => {
    const created = await newSession(server().url, 'Second tab');
    const link = (token: string) => `${server().url}/join#token=${token}`;
    const daraaLink = link(inviteFor(created, 'member', 'Daraa'));
    const homs = await joinThroughUi(browser(), link(inviteFor(created, 'member', 'Homs')), 'homs-2tab');
    const first = await joinThroughUi(browser(), daraaLink, 'daraa-first');
    await expectMediaFlowing(homs, first);
    // Daraa asks for the floor from the first tab: the place's request must survive the move.
    await first.page.getByTestId('request-floor').click();
    await expect.poll(async () => (await stateOf(server(), created.session.id)).proceedings.queue.length).toBe(1);
    // The camera the first tab captured, to see it stop.
    await first.page.evaluate(() => {
      const video = document.querySelector<HTMLVideoElement>('[data-testid="local-video"]');
      (window as unknown as { __camera: MediaStreamTrack[] }).__camera =
        (video?.srcObject as MediaStream | null)?.getTracks() ?? [];
    });

    // The same link in another window (another browser context: its own tab storage).
    const second = await joinThroughUi(browser(), daraaLink, 'daraa-second');

    // The same place: one Daraa participant, the same id, its floor request still queued.
    expect(second.participantId).toBe(first.participantId);
    const state = await stateOf(server(), created.session.id);
    const daraaId = created.session.sites.find((s) => s.name === 'Daraa')?.id;
    expect(Object.values(state.participants).filter((p) => p.siteId === daraaId)).toHaveLength(1);
    expect(state.proceedings.queue.map((r) => r.participantId)).toEqual([second.participantId]);

    // The first window says why, and its camera and microphone are released.
    await first.page.getByTestId('kicked-screen').waitFor();
    expect(await first.page.getByTestId('kicked-reason').getAttribute('data-reason')).toBe('REPLACED');
    await expect
      .poll(() =>
        first.page.evaluate(() => {
          const tracks = (window as unknown as { __camera: MediaStreamTrack[] }).__camera;
          return tracks.length > 0 && tracks.every((t) => t.readyState === 'ended');
        }),
      )
      .toBe(true);
    await screenshot(first.page, 'second-tab-first-window');

    // Homs sees and hears Daraa from the second window, and one Daraa tile only.
    await expectMediaFlowing(homs, second);
    await expect.poll(() => homs.page.locator('[data-testid="tile"][data-site="Daraa"]').count()).toBe(1);
  });

  it('a reload inside the session says "rejoining" and goes back in without the device check, to the same place', async () => {
    const created = await newSession(server().url, 'Reload');
    const link = (token: string) => `${server().url}/join#token=${token}`;
    const homs = await joinThroughUi(browser(), link(inviteFor(created, 'member', 'Homs')), 'homs-reload');
    const daraa = await joinThroughUi(browser(), link(inviteFor(created, 'member', 'Daraa')), 'daraa-reload');
    await expectMediaFlowing(homs, daraa);
    await daraa.page.getByTestId('request-floor').click();
    await expect.poll(async () => (await stateOf(server(), created.session.id)).proceedings.queue.length).toBe(1);

    // Which screens the page shows after the reload, however briefly.
    await daraa.page.addInitScript(() => {
      const seen = new Set<string>();
      new MutationObserver(() => {
        for (const id of ['join-screen', 'rejoin-screen', 'session-screen']) {
          if (document.querySelector(`[data-testid="${id}"]`)) {
            seen.add(id);
          }
        }
        (window as unknown as { __screens: string[] }).__screens = [...seen];
      }).observe(document, { subtree: true, childList: true });
    });
    await daraa.page.reload();
    await daraa.page.getByTestId('session-screen').waitFor();
    const screens = await daraa.page.evaluate(() => (window as unknown as { __screens: string[] }).__screens);
    expect(screens).toContain('rejoin-screen');
    expect(screens).not.toContain('join-screen');

    // The same place, its request still queued, and media again both ways.
    await expect
      .poll(() => daraa.page.evaluate(() => window.__concord?.state().participantId ?? null))
      .toBe(daraa.participantId);
    expect((await stateOf(server(), created.session.id)).proceedings.queue.map((r) => r.participantId)).toEqual([
      daraa.participantId,
    ]);
    await expectMediaFlowing(homs, daraa);
    await expectMediaFlowing(daraa, homs);

    // After leaving on purpose, a reload shows the device check again.
    await daraa.page.getByTestId('leave').click();
    await daraa.page.locator('[data-testid="left-screen"][data-state="left"]').waitFor();
    await daraa.page.reload();
    await daraa.page.getByTestId('join-screen').waitFor();
  });
});

import { describe, expect, it } from 'vitest';
import { ParticipantIdSchema } from '@concord/shared';
import { joinThroughUi, screenshot, type Actor } from '../support/browser.js';
import { withServerAndBrowser } from '../support/fixtures.js';
import { inviteFor, newSession } from '../support/sessions.js';

/** Speaking time of the test item (the minimum) plus the default 10 s grace, with slack for a loaded machine. */
const CUT_OFF_TIMEOUT_MS = 40_000;

describe('the chair gives the floor and the media follows', () => {
  const { server, browser } = withServerAndBrowser();

  it('the chair starts an item, grants Daraa the floor; Homs sees Daraa spotlighted, cannot unmute in floor mode, and Daraa is cut off when time runs out', async () => {
    const created = await newSession(server().url, 'Joint session of the reconciliation committees');
    const sid = created.session.id;
    const link = (token: string) => `${server().url}/join#token=${token}`;
    // The agenda is prepared before the session through the documented HTTP API.
    const res = await fetch(`${server().url}/api/sessions/${sid}/agenda`, {
      method: 'POST',
      headers: { authorization: `Bearer ${inviteFor(created, 'chair')}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Detainees: the Daraa list',
        presentingSiteId: 'daraa',
        allotmentSec: 900,
        speakingTimeSec: 10,
      }),
    });
    expect(res.status).toBe(201);

    const chair: Actor = await joinThroughUi(browser(), link(inviteFor(created, 'chair')), 'chair');
    const daraa: Actor = await joinThroughUi(browser(), link(inviteFor(created, 'member', 'Daraa')), 'daraa');
    const homs: Actor = await joinThroughUi(browser(), link(inviteFor(created, 'member', 'Homs')), 'homs');

    // The chair starts the item: everyone sees it as current, with its time running.
    await chair.page.getByTestId('panel-tab-chair').click();
    await chair.page.getByTestId('chair-panel').waitFor();
    await chair.page.getByTestId('start-item').first().click();
    for (const a of [chair, daraa, homs]) {
      await expect.poll(() => a.page.getByTestId('current-item').textContent()).toContain('Detainees: the Daraa list');
    }
    const remainingText = () => homs.page.getByTestId('item-remaining').textContent();
    const firstRemaining = await remainingText();
    await expect.poll(remainingText, { timeout: 5_000 }).not.toBe(firstRemaining);

    // Daraa asks for the floor; everyone sees the request in the queue.
    await daraa.page.getByTestId('request-floor').click();
    await expect.poll(() => homs.page.locator('[data-testid="floor-entry"][data-site="Daraa"]').count()).toBe(1);
    await expect.poll(() => chair.page.locator('[data-testid="chair-queue-entry"][data-site="Daraa"]').count()).toBe(1);

    // Floor mode on, then the chair grants the floor to Daraa.
    await chair.page.getByTestId('floor-mode-toggle').click();
    await chair.page.getByTestId('grant-next').click();
    await expect.poll(() => daraa.page.getByTestId('you-have-floor').isVisible()).toBe(true);
    await expect
      .poll(() =>
        homs.page
          .locator(`[data-testid="tile"][data-participant-id="${daraa.participantId}"]`)
          .getAttribute('data-spotlight'),
      )
      .toBe('true');
    await expect.poll(() => homs.page.getByTestId('floor-speaker').textContent()).toContain('Daraa');

    // Homs is muted by floor mode and its unmute is refused.
    const homsMic = homs.page.getByTestId('toggle-mic');
    await expect.poll(() => homsMic.getAttribute('data-locked')).toBe('true');
    await expect.poll(() => homsMic.getAttribute('aria-pressed')).toBe('false');
    await homsMic.click({ force: true });
    await homs.page.waitForTimeout(1_000); // give a wrongly accepted unmute the chance to show
    expect(await homsMic.getAttribute('aria-pressed')).toBe('false');
    const homsMicPaused = async () => {
      const room = await server().rooms.peek(created.session.id);
      const peer = room?.getPeer(ParticipantIdSchema.parse(homs.participantId));
      return peer?.mics().every((m) => m.paused) ?? false;
    };
    expect(await homsMicPaused()).toBe(true);
    await screenshot(homs.page, 'floor-homs-sees-daraa');
    await screenshot(chair.page, 'floor-chair');

    // Daraa's countdown runs out: after the grace period the server cuts Daraa off.
    await expect
      .poll(() => daraa.page.getByTestId('cut-off').isVisible(), { timeout: CUT_OFF_TIMEOUT_MS, interval: 500 })
      .toBe(true);
    await expect.poll(() => daraa.page.getByTestId('toggle-mic').getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => homs.page.locator('[data-spotlight="true"]').count()).toBe(0);
    await screenshot(daraa.page, 'floor-daraa-cut-off');
  });
});

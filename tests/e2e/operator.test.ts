import { describe, expect, it } from 'vitest';
import { joinThroughUi, newActor, screenshot, type Actor } from '../support/browser.js';
import { withServerAndBrowser } from '../support/fixtures.js';
import { inviteFor, newSession } from '../support/sessions.js';

/** The down threshold (2 s), a monitor tick, and the board's own refresh, with slack for a loaded CI machine. */
const STATUS_CHANGE_TIMEOUT_MS = 10_000;
/** Coming back takes a reconnect (socket.io backs off up to a few seconds), then 5 s ok before the alarm clears. */
const RECOVERY_TIMEOUT_MS = 30_000;

describe('the operator sees a site fail and recover', () => {
  const { server, browser } = withServerAndBrowser();

  it("Daraa goes offline: the operator's Daraa tile turns red, and green again after Daraa comes back", async () => {
    const created = await newSession(server().url, 'Joint session of the reconciliation committees');
    const link = (token: string) => `${server().url}/join#token=${token}`;
    const operator: Actor = await joinThroughUi(browser(), link(inviteFor(created, 'operator')), 'operator');
    const { context: daraaContext, page: daraaPage } = await newActor(browser(), 'daraa');
    await daraaPage.goto(link(inviteFor(created, 'member', 'Daraa')));
    await daraaPage.getByTestId('join-button').click();
    await daraaPage.getByTestId('session-screen').waitFor();

    await operator.page.getByTestId('operator-board').waitFor();
    const tile = operator.page.locator('[data-testid="site-tile"][data-site-id="daraa"]');
    await expect.poll(() => tile.getAttribute('data-status'), { timeout: STATUS_CHANGE_TIMEOUT_MS }).toBe('ok');
    // Daraa's (fake) microphone is heard on the board.
    await expect
      .poll(
        () =>
          operator.page.evaluate(
            () => window.__concord?.health?.()?.sites.find((s) => s.siteId === 'daraa')?.lastHeardAt ?? null,
          ),
        { timeout: STATUS_CHANGE_TIMEOUT_MS },
      )
      .not.toBeNull();
    await screenshot(operator.page, 'operator-board-daraa-ok');

    const offlineAt = Date.now();
    await daraaContext.setOffline(true);
    await expect
      .poll(() => tile.getAttribute('data-status'), { timeout: STATUS_CHANGE_TIMEOUT_MS, interval: 250 })
      .toBe('down');
    const downAfterMs = Date.now() - offlineAt;
    // The alarm is written to the session's log, then reaches the board: give it the same time.
    await expect
      .poll(
        () => operator.page.locator('[data-testid="alarm-entry"][data-site-id="daraa"][data-open="true"]').count(),
        { timeout: STATUS_CHANGE_TIMEOUT_MS },
      )
      .toBeGreaterThan(0);
    await screenshot(operator.page, 'operator-board-daraa-down');

    const onlineAt = Date.now();
    await daraaContext.setOffline(false);
    await expect
      .poll(() => tile.getAttribute('data-status'), { timeout: RECOVERY_TIMEOUT_MS, interval: 250 })
      .toBe('ok');
    const recoveredAfterMs = Date.now() - onlineAt;
    await screenshot(operator.page, 'operator-board-daraa-recovered');
    process.stdout.write(
      `operator e2e: Daraa down seen after ${downAfterMs} ms offline; ok again ${recoveredAfterMs} ms after coming back\n`,
    );
  });
});

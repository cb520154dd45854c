import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { joinThroughUi, screenshot } from '../support/browser.js';
import { data, request } from '../support/clients.js';
import { withServerAndBrowser } from '../support/fixtures.js';
import { current, inviteFor, joinAs, newSession, seatFor, type Joined } from '../support/sessions.js';

/** Whether the element's centre is on screen and the element itself is there (not covered). */
function reachable(page: Page, testId: string): Promise<boolean> {
  return page
    .getByTestId(testId)
    .first()
    .evaluate((el) => {
      const r = el.getBoundingClientRect();
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) {
        return false;
      }
      const top = document.elementFromPoint(x, y);
      return top !== null && el.contains(top);
    });
}

describe('an 820 px screen (a tablet standing up)', () => {
  const { server, browser } = withServerAndBrowser();

  it('the strip scrolls from its first tile, and the open panel never covers "Yield the floor"', async () => {
    const created = await newSession(server().url, 'Narrow');
    const chair = await joinAs(server().url, inviteFor(created, 'chair'));
    // Enough people for the strip to be wider than the screen.
    const others: Joined[] = [];
    for (let i = 0; i < 6; i++) {
      others.push(await joinAs(server().url, seatFor(created, 'member', 'Homs', `Homs delegate ${i + 1}`)));
    }
    try {
      const daraa = await joinThroughUi(
        browser(),
        `${server().url}/join#token=${inviteFor(created, 'member', 'Daraa')}`,
        'daraa-narrow',
      );
      await daraa.page.setViewportSize({ width: 820, height: 1180 });
      // The panel open: the floor request is in it.
      const toggle = daraa.page.getByTestId('panel-toggle');
      // Until the user chooses, the panel follows the width: closed at 820 px once the page has
      // drawn itself at that width.
      await expect.poll(() => toggle.getAttribute('aria-expanded'), { timeout: 10_000 }).toBe('false');
      const openPanel = async () => {
        if ((await toggle.getAttribute('aria-expanded')) !== 'true') {
          await toggle.click();
        }
        await expect.poll(() => daraa.page.getByTestId('request-floor').isVisible()).toBe(true);
      };
      await openPanel();
      await daraa.page.getByTestId('request-floor').click();
      await expect.poll(async () => (await current(chair)).queue.length).toBe(1);
      const queued = (await current(chair)).queue[0]!;
      data(
        await request(chair.socket, 'floor:grant', {
          expectedVersion: (await current(chair)).version,
          requestId: queued.id,
        }),
      );
      await daraa.page.getByTestId('banner-yield-floor').waitFor();

      // The drawer open again: below the banner and above the controls, never over them.
      await openPanel();
      expect(await reachable(daraa.page, 'banner-yield-floor')).toBe(true);
      expect(await reachable(daraa.page, 'toggle-mic')).toBe(true);
      await screenshot(daraa.page, 'narrow-820-panel-open');
      await toggle.click();

      // The strip: wider than the screen, scrolled to its start, its first tile can be reached.
      const strip = daraa.page.locator('.grid--strip').first();
      const overflow = await strip.evaluate((el) => el.scrollWidth > el.clientWidth);
      expect(overflow).toBe(true);
      await strip.evaluate((el) => el.scrollTo({ left: 0 }));
      const first = await strip.evaluate((el) => {
        const tile = el.querySelector('[data-testid="tile"]');
        const r = tile?.getBoundingClientRect();
        const s = el.getBoundingClientRect();
        return r !== undefined && r.left >= s.left - 1 && r.left >= 0;
      });
      expect(first).toBe(true);
    } finally {
      [chair, ...others].forEach((j) => j.socket.close());
    }
  });
});

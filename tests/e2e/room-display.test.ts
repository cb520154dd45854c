import { describe, expect, it } from 'vitest';
import { joinThroughUi, screenshot } from '../support/browser.js';
import { data, request } from '../support/clients.js';
import { withServerAndBrowser } from '../support/fixtures.js';
import { current, inviteFor, joinAs, newSession } from '../support/sessions.js';

/** The figures must be readable across a room: at least this share of the screen's height. */
const MIN_TIMER_SHARE = 0.06;

describe("a room's big screen", () => {
  const { server, browser } = withServerAndBrowser();

  it('the room display shows the speaker, the time left in large figures, the current item and who is next; the normal view shows them over the spotlighted tile', async () => {
    const created = await newSession(server().url, 'Room display');
    const chair = await joinAs(server().url, inviteFor(created, 'chair'));
    const daraa = await joinAs(server().url, inviteFor(created, 'member', 'Daraa'), 'Amal Haddad');
    const latakia = await joinAs(server().url, inviteFor(created, 'member', 'Latakia'), 'Omar');
    try {
      const { itemId } = data(
        await request(chair.socket, 'agenda:add', {
          expectedVersion: (await current(chair)).version,
          title: 'Corridor from Talbiseh',
          allotmentSec: 900,
        }),
      );
      data(await request(chair.socket, 'agenda:start', { expectedVersion: (await current(chair)).version, itemId }));
      const { requestId } = data(await request(daraa.socket, 'floor:request', { type: 'speak', forSite: false }));
      data(await request(latakia.socket, 'floor:request', { type: 'speak', forSite: false }));
      data(await request(chair.socket, 'floor:grant', { expectedVersion: (await current(chair)).version, requestId }));

      // Homs's room opens its link with ?display=room on a 1280x720 projector.
      const homs = await joinThroughUi(
        browser(),
        `${server().url}/join?display=room#token=${inviteFor(created, 'member', 'Homs')}`,
        'homs-room',
      );
      await homs.page.setViewportSize({ width: 1280, height: 720 });
      const display = homs.page.getByTestId('room-display');
      await display.waitFor();
      await expect.poll(() => homs.page.getByTestId('room-speaker-name').textContent()).toBe('Amal Haddad');
      expect(await homs.page.getByTestId('room-speaker-site').textContent()).toBe('Daraa');
      expect(await homs.page.getByTestId('room-item-title').textContent()).toBe('Corridor from Talbiseh');
      expect(await homs.page.getByTestId('room-next-entry').allTextContents()).toEqual(['Latakia · Omar']);

      for (const size of [
        { width: 1280, height: 720 },
        { width: 1920, height: 1080 },
      ]) {
        await homs.page.setViewportSize(size);
        for (const testId of ['room-speaker-remaining', 'room-item-remaining']) {
          // The height of the figures themselves (the glyphs' box), against the screen's.
          const height = await homs.page.getByTestId(testId).evaluate((el) => {
            const range = document.createRange();
            range.selectNodeContents(el);
            return range.getBoundingClientRect().height;
          });
          expect(height / size.height, `${testId} at ${size.width}x${size.height}`).toBeGreaterThanOrEqual(
            MIN_TIMER_SHARE,
          );
          // On the screen, and not under the picture.
          const seen = await homs.page.getByTestId(testId).evaluate((el) => {
            const r = el.getBoundingClientRect();
            const inside = r.left >= 0 && r.top >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight;
            const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return inside && top !== null && el.contains(top);
          });
          expect(seen, `${testId} visible at ${size.width}x${size.height}`).toBe(true);
        }
      }
      // The speaker's time runs down.
      const left = async () =>
        Number(await homs.page.getByTestId('room-speaker-remaining').getAttribute('data-remaining-ms'));
      const before = await left();
      await expect.poll(left).toBeLessThan(before);
      await screenshot(homs.page, 'room-display-1080p');

      // Back to the normal view: the same facts over the spotlighted tile, with the panel closed.
      await homs.page.getByTestId('room-exit').click();
      const toggle = homs.page.getByTestId('panel-toggle');
      if ((await toggle.getAttribute('aria-expanded')) === 'true') {
        await toggle.click();
      }
      const overlay = homs.page.getByTestId('floor-overlay');
      await overlay.waitFor();
      expect(await homs.page.getByTestId('floor-overlay-speaker').textContent()).toBe('Daraa · Amal Haddad');
      expect(await homs.page.getByTestId('floor-overlay-item').textContent()).toContain('Corridor from Talbiseh');
      const box = await overlay.boundingBox();
      const viewport = homs.page.viewportSize();
      expect(box !== null && viewport !== null && box.x >= 0 && box.x + box.width <= viewport.width).toBe(true);
      await screenshot(homs.page, 'floor-overlay');
    } finally {
      [chair, daraa, latakia].forEach((j) => j.socket.close());
    }
  });
});

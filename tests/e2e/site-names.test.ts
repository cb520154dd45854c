import { describe, expect, it } from 'vitest';
import type { InviteWire, Session } from '@concord/shared';
import { joinThroughUi, screenshot } from '../support/browser.js';
import { AdminApi } from '../support/clients.js';
import { uniqueId } from '../support/env.js';
import { withServerAndBrowser } from '../support/fixtures.js';
import { inviteFor } from '../support/sessions.js';

describe('sites named in Arabic and Russian', () => {
  const { server, browser } = withServerAndBrowser();

  it("every screen shows a site in its user's language, and switches with the language", async () => {
    const res = await new AdminApi(server().url).call('POST', '/api/admin/sessions', {
      title: 'Joint session',
      sites: [{ name: 'Daraa', names: { en: 'Daraa', ar: 'درعا', ru: 'Дараа' } }, { name: 'Homs' }],
      id: uniqueId('s'),
    });
    expect(res.status).toBe(201);
    const created = (res.json as { ok: true; data: { session: Session; invites: InviteWire[] } }).data;
    const daraa = await joinThroughUi(
      browser(),
      `${server().url}/join#token=${inviteFor(created, 'member', 'Daraa')}`,
      'daraa-names',
    );
    const label = daraa.page.locator('[data-testid="tile-label"]').first();
    await expect.poll(() => label.textContent()).toContain('Daraa');

    await daraa.page.getByTestId('language-select').selectOption('ar');
    await expect.poll(() => label.textContent()).toContain('درعا');
    // The room device is named after its site: the site once, in the language, not "درعا · Daraa".
    expect((await label.textContent())?.trim()).toBe('درعا');
    await screenshot(daraa.page, 'site-names-arabic');

    await daraa.page.getByTestId('language-select').selectOption('ru');
    await expect.poll(() => label.textContent()).toContain('Дараа');
  });
});

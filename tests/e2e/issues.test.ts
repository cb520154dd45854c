import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { joinThroughUi, resultsDir, screenshot, type Actor } from '../support/browser.js';
import { withServerAndBrowser } from '../support/fixtures.js';
import { inviteFor, newSession, stateOf } from '../support/sessions.js';

describe('a critical issue from Homs reaches the commander and the decision comes back', () => {
  const { server, browser } = withServerAndBrowser();

  it('Homs raises a critical issue; the commander sees it, acknowledges and decides it; Homs sees the decision', async () => {
    const created = await newSession(server().url, 'Joint session of the reconciliation committees');
    const link = (token: string) => `${server().url}/join#token=${token}`;
    const homs: Actor = await joinThroughUi(browser(), link(inviteFor(created, 'member', 'Homs')), 'homs');
    const commander: Actor = await joinThroughUi(browser(), link(inviteFor(created, 'commander')), 'commander');

    await homs.page.getByTestId('panel-tab-issues').click();
    const form = homs.page.getByTestId('raise-issue-form');
    await form.getByTestId('issue-title').fill('Checkpoint closed at Talbiseh: ambulances blocked');
    await form.getByTestId('issue-details').fill('Two ambulances waiting since 09:00.');
    await form.getByTestId('issue-category').selectOption('humanitarian');
    await form.getByTestId('issue-urgency').selectOption('critical');
    const raisedAt = Date.now();
    await form.getByTestId('raise-issue-submit').click();

    const card = commander.page.locator('[data-testid="issue-card"][data-urgency="critical"]', {
      hasText: 'Checkpoint closed at Talbiseh',
    });
    await card.waitFor();
    const seenAfterMs = Date.now() - raisedAt;
    fs.mkdirSync(resultsDir, { recursive: true });
    fs.writeFileSync(path.join(resultsDir, 'issue-raise-to-commander.json'), JSON.stringify({ seenAfterMs }, null, 2));
    await screenshot(commander.page, 'issues-commander-sees-critical');

    await card.getByTestId('acknowledge-issue').click();
    await expect.poll(() => card.getAttribute('data-status')).toBe('acknowledged');
    await card.getByTestId('decide-issue').click();
    await card.getByTestId('decision-text').fill('Corridor reopened; military police escort from 11:00.');
    await card.getByTestId('decide-confirm').click();
    await expect.poll(() => card.getAttribute('data-status')).toBe('decided');

    const homsCard = homs.page.locator('[data-testid="issue-card"]', { hasText: 'Checkpoint closed at Talbiseh' });
    await expect.poll(() => homsCard.getAttribute('data-status')).toBe('decided');
    await expect
      .poll(
        async () => (await homs.page.getByText('Corridor reopened; military police escort from 11:00.').count()) > 0,
      )
      .toBe(true);
    await screenshot(homs.page, 'issues-homs-sees-decision');

    // The record agrees: raised, acknowledged, reviewed, decided, by whom.
    const issues = Object.values((await stateOf(server(), created.session.id)).issues);
    expect(issues[0]?.timeline.map((e) => e.type)).toEqual(['raised', 'acknowledged', 'review_started', 'decided']);
  });

  it("a new critical issue chimes on the commander's screen and stays highlighted until opened; the chime can be turned off", async () => {
    const created = await newSession(server().url, 'Critical alerts');
    const link = (token: string) => `${server().url}/join#token=${token}`;
    const homs: Actor = await joinThroughUi(browser(), link(inviteFor(created, 'member', 'Homs')), 'homs-alert');
    const commander: Actor = await joinThroughUi(browser(), link(inviteFor(created, 'commander')), 'commander-alert');
    // Count the tones the page plays (Web Audio oscillators started).
    await commander.page.evaluate(() => {
      const w = window as unknown as { __tones: number; AudioContext: typeof AudioContext };
      w.__tones = 0;
      const Base = w.AudioContext;
      w.AudioContext = class extends Base {
        override createOscillator(): OscillatorNode {
          w.__tones++;
          return super.createOscillator();
        }
      };
    });
    const tones = () => commander.page.evaluate(() => (window as unknown as { __tones: number }).__tones);

    const raise = async (title: string, urgency: 'critical' | 'routine') => {
      await homs.page.getByTestId('panel-tab-issues').click();
      const form = homs.page.getByTestId('raise-issue-form');
      await form.getByTestId('issue-title').fill(title);
      await form.getByTestId('issue-category').selectOption('humanitarian');
      await form.getByTestId('issue-urgency').selectOption(urgency);
      await form.getByTestId('raise-issue-submit').click();
      const card = commander.page.locator('[data-testid="issue-card"]', { hasText: title });
      await card.waitFor();
      return card;
    };

    const routine = await raise('Water tanker schedule for Al-Waer', 'routine');
    expect(await routine.getAttribute('data-new-critical')).toBe('false');
    expect(await tones()).toBe(0);

    const critical = await raise('Shelling reported near the Homs crossing', 'critical');
    await expect.poll(() => critical.getAttribute('data-new-critical')).toBe('true');
    await expect.poll(tones).toBeGreaterThan(0);
    await screenshot(commander.page, 'issues-commander-new-critical');
    // Opening it ends the highlight.
    await critical.getByTestId('issue-expand').click();
    await expect.poll(() => critical.getAttribute('data-new-critical')).toBe('false');

    // With the chime off, the next one is highlighted in silence.
    await commander.page.getByTestId('critical-sound').uncheck();
    const before = await tones();
    const silent = await raise('Convoy stopped at the northern checkpoint', 'critical');
    await expect.poll(() => silent.getAttribute('data-new-critical')).toBe('true');
    expect(await tones()).toBe(before);
    // Acknowledged, it is no longer new either.
    await silent.getByTestId('acknowledge-issue').click();
    await expect.poll(() => silent.getAttribute('data-new-critical')).toBe('false');
  });
});

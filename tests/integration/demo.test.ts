import { describe, expect, it } from 'vitest';
import { ensureDemoSession } from '../../server/src/demo.js';
import { data, request } from '../support/clients.js';
import { withServer } from '../support/fixtures.js';
import { joinAs } from '../support/sessions.js';

describe('the demo session of npm start', () => {
  const { server, closeLater } = withServer();

  it("is kept across restarts, and the links printed again open the same seats: the chair's link still holds the chair", async () => {
    const first = await ensureDemoSession(server());
    const link = (invites: typeof first.invites, role: string) => invites.find((i) => i.role === role)!.token;
    const chair = closeLater(await joinAs(server().url, link(first.invites, 'chair')));
    expect(chair.state().proceedings.chair?.subject).toBeDefined();

    // The next start issues the links again, for the same session.
    const again = await ensureDemoSession(server());
    expect(again.session.id).toBe(first.session.id);
    const chairAgain = closeLater(await joinAs(server().url, link(again.invites, 'chair')));
    const holder = chairAgain.state().proceedings.chair?.subject;
    const snapshot = data(await request(chairAgain.socket, 'session:snapshot', {}));
    expect(snapshot.subject).toBe(holder);
    // A chair command from the new link is obeyed.
    const v = chairAgain.latest().version;
    expect(
      await request(chairAgain.socket, 'agenda:add', { expectedVersion: v, title: 'Opening', allotmentSec: 60 }),
    ).toMatchObject({
      ok: true,
    });
  });
});

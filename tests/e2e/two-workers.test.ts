import { describe, expect, it } from 'vitest';
import { SessionIdSchema } from '@concord/shared';
import { AdminApi, inviteFor } from '../support/clients.js';
import { uniqueId } from '../support/env.js';
import { withServerAndBrowser } from '../support/fixtures.js';
import { expectMediaFlowing, joinThroughUi } from '../support/browser.js';

describe('a session that outgrows one worker spreads over several', () => {
  // Two workers, one participant per router: the room opens a router on each worker (one per
  // worker: never two), and a third participant shares the less loaded one.
  const { server, browser } = withServerAndBrowser({ MEDIASOUP_WORKERS: '2', MEDIASOUP_PEERS_PER_ROUTER: '1' });

  it('one camera is received on routers of both workers (piped between them), and every site sees every other', async () => {
    const created = await new AdminApi(server().url).createSession(
      'Spread',
      ['Daraa', 'Homs', 'Latakia'],
      uniqueId('s'),
    );
    const link = (site: string) => `${server().url}/join#token=${inviteFor(created, 'member', site)}`;
    const daraa = await joinThroughUi(browser(), link('Daraa'), 'daraa');
    const homs = await joinThroughUi(browser(), link('Homs'), 'homs');
    const latakia = await joinThroughUi(browser(), link('Latakia'), 'latakia');
    await Promise.all([
      expectMediaFlowing(homs, daraa),
      expectMediaFlowing(latakia, daraa),
      expectMediaFlowing(daraa, homs),
    ]);
    const room = await server().rooms.peek(SessionIdSchema.parse(created.session.id));
    expect(room?.routerCount).toBe(2);
    // The routers sit on both workers.
    const workers = await Promise.all(server().pool.workers.map(async (w) => (await w.dump()).routerIds.length));
    expect(workers.filter((n) => n > 0)).toHaveLength(2);
  });
});

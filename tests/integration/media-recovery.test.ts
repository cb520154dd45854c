import { describe, expect, it } from 'vitest';
import { AdminApi, data, inviteFor, join, nextEvent, request } from '../support/clients.js';
import { uniqueId } from '../support/env.js';
import { withServer } from '../support/fixtures.js';

interface HealthBody {
  status: string;
  redis: { status: string };
  workers: { pid: number | null; alive: boolean; respawns: number }[];
}

describe('a mediasoup worker that dies', () => {
  const { server, closeLater } = withServer();

  it('is replaced, its sessions are told to re-establish media, and the server keeps serving', async () => {
    const created = await new AdminApi(server().url).createSession('Worker crash', ['Daraa', 'Homs'], uniqueId('s'));
    const daraa = await join(server().url, inviteFor(created, 'member', 'Daraa'));
    const homs = await join(server().url, inviteFor(created, 'member', 'Homs'));
    [daraa, homs].forEach((j) => closeLater(j));
    data(await request(daraa.socket, 'media:createTransport', { direction: 'send' }));
    data(await request(homs.socket, 'media:createTransport', { direction: 'recv' }));

    const before = (await (await fetch(`${server().url}/healthz`)).json()) as HealthBody;
    const pid = before.workers[0]?.pid;
    expect(pid).toBeTypeOf('number');

    const resets = [nextEvent(daraa.socket, 'media:reset'), nextEvent(homs.socket, 'media:reset')];
    process.kill(pid!, 'SIGKILL');
    for (const [reset] of await Promise.all(resets)) {
      expect(reset.reason).toMatch(/worker/);
    }

    await expect
      .poll(async () => ((await (await fetch(`${server().url}/healthz`)).json()) as HealthBody).workers[0], {
        timeout: 10_000,
      })
      .toMatchObject({ alive: true, respawns: 1 });
    const after = (await (await fetch(`${server().url}/healthz`)).json()) as HealthBody;
    expect(after.workers[0]?.pid).not.toBe(pid);

    // The old transports are gone; a fresh set works on the replacement worker.
    const caps = data(await request(daraa.socket, 'media:getRouterRtpCapabilities', {}));
    expect(caps.codecs?.length).toBeGreaterThan(0);
    const send = data(await request(daraa.socket, 'media:createTransport', { direction: 'send' }));
    expect(send.iceCandidates.length).toBeGreaterThan(0);
    const snapshot = data(await request(homs.socket, 'session:join', { instanceId: homs.instanceId }));
    expect(Object.keys(snapshot.state.participants)).toEqual(
      expect.arrayContaining([daraa.snapshot.self.id, homs.snapshot.self.id]),
    );
  });
});

import { describe, expect, inject, it } from 'vitest';
import type { Result } from '@concord/shared';
import { AdminApi, connect, data, request, type TestSocket } from '../support/clients.js';
import { testEnv } from '../support/env.js';
import { ChildServer } from '../support/server.js';
import { inviteFor, joinAs, newSession } from '../support/sessions.js';

/** A raise that gets no answer this fast is treated as lost, as a client on a bad link would. */
const RAISE_TIMEOUT_MS = 2_000;
const RAISES_PER_MEMBER = 60;
const IN_FLIGHT_PER_MEMBER = 5;
/** Kill the server once this many raises were acknowledged: the burst is then mid-way. */
const KILL_AFTER_ACKS = 60;

type RaiseReply = Result<{ issueId: string; created: boolean }>;

function raiseOnce(socket: TestSocket, key: string): Promise<RaiseReply | 'lost'> {
  const raw = socket as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<RaiseReply> } };
  return raw
    .timeout(RAISE_TIMEOUT_MS)
    .emitWithAck('issue:raise', {
      idempotencyKey: key,
      title: `Crash ${key}`,
      details: '',
      category: 'other',
      urgency: 'urgent',
    })
    .catch(() => 'lost' as const);
}

describe('raises survive a crash of the server', () => {
  it('after SIGKILL in the middle of a burst, every acknowledged raise is there after restart, and none twice', async () => {
    const env = testEnv(inject('redisUrl'));
    let server = await ChildServer.start(env);
    try {
      const created = await newSession(server.url);
      const sites = ['Daraa', 'Damascus', 'Homs', 'Latakia'];
      const members = await Promise.all(sites.map((site) => joinAs(server.url, inviteFor(created, 'member', site))));
      const acked = new Map<string, string>(); // idempotency key → issue id
      const attempted = members.map(() => [] as string[]);
      const kill: { done: Promise<void> | null } = { done: null };

      await Promise.all(
        members.map(async (m, mi) => {
          let next = 0;
          const worker = async () => {
            while (next < RAISES_PER_MEMBER && m.socket.connected) {
              const key = `crash-${mi}-${String(next++).padStart(3, '0')}`;
              attempted[mi]!.push(key);
              const reply = await raiseOnce(m.socket, key);
              if (reply !== 'lost' && reply.ok) {
                acked.set(key, reply.data.issueId);
                if (acked.size >= KILL_AFTER_ACKS && kill.done === null) {
                  kill.done = server.stop('SIGKILL');
                }
              }
            }
          };
          await Promise.all(Array.from({ length: IN_FLIGHT_PER_MEMBER }, worker));
        }),
      );
      await kill.done;
      const attemptedCount = attempted.flat().length;
      expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
      expect(attemptedCount).toBeLessThan(sites.length * RAISES_PER_MEMBER); // the kill really came mid-burst

      server = await ChildServer.start(env);
      // Every member comes back in the same place and retries everything it ever sent.
      for (const [mi, m] of members.entries()) {
        const socket = await connect(server.url, inviteFor(created, 'member', sites[mi]));
        data(await request(socket, 'session:join', { instanceId: m.instanceId }));
        for (const key of attempted[mi]!) {
          const reply = data(
            await request(socket, 'issue:raise', {
              idempotencyKey: key,
              title: `Crash ${key}`,
              details: '',
              category: 'other',
              urgency: 'urgent',
            }),
          );
          const before = acked.get(key);
          if (before !== undefined) {
            // Acknowledged before the crash: found again, not created again.
            expect(reply).toEqual({ issueId: before, created: false });
          }
        }
        socket.close();
      }
      const { json } = await new AdminApi(server.url).call('GET', `/api/sessions/${created.session.id}/issues`);
      const issues = (data(json) as { issues: { id: string; title: string }[] }).issues;
      const titles = issues.map((i) => i.title);
      expect(new Set(titles).size).toBe(titles.length); // none twice
      expect(issues).toHaveLength(attemptedCount); // each attempt exactly once, after retries
      for (const id of acked.values()) {
        expect(issues.map((i) => i.id)).toContain(id); // every acknowledged raise survived
      }
    } finally {
      await server.stop();
    }
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { z } from 'zod';
import { ErrorCode, REQUESTS, type RequestName } from '@concord/shared';
import { data, request, type TestSocket } from '../support/clients.js';
import { withServer } from '../support/fixtures.js';
import { invalidPayload, validPayload } from '../support/arbitraries.js';
import { current, inviteFor, joinAs, newSession, seatFor, type Joined } from '../support/sessions.js';

// Property-based fuzz over every request of the protocol, through a real socket to a real
// server. `npm test` runs a bounded number of cases (under a minute); `npm run fuzz` sets
// FUZZ_RUNS higher (and FUZZ_SEED to replay a failure).
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 8);
const SEED = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);
const ANSWER_TIMEOUT_MS = 5_000;
/** The server allows 40 requests a second per socket; a refused one is sent again after this. */
const RATE_LIMIT_PAUSE_MS = 1_100;
/** Longer runs pause at the rate limit: about three seconds per event and hundred cases. */
const TEST_TIMEOUT_MS = 60_000 + RUNS * 3_000;

const AnswerSchema = z.union([
  z.strictObject({ ok: z.literal(true), data: z.unknown() }),
  z.strictObject({
    ok: z.literal(false),
    error: z.strictObject({ code: z.enum(ErrorCode), message: z.string().min(1) }),
  }),
]);
type Answer = z.infer<typeof AnswerSchema>;

type Shape = 'one' | 'none' | 'two';

/** What the server receives for a value: Socket.IO encodes arguments as JSON (undefined keys vanish). */
const onTheWire = (value: unknown): unknown => (JSON.parse(JSON.stringify([value])) as unknown[])[0];

/** Emits with the given argument shape; resolves with the one answer, or throws if none came. */
async function ask(socket: TestSocket, event: string, payload: unknown, shape: Shape): Promise<Answer> {
  const raw = socket as unknown as Socket;
  const args = shape === 'one' ? [payload] : shape === 'two' ? [payload, payload] : [];
  for (;;) {
    const reply: unknown = await raw.timeout(ANSWER_TIMEOUT_MS).emitWithAck(event, ...args);
    const answer = AnswerSchema.parse(reply);
    if (answer.ok || answer.error.code !== ErrorCode.RATE_LIMITED) {
      return answer;
    }
    await new Promise((r) => setTimeout(r, RATE_LIMIT_PAUSE_MS));
  }
}

describe('property-based socket fuzz', () => {
  const { server, closeLater } = withServer();
  const track = async (p: Promise<Joined>) => closeLater(await p);

  it(
    'every request, with generated valid and invalid payloads in every argument shape, gets one well-formed answer, never INTERNAL, and the session stays usable',
    async () => {
      const created = await newSession(server().url);
      const chair = await track(joinAs(server().url, inviteFor(created, 'chair')));
      const commander = await track(joinAs(server().url, inviteFor(created, 'commander')));
      const daraa = await track(joinAs(server().url, inviteFor(created, 'member', 'Daraa')));
      const events = Object.keys(REQUESTS) as RequestName[];
      const shapes = fc.constantFrom<Shape>('one', 'one', 'one', 'none', 'two');
      let answered = 0;

      for (const event of events) {
        if (event === 'session:leave') {
          continue; // a member who leaves is simply no longer joined; covered by the session tests
        }
        const schema = REQUESTS[event].schema;
        // A fresh member per event (and the chair, with payloads that cannot be valid): a hostile
        // member may send anything; the chair's malformed commands must not change the session.
        const member = await track(joinAs(server().url, seatFor(created, 'member', 'Homs')));
        await fc.assert(
          fc.asyncProperty(fc.oneof(validPayload(schema), invalidPayload(schema)), shapes, async (payload, shape) => {
            const answer = await ask(member.socket, event, payload, shape);
            answered += 1;
            expect(answer.ok || answer.error.code, `${event} ${JSON.stringify(payload)?.slice(0, 200)}`).not.toBe(
              ErrorCode.INTERNAL,
            );
          }),
          { numRuns: RUNS, seed: SEED },
        );
        await fc.assert(
          fc.asyncProperty(
            invalidPayload(schema).filter((p) => !schema.safeParse(onTheWire(p)).success),
            async (payload) => {
              const answer = await ask(chair.socket, event, payload, 'one');
              answered += 1;
              expect(answer).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_PAYLOAD } });
            },
          ),
          { numRuns: Math.ceil(RUNS / 2), seed: SEED },
        );
        member.socket.close();
      }
      expect(answered).toBeGreaterThan(events.length * RUNS);

      // The session still works for the chair, a member and a commander (after the chair's
      // request budget, spent on malformed commands, has refilled).
      await new Promise((r) => setTimeout(r, RATE_LIMIT_PAUSE_MS));
      const v = (await current(chair)).version;
      const { itemId } = data(
        await request(chair.socket, 'agenda:add', { expectedVersion: v, title: 'After', allotmentSec: 60 }),
      );
      data(await request(chair.socket, 'agenda:start', { expectedVersion: (await current(chair)).version, itemId }));
      data(await request(daraa.socket, 'floor:request', { type: 'speak' }));
      data(
        await request(chair.socket, 'floor:grant', {
          expectedVersion: (await current(chair)).version,
          requestId: null,
        }),
      );
      const { issueId } = data(
        await request(daraa.socket, 'issue:raise', {
          idempotencyKey: 'key-after-fuzz',
          title: 'After the fuzz',
          category: 'other',
          urgency: 'urgent',
        }),
      );
      data(await request(commander.socket, 'issue:acknowledge', { issueId }));
      expect((await current(daraa)).speaker?.request.participantId).toBe(daraa.id);
    },
    TEST_TIMEOUT_MS,
  );
});

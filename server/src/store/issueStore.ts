import {
  DEFAULT_ISSUE_SETTINGS,
  IssueEventSchema,
  IssueSchema,
  IssueSettingsSchema,
  type Issue,
  type IssueEvent,
  type IssueSettings,
  type SessionId,
} from '@concord/shared';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Redis } from './redis.js';
import { keys } from './keys.js';
import { KeyedSerializer } from './serializer.js';

// A raise is one atomic step: if the idempotency key is known, return its issue;
// otherwise store the issue, remember the key, append the event and bump the sequence.
const RAISE_LUA = `
local existing = redis.call('HGET', KEYS[2], ARGV[1])
if existing then return {0, existing, 0} end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('XADD', KEYS[3], '*', 'e', ARGV[4])
return {1, ARGV[2], redis.call('INCR', KEYS[4])}
`;

// A transition: written only if the issue is still at the version it was computed from;
// its events are appended to the stream in the same step.
const APPLY_LUA = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then return redis.error_reply('NOT_FOUND') end
if tonumber(cjson.decode(cur)['version']) ~= tonumber(ARGV[2]) then return redis.error_reply('VERSION') end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
for i = 4, #ARGV do redis.call('XADD', KEYS[2], '*', 'e', ARGV[i]) end
return redis.call('INCR', KEYS[3])
`;

/** Two commanders acting on one issue at once: the loser recomputes on the fresh issue. */
const MAX_APPLY_ATTEMPTS = 10;
/** Events read per XRANGE call when replaying a stream. */
const REPLAY_BATCH = 1000;

const RaiseReplySchema = z.tuple([z.number(), z.string(), z.number()]);

export class IssueStore {
  private readonly serial = new KeyedSerializer<string>();

  constructor(private readonly redis: Redis) {}

  async raise(
    sessionId: SessionId,
    idempotencyField: string,
    issue: Issue,
    event: IssueEvent,
  ): Promise<{ issueId: string; created: boolean; seq: number }> {
    const reply = RaiseReplySchema.parse(
      await this.redis.eval(
        RAISE_LUA,
        4,
        keys.issues(sessionId),
        keys.issueKeys(sessionId),
        keys.issueEvents(sessionId),
        keys.seq(sessionId),
        idempotencyField,
        issue.id,
        JSON.stringify(issue),
        JSON.stringify(event),
      ),
    );
    return { created: reply[0] === 1, issueId: reply[1], seq: reply[2] };
  }

  async get(sessionId: SessionId, issueId: string): Promise<Issue | null> {
    const raw = await this.redis.hget(keys.issues(sessionId), issueId);
    return raw === null ? null : IssueSchema.parse(JSON.parse(raw));
  }

  async list(sessionId: SessionId): Promise<Issue[]> {
    return (await this.redis.hvals(keys.issues(sessionId))).map((raw) => IssueSchema.parse(JSON.parse(raw)));
  }

  /**
   * Applies a change computed from the current issue (which may throw to refuse it),
   * retrying on the fresh issue if another change won the race.
   */
  apply(
    sessionId: SessionId,
    issueId: string,
    change: (current: Issue) => { issue: Issue; events: IssueEvent[] },
  ): Promise<{ issue: Issue; events: IssueEvent[]; seq: number }> {
    return this.serial.run(`${sessionId}/${issueId}`, () => this.applyNow(sessionId, issueId, change));
  }

  private async applyNow(
    sessionId: SessionId,
    issueId: string,
    change: (current: Issue) => { issue: Issue; events: IssueEvent[] },
  ): Promise<{ issue: Issue; events: IssueEvent[]; seq: number }> {
    for (let attempt = 0; attempt < MAX_APPLY_ATTEMPTS; attempt++) {
      const current = await this.get(sessionId, issueId);
      if (!current) {
        throw new NotFoundError('issue');
      }
      const { issue, events } = change(current);
      try {
        const seq = await this.redis.eval(
          APPLY_LUA,
          3,
          keys.issues(sessionId),
          keys.issueEvents(sessionId),
          keys.seq(sessionId),
          issueId,
          String(current.version),
          JSON.stringify(issue),
          ...events.map((e) => JSON.stringify(e)),
        );
        return { issue, events, seq: Number(seq) };
      } catch (err) {
        if (!(err instanceof Error && err.message.includes('VERSION'))) {
          throw err;
        }
      }
    }
    throw new ConflictError('the issue is being changed by others; try again');
  }

  /** Every event of the session's stream, oldest first. */
  async events(sessionId: SessionId): Promise<IssueEvent[]> {
    const out: IssueEvent[] = [];
    let start = '-';
    for (;;) {
      const batch = await this.redis.xrange(keys.issueEvents(sessionId), start, '+', 'COUNT', REPLAY_BATCH);
      for (const [, fields] of batch) {
        out.push(IssueEventSchema.parse(JSON.parse(fields[1] ?? 'null')));
      }
      if (batch.length < REPLAY_BATCH) {
        return out;
      }
      start = `(${batch[batch.length - 1]?.[0] ?? '0'}`;
    }
  }

  async settings(sessionId: SessionId): Promise<IssueSettings> {
    const raw = await this.redis.get(keys.issueSettings(sessionId));
    return raw === null ? DEFAULT_ISSUE_SETTINGS : IssueSettingsSchema.parse(JSON.parse(raw));
  }

  async setSettings(sessionId: SessionId, settings: IssueSettings): Promise<void> {
    await this.redis.set(keys.issueSettings(sessionId), JSON.stringify(settings));
  }

  // ---- carry-over between sessions of the same committee ----
  async carryOver(committee: string, fromSessionId: SessionId, fromTitle: string, issues: Issue[]): Promise<void> {
    if (issues.length === 0) {
      return;
    }
    const fields = issues.flatMap((i) => [
      `${fromSessionId}:${i.id}`,
      JSON.stringify({ fromSessionId, fromSessionTitle: fromTitle, issue: i }),
    ]);
    await this.redis.hset(keys.carryOver(committee), ...fields);
  }

  async listCarryOver(
    committee: string,
  ): Promise<{ field: string; fromSessionId: string; fromSessionTitle: string; issue: Issue }[]> {
    const all = await this.redis.hgetall(keys.carryOver(committee));
    return Object.entries(all).map(([field, raw]) => {
      const parsed = CarryOverSchema.parse(JSON.parse(raw));
      return { field, ...parsed };
    });
  }

  /** Removes one carried-over item; false if someone else imported it first. */
  async takeCarryOver(committee: string, field: string): Promise<boolean> {
    return (await this.redis.hdel(keys.carryOver(committee), field)) === 1;
  }
}

const CarryOverSchema = z.strictObject({ fromSessionId: z.string(), fromSessionTitle: z.string(), issue: IssueSchema });

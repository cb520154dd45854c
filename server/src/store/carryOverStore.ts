import { IssueSchema, type Issue, type SessionId } from '@concord/shared';
import { z } from 'zod';
import type { Redis } from './redis.js';

// Unresolved issues of closed sessions, kept per committee (the same set of sites) until a
// later session of that committee imports them. Outside any one session's log: they pass
// from one log to another.

const carryOverKey = (committee: string) => `concord:committee:{${committee}}:carry-over`;

const CarryOverSchema = z.strictObject({ fromSessionId: z.string(), fromSessionTitle: z.string(), issue: IssueSchema });

export interface CarriedIssue {
  /** The hash field, for taking it. */
  field: string;
  fromSessionId: string;
  fromSessionTitle: string;
  issue: Issue;
}

export class CarryOverStore {
  constructor(private readonly redis: Redis) {}

  async put(committee: string, fromSessionId: SessionId, fromTitle: string, issues: readonly Issue[]): Promise<void> {
    if (issues.length === 0) {
      return;
    }
    const fields = issues.flatMap((i) => [
      `${fromSessionId}:${i.id}`,
      JSON.stringify({ fromSessionId, fromSessionTitle: fromTitle, issue: i }),
    ]);
    await this.redis.hset(carryOverKey(committee), ...fields);
  }

  async list(committee: string): Promise<CarriedIssue[]> {
    const all = await this.redis.hgetall(carryOverKey(committee));
    return Object.entries(all).map(([field, raw]) => ({ field, ...CarryOverSchema.parse(JSON.parse(raw)) }));
  }

  /** Removes one carried-over item; false if someone else imported it first. */
  async take(committee: string, field: string): Promise<boolean> {
    return (await this.redis.hdel(carryOverKey(committee), field)) === 1;
  }
}

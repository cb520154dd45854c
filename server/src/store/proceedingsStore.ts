import { ProceedingsSchema, type Proceedings, type SessionId } from '@concord/shared';
import { emptyProceedings } from '../domain/proceedings.js';
import { ConflictError } from '../errors.js';
import type { Redis } from './redis.js';
import { keys } from './keys.js';
import type { Versioned } from './sessionStore.js';
import { KeyedSerializer } from './serializer.js';

// Writes the new state only if the stored version is still the one the change was
// computed from, and bumps the session's sequence number in the same atomic step.
const CAS_LUA = `
local cur = redis.call('GET', KEYS[1])
local v = 0
if cur then v = tonumber(cjson.decode(cur)['version']) end
if v ~= tonumber(ARGV[1]) then return redis.error_reply('VERSION ' .. v) end
redis.call('SET', KEYS[1], ARGV[2])
return redis.call('INCR', KEYS[2])
`;

/** Concurrent member actions (20 people asking for the floor at once) retry this often. */
const MAX_CAS_ATTEMPTS = 50;

/** Agenda, floor queue, speaker and settings of each session, as one versioned document. */
export class ProceedingsStore {
  private readonly serial = new KeyedSerializer<SessionId>();

  constructor(private readonly redis: Redis) {}

  async get(sessionId: SessionId): Promise<Proceedings> {
    const raw = await this.redis.get(keys.proceedings(sessionId));
    return raw === null ? emptyProceedings() : ProceedingsSchema.parse(JSON.parse(raw));
  }

  /**
   * Applies `change` atomically. With `expectedVersion` (a chair command) the change is
   * refused with CONFLICT if anyone changed the proceedings since the caller saw them;
   * without it (a member's request) the change is recomputed on the fresh state and retried.
   */
  apply(
    sessionId: SessionId,
    change: (p: Proceedings) => Proceedings,
    expectedVersion?: number,
  ): Promise<Versioned<Proceedings>> {
    return this.serial.run(sessionId, () => this.applyNow(sessionId, change, expectedVersion));
  }

  private async applyNow(
    sessionId: SessionId,
    change: (p: Proceedings) => Proceedings,
    expectedVersion?: number,
  ): Promise<Versioned<Proceedings>> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await this.get(sessionId);
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw staleError(current.version);
      }
      const next = ProceedingsSchema.parse({ ...change(current), version: current.version + 1 });
      try {
        const seq = await this.redis.eval(
          CAS_LUA,
          2,
          keys.proceedings(sessionId),
          keys.seq(sessionId),
          String(current.version),
          JSON.stringify(next),
        );
        return { value: next, seq: Number(seq) };
      } catch (err) {
        if (!(err instanceof Error && err.message.includes('VERSION'))) {
          throw err;
        }
        if (expectedVersion !== undefined) {
          throw staleError(null);
        }
      }
    }
    throw new ConflictError('too many simultaneous changes; try again');
  }
}

function staleError(current: number | null): ConflictError {
  return new ConflictError(
    `someone else changed the session first${current === null ? '' : ` (now at version ${current})`}; review and try again`,
  );
}

import {
  GENESIS_HASH,
  canonicalEntry,
  SessionIdSchema,
  SessionStateSchema,
  parseEntryBody,
  type LogEntry,
  type SessionId,
  type SessionState,
} from '@concord/shared';
import type { ClientContext, Result } from 'ioredis';
import type { Redis } from './redis.js';
import { AREAS, areaKey, stateFromAreas, type StateOp } from './areas.js';
import { fenceKey } from './leases.js';

// The session log in Redis: a stream of entries (id `<seq>-0`, fields `e`: the canonical
// body, `h`: its chain hash), the head (the last seq and hash) and the state areas. One Lua
// script appends: it refuses unless the head is still the one the entries were computed on
// (the compare-and-set that also makes several writers safe) and, for the owner's clocks,
// unless the session's fence is still the one its lease gave (a node that lost the lease
// writes nothing more); then it adds the entries, writes the areas they changed and moves
// the head, all in one atomic step. The script never reads JSON: it moves strings it was
// given, so no stored text can upset it.

export interface Head {
  seq: number;
  hash: string;
}

export const GENESIS: Head = { seq: 0, hash: GENESIS_HASH };

const APPEND_LUA = `
local cur = redis.call('HMGET', KEYS[1], 'seq', 'hash')
local seq = tonumber(cur[1]) or 0
if seq ~= tonumber(ARGV[1]) or (seq > 0 and cur[2] ~= ARGV[2]) then
  return redis.error_reply('STALE ' .. seq)
end
if ARGV[3] ~= '' and (redis.call('GET', KEYS[3]) or '0') ~= ARGV[3] then
  return redis.error_reply('FENCED')
end
local n = tonumber(ARGV[4])
local i = 5
local last, lastHash = seq, ARGV[2]
for _ = 1, n do
  redis.call('XADD', KEYS[2], ARGV[i] .. '-0', 'e', ARGV[i + 1], 'h', ARGV[i + 2])
  last, lastHash = tonumber(ARGV[i]), ARGV[i + 2]
  i = i + 3
end
while i <= #ARGV do
  local op, key = ARGV[i], KEYS[tonumber(ARGV[i + 1])]
  if op == 'S' then
    redis.call('SET', key, ARGV[i + 2]); i = i + 3
  elseif op == 'H' then
    redis.call('HSET', key, ARGV[i + 2], ARGV[i + 3]); i = i + 4
  elseif op == 'D' then
    redis.call('HDEL', key, ARGV[i + 2]); i = i + 3
  elseif op == 'X' then
    redis.call('DEL', key); i = i + 2
  else
    return redis.error_reply('BAD_OP ' .. op)
  end
end
redis.call('HSET', KEYS[1], 'seq', last, 'hash', lastHash)
return last
`;

/** The head moved since the entries were computed: someone else appended first. */
export class StaleHeadError extends Error {
  constructor(readonly current: number) {
    super(`the log head is at ${current}`);
  }
}

/** A write of the session's owner under a fence that is no longer current: another node owns it now. */
export class FencedError extends Error {
  constructor() {
    super('this node no longer owns the session');
  }
}

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    concordAppend(numKeys: number, ...keysAndArgs: (string | number)[]): Result<number, Context>;
  }
}

const SESSIONS_KEY = 'concord:sessions';
const headKey = (sid: SessionId) => `concord:session:{${sid}}:head`;
const logKey = (sid: SessionId) => `concord:session:{${sid}}:log`;
/** Entries read per XRANGE call when a whole log is read. */
const RANGE_BATCH = 1000;
/** Entries read per session and XREAD call when following logs. */
const FOLLOW_BATCH = 500;

export class LogStore {
  constructor(private readonly redis: Redis) {
    redis.defineCommand('concordAppend', { lua: APPEND_LUA });
  }

  /**
   * Appends sealed entries (numbered after `expected`) and the state writes they imply, if
   * the head is still `expected`; otherwise StaleHeadError. A new session's first append
   * expects the genesis head.
   */
  async append(
    sid: SessionId,
    expected: Head,
    entries: readonly LogEntry[],
    ops: readonly StateOp[],
    fence: number | null = null,
  ): Promise<Head> {
    const keys = [headKey(sid), logKey(sid), fenceKey(sid)];
    const keyIndex = new Map<string, number>();
    const indexOf = (area: StateOp['area']): number => {
      const key = areaKey(sid, area);
      let index = keyIndex.get(key);
      if (index === undefined) {
        keys.push(key);
        index = keys.length;
        keyIndex.set(key, index);
      }
      return index;
    };
    const args: (string | number)[] = [
      expected.seq,
      expected.hash,
      fence === null ? '' : String(fence),
      entries.length,
    ];
    for (const e of entries) {
      const { hash, ...body } = e;
      args.push(e.seq, canonicalEntry(body), hash);
    }
    for (const op of ops) {
      switch (op.op) {
        case 'set':
          args.push('S', indexOf(op.area), op.value);
          break;
        case 'hset':
          args.push('H', indexOf(op.area), op.field, op.value);
          break;
        case 'hdel':
          args.push('D', indexOf(op.area), op.field);
          break;
        case 'del':
          args.push('X', indexOf(op.area));
          break;
      }
    }
    try {
      await this.redis.concordAppend(keys.length, ...keys, ...args);
    } catch (err) {
      const stale = err instanceof Error ? /^STALE (\d+)/.exec(err.message) : null;
      if (stale?.[1] !== undefined) {
        throw new StaleHeadError(Number(stale[1]));
      }
      if (err instanceof Error && err.message.startsWith('FENCED')) {
        throw new FencedError();
      }
      throw err;
    }
    const last = entries.at(-1);
    return last === undefined ? expected : { seq: last.seq, hash: last.hash };
  }

  /** Registers a session id (listed by `sessionIds`); harmless when it is there already. */
  async register(sid: SessionId): Promise<void> {
    await this.redis.sadd(SESSIONS_KEY, sid);
  }

  async sessionIds(): Promise<SessionId[]> {
    return (await this.redis.smembers(SESSIONS_KEY)).flatMap((id) => {
      const parsed = SessionIdSchema.safeParse(id);
      return parsed.success ? [parsed.data] : [];
    });
  }

  async head(sid: SessionId): Promise<Head | null> {
    const [seq, hash] = await this.redis.hmget(headKey(sid), 'seq', 'hash');
    return seq === null || seq === undefined || hash === null || hash === undefined ? null : { seq: Number(seq), hash };
  }

  /** The state and its head, read in one atomic step (MULTI); null when there is no such session. */
  async load(sid: SessionId): Promise<{ state: SessionState; head: Head } | null> {
    const m = this.redis.multi().hmget(headKey(sid), 'seq', 'hash');
    for (const { name, kind } of AREAS) {
      if (kind === 'doc') {
        m.get(areaKey(sid, name));
      } else {
        m.hgetall(areaKey(sid, name));
      }
    }
    const replies = (await m.exec()) ?? [];
    const [headReply, ...areaReplies] = replies.map(([err, value]) => {
      if (err) {
        throw err;
      }
      return value;
    });
    const [seq, hash] = Array.isArray(headReply) ? (headReply as (string | null)[]) : [];
    if (seq === null || seq === undefined || hash === null || hash === undefined) {
      return null;
    }
    const raw = Object.fromEntries(
      AREAS.map(({ name }, i) => [name, areaReplies[i] as string | Record<string, string> | null]),
    );
    return { state: SessionStateSchema.parse(stateFromAreas(raw)), head: { seq: Number(seq), hash } };
  }

  /**
   * Waits up to `blockMs` on `reader` (a connection of its own: the call blocks it) for entries
   * after the given heads of several sessions; whatever arrived, by session.
   */
  async follow(
    reader: Redis,
    after: ReadonlyMap<SessionId, number>,
    blockMs: number,
  ): Promise<Map<SessionId, LogEntry[]>> {
    const sids = [...after.keys()];
    const out = new Map<SessionId, LogEntry[]>();
    if (sids.length === 0) {
      return out;
    }
    const reply = await reader.xread(
      'COUNT',
      FOLLOW_BATCH,
      'BLOCK',
      blockMs,
      'STREAMS',
      ...sids.map(logKey),
      ...sids.map((sid) => `${after.get(sid) ?? 0}-0`),
    );
    for (const [key, items] of reply ?? []) {
      const sid = sids.find((id) => logKey(id) === key);
      if (sid !== undefined) {
        out.set(
          sid,
          items.map(([, fields]) => parseStored(fields)),
        );
      }
    }
    return out;
  }

  /** The Redis client id of a connection (to end its blocking wait from another one). */
  async clientId(connection: Redis): Promise<number> {
    return Number(await connection.client('ID'));
  }

  /** Ends a blocking wait of another connection early (it returns as if it had timed out). */
  async unblock(clientId: number): Promise<void> {
    await this.redis.client('UNBLOCK', clientId);
  }

  /** Up to `count` entries after `after`, oldest first. */
  async range(sid: SessionId, after: number, count: number): Promise<LogEntry[]> {
    const batch = await this.redis.xrange(logKey(sid), `${after + 1}-0`, '+', 'COUNT', count);
    return batch.map(([, fields]) => parseStored(fields));
  }

  /** The whole log, oldest first (for replay, export and verification). */
  async *all(sid: SessionId): AsyncGenerator<LogEntry> {
    let after = 0;
    for (;;) {
      const batch = await this.range(sid, after, RANGE_BATCH);
      yield* batch;
      const last = batch.at(-1);
      if (batch.length < RANGE_BATCH || last === undefined) {
        return;
      }
      after = last.seq;
    }
  }
}

/** A stream entry's fields, `e` (the body as JSON) and `h` (the hash), as an entry. */
function parseStored(fields: string[]): LogEntry {
  const at = (name: string): string => {
    const i = fields.indexOf(name);
    const value = i >= 0 && i % 2 === 0 ? fields[i + 1] : undefined;
    if (value === undefined) {
      throw new Error(`log entry without field ${name}`);
    }
    return value;
  };
  return { ...parseEntryBody(JSON.parse(at('e'))), hash: at('h') };
}

import { SessionIdSchema, type SessionId } from '@concord/shared';
import type { ClientContext, Result } from 'ioredis';
import type { Redis } from './redis.js';

// Who runs a session's clocks: one node at a time holds the session's lease, an expiring
// key it renews. Taking the lease over (when its holder stopped renewing it) bumps the
// session's fence; the log refuses system writes made under an older fence. A sorted set
// indexes leases by expiry, so that any node finds the sessions whose owner went silent.

export const ownerKey = (sid: SessionId) => `concord:session:{${sid}}:owner`;
export const fenceKey = (sid: SessionId) => `concord:session:{${sid}}:fence`;
const INDEX_KEY = 'concord:owners';

// KEYS: owner, fence. ARGV: node, ttl ms. Takes or renews; answers {1, fence} or {0, owner}.
const ACQUIRE_LUA = `
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return {0, owner} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local fence
if owner then fence = redis.call('GET', KEYS[2]) or '0' else fence = redis.call('INCR', KEYS[2]) end
return {1, tostring(fence)}
`;

// KEYS: owner. ARGV: node. Gives the lease up if it is still ours.
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    concordAcquire(owner: string, fence: string, node: string, ttlMs: number): Result<[number, string], Context>;
    concordRelease(owner: string, node: string): Result<number, Context>;
  }
}
export type Lease = { held: true; fence: number } | { held: false; owner: string };

export class LeaseStore {
  constructor(private readonly redis: Redis) {
    redis.defineCommand('concordAcquire', { lua: ACQUIRE_LUA, numberOfKeys: 2 });
    redis.defineCommand('concordRelease', { lua: RELEASE_LUA, numberOfKeys: 1 });
  }

  /** Takes the session's lease for `ttlMs`, or renews it if this node holds it. */
  async acquire(sid: SessionId, node: string, ttlMs: number, now = Date.now()): Promise<Lease> {
    const [held, value] = await this.redis.concordAcquire(ownerKey(sid), fenceKey(sid), node, ttlMs);
    if (held === 1) {
      await this.redis.zadd(INDEX_KEY, now + ttlMs, sid);
      return { held: true, fence: Number(value) };
    }
    return { held: false, owner: value };
  }

  /**
   * Gives the lease up if this node holds it. `handOver`: another node should take it now
   * (this node is stopping); otherwise the session needs no owner until someone claims it.
   */
  async release(sid: SessionId, node: string, handOver: boolean): Promise<void> {
    if ((await this.redis.concordRelease(ownerKey(sid), node)) === 1) {
      await (handOver ? this.redis.zadd(INDEX_KEY, 0, sid) : this.redis.zrem(INDEX_KEY, sid));
    }
  }

  /** Sessions whose lease has lapsed (their owner stopped renewing it) by `now`. */
  async lapsed(now = Date.now()): Promise<SessionId[]> {
    return (await this.redis.zrangebyscore(INDEX_KEY, '-inf', now)).flatMap((id) => {
      const parsed = SessionIdSchema.safeParse(id);
      return parsed.success ? [parsed.data] : [];
    });
  }
}

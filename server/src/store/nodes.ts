import { NodeWireSchema, type NodeWire } from '@concord/shared';
import type { Redis } from './redis.js';

// Which Concord nodes are alive: each renews a key with a short expiry, holding what it tells
// the others and the browsers (its region and address), and its expiry in one sorted set so
// that the live ones can be listed. A participant whose connection is held by a node that is
// not alive any more is treated like a dropped socket.

const nodeKey = (id: string) => `concord:node:{${id}}`;
const INDEX = 'concord:nodes';

export class NodeRegistry {
  constructor(private readonly redis: Redis) {}

  /** Marks the node alive for `ttlMs` more. */
  async beat(node: NodeWire, ttlMs: number, now = Date.now()): Promise<void> {
    await this.redis
      .multi()
      .set(nodeKey(node.id), JSON.stringify(node), 'PX', ttlMs)
      .zadd(INDEX, now + ttlMs, node.id)
      .zremrangebyscore(INDEX, '-inf', now)
      .exec();
  }

  async leave(id: string): Promise<void> {
    await this.redis.multi().del(nodeKey(id)).zrem(INDEX, id).exec();
  }

  /** The ones of `ids` that are alive now. */
  async alive(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) {
      return new Set();
    }
    const values = await this.redis.mget(ids.map(nodeKey));
    return new Set(ids.filter((_, i) => values[i] !== null));
  }

  /** Every live node, by id. */
  async list(now = Date.now()): Promise<NodeWire[]> {
    const ids = (await this.redis.zrangebyscore(INDEX, now, '+inf')).sort();
    if (ids.length === 0) {
      return [];
    }
    const values = await this.redis.mget(ids.map(nodeKey));
    return values.flatMap((raw) => {
      const parsed = raw === null ? null : NodeWireSchema.safeParse(JSON.parse(raw));
      return parsed?.success ? [parsed.data] : [];
    });
  }
}

import type { Redis } from './redis.js';

// Which Concord nodes are alive: each renews a key with a short expiry. A participant whose
// connection is held by a node that is not alive any more is treated like a dropped socket.

const nodeKey = (id: string) => `concord:node:{${id}}`;

export class NodeRegistry {
  constructor(private readonly redis: Redis) {}

  /** Marks the node alive for `ttlMs` more, with what it tells others (its region, its address). */
  async beat(id: string, ttlMs: number, info: Record<string, string>): Promise<void> {
    await this.redis.set(nodeKey(id), JSON.stringify(info), 'PX', ttlMs);
  }

  async leave(id: string): Promise<void> {
    await this.redis.del(nodeKey(id));
  }

  /** The ones of `ids` that are alive now. */
  async alive(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) {
      return new Set();
    }
    const values = await this.redis.mget(ids.map(nodeKey));
    return new Set(ids.filter((_, i) => values[i] !== null));
  }
}

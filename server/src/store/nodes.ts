import { NodeWireSchema, type NodeWire } from '@concord/shared';
import type { Redis } from './redis.js';

// Which Concord nodes are alive: each renews a key with a short expiry, holding what it tells
// the others and the browsers (its region and address); a set names the nodes so that they
// can be listed. Alive means the key exists: Redis's clock decides, not the nodes'. A
// participant whose connection is held by a node that is not alive any more is treated like
// a dropped socket.

const nodeKey = (id: string) => `concord:node:{${id}}`;
const INDEX = 'concord:node-ids';

export class NodeRegistry {
  constructor(private readonly redis: Redis) {}

  /** Marks the node alive for `ttlMs` more. */
  async beat(node: NodeWire, ttlMs: number): Promise<void> {
    await this.redis.multi().set(nodeKey(node.id), JSON.stringify(node), 'PX', ttlMs).sadd(INDEX, node.id).exec();
  }

  async leave(id: string): Promise<void> {
    await this.redis.multi().del(nodeKey(id)).srem(INDEX, id).exec();
  }

  /** The ones of `ids` that are alive now. */
  async alive(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) {
      return new Set();
    }
    const values = await this.redis.mget(ids.map(nodeKey));
    return new Set(ids.filter((_, i) => values[i] !== null));
  }

  /** Every live node, by id. The names of nodes found dead leave the set. */
  async list(): Promise<NodeWire[]> {
    const ids = (await this.redis.smembers(INDEX)).sort();
    if (ids.length === 0) {
      return [];
    }
    const values = await this.redis.mget(ids.map(nodeKey));
    const dead = ids.filter((_, i) => values[i] === null);
    if (dead.length > 0) {
      await this.redis.srem(INDEX, ...dead);
    }
    return values.flatMap((raw) => {
      const parsed = raw === null ? null : NodeWireSchema.safeParse(JSON.parse(raw));
      return parsed?.success ? [parsed.data] : [];
    });
  }
}

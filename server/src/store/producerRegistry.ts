import { z } from 'zod';
import { ProducerInfoSchema, type ProducerInfo, type SessionId } from '@concord/shared';
import type { Redis } from './redis.js';

// The tracks published in a session on every node, and which node holds each: a client
// joining through any node sees them all, and a node that must forward one knows where to
// pipe it from. Media-plane bookkeeping, not part of the session's record.

const key = (sid: SessionId) => `concord:session:{${sid}}:producers`;

export const RegisteredProducerSchema = ProducerInfoSchema.extend({ node: z.string().min(1).max(128) });
export type RegisteredProducer = z.infer<typeof RegisteredProducerSchema>;

export class ProducerRegistry {
  constructor(private readonly redis: Redis) {}

  async put(sid: SessionId, p: ProducerInfo, node: string): Promise<void> {
    await this.redis.hset(key(sid), p.producerId, JSON.stringify({ ...p, node }));
  }

  async remove(sid: SessionId, producerId: string): Promise<void> {
    await this.redis.hdel(key(sid), producerId);
  }

  async get(sid: SessionId, producerId: string): Promise<RegisteredProducer | null> {
    const raw = await this.redis.hget(key(sid), producerId);
    return raw === null ? null : RegisteredProducerSchema.parse(JSON.parse(raw));
  }

  async list(sid: SessionId): Promise<RegisteredProducer[]> {
    return Object.values(await this.redis.hgetall(key(sid))).map((raw) =>
      RegisteredProducerSchema.parse(JSON.parse(raw)),
    );
  }

  /** Forgets the tracks published through `node` (the node died); the ids forgotten. */
  async removeNode(sid: SessionId, node: string): Promise<string[]> {
    const gone = (await this.list(sid)).filter((p) => p.node === node);
    if (gone.length > 0) {
      await this.redis.hdel(key(sid), ...gone.map((p) => p.producerId));
    }
    return gone.map((p) => p.producerId);
  }
}

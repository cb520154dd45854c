import { z } from 'zod';
import { ClientStatsSchema, type SessionId } from '@concord/shared';
import type { Redis } from './redis.js';

// What each node measured of a session's participants in its last health tick, kept in
// Redis for a few ticks: the node that runs the session merges them into one board.

const sampleKey = (sid: SessionId, node: string) => `concord:session:{${sid}}:health:${node}`;

const PeerSampleSchema = z.strictObject({
  participantId: z.string(),
  uplinkBitrate: z.number().nullable(),
  lossPct: z.number().nullable(),
  jitterMs: z.number().nullable(),
  rttMs: z.number().nullable(),
  score: z.number().nullable(),
  iceState: z.string().nullable(),
  dtlsState: z.string().nullable(),
});

export const NodeHealthSampleSchema = z.strictObject({
  at: z.number(),
  peers: z.record(z.string(), PeerSampleSchema),
  heartbeats: z.record(z.string(), z.number()),
  clientStats: z.record(z.string(), ClientStatsSchema),
  lastMedia: z.record(z.string(), z.number()),
  lastHeard: z.record(z.string(), z.number()),
  everConnected: z.array(z.string()),
});
export type NodeHealthSample = z.infer<typeof NodeHealthSampleSchema>;

export class HealthSampleStore {
  constructor(private readonly redis: Redis) {}

  async publish(sid: SessionId, node: string, sample: NodeHealthSample, ttlMs: number): Promise<void> {
    await this.redis.set(sampleKey(sid, node), JSON.stringify(sample), 'PX', ttlMs);
  }

  /** The latest samples of these nodes (those that published one lately). */
  async read(sid: SessionId, nodes: readonly string[]): Promise<NodeHealthSample[]> {
    if (nodes.length === 0) {
      return [];
    }
    const raws = await this.redis.mget(nodes.map((n) => sampleKey(sid, n)));
    return raws.flatMap((raw) => {
      const parsed = raw === null ? null : NodeHealthSampleSchema.safeParse(JSON.parse(raw));
      return parsed?.success ? [parsed.data] : [];
    });
  }
}

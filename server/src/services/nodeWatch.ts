import type { NodeWire } from '@concord/shared';
import type { Logger } from '../logger.js';
import type { NodeRegistry } from '../store/nodes.js';

/** How often this node says it is alive, and how long that stays true without a renewal. */
export const NODE_BEAT_MS = 1_000;
export const NODE_TTL_MS = 3_000;

/**
 * This node among the others: it says every second that it is alive (with its region and
 * address), keeps the list of live nodes for the browsers, and tells its listeners when a
 * node it saw alive is gone (its pipes close).
 */
export class NodeWatch {
  private live: NodeWire[] = [];
  private readonly goneListeners: ((nodeId: string) => void)[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly registry: NodeRegistry,
    /** This node as the others see it (its address is known once it listens). */
    private readonly self: () => NodeWire,
    private readonly log: Logger,
  ) {}

  /** The live nodes at the last beat (at most a second old). */
  nodes(): NodeWire[] {
    return this.live;
  }

  onGone(listener: (nodeId: string) => void): void {
    this.goneListeners.push(listener);
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), NODE_BEAT_MS);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    try {
      await this.registry.beat(this.self(), NODE_TTL_MS);
      const before = new Set(this.live.map((n) => n.id));
      this.live = await this.registry.list();
      for (const n of this.live) {
        before.delete(n.id);
      }
      for (const id of before) {
        this.log.warn({ node: id }, 'a node is gone');
        for (const listener of this.goneListeners) {
          listener(id);
        }
      }
    } catch (err) {
      this.log.warn({ err }, 'could not renew this node in Redis');
    }
  }

  close(): void {
    if (this.timer) {
      clearInterval(this.timer);
    }
    void this.registry.leave(this.self().id).catch(() => undefined);
  }
}

import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { NodeLink } from '../services/ports.js';
import type { ConcordServer } from './types.js';

const RequestSchema = z.strictObject({
  to: z.string(),
  from: z.string(),
  id: z.string(),
  method: z.string(),
  payload: z.unknown(),
});
const ReplySchema = z.strictObject({
  to: z.string(),
  id: z.string(),
  ok: z.boolean(),
  result: z.unknown(),
  error: z.string().optional(),
});

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Node-to-node requests over the Socket.IO adapter's inter-server messages: a request is
 * sent to every node and served by the one it names, which answers the same way. Answers
 * come back as soon as that node replies (Socket.IO's own acknowledgements would wait for
 * every node, a dead one included).
 */
export class SocketNodeLink implements NodeLink {
  private readonly handlers = new Map<string, (payload: unknown, from: string) => Promise<unknown>>();
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly io: ConcordServer,
    private readonly nodeId: string,
    private readonly log: Logger,
  ) {
    io.on('concord:rpc', (msg) => void this.onRequest(msg));
    io.on('concord:rpc:reply', (msg) => this.onReply(msg));
  }

  serve(method: string, handler: (payload: unknown, from: string) => Promise<unknown>): void {
    this.handlers.set(method, handler);
  }

  call(node: string, method: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    const id = randomBytes(8).toString('hex');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`node ${node} did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.io.serverSideEmit('concord:rpc', { to: node, from: this.nodeId, id, method, payload });
    });
  }

  private async onRequest(msg: unknown): Promise<void> {
    const req = RequestSchema.safeParse(msg);
    if (!req.success || req.data.to !== this.nodeId) {
      return;
    }
    const { from, id, method, payload } = req.data;
    const handler = this.handlers.get(method);
    try {
      if (!handler) {
        throw new Error(`no such node request: ${method}`);
      }
      this.io.serverSideEmit('concord:rpc:reply', { to: from, id, ok: true, result: await handler(payload, from) });
    } catch (err) {
      this.log.warn({ err, method, from }, 'a node request failed');
      this.io.serverSideEmit('concord:rpc:reply', { to: from, id, ok: false, result: null, error: String(err) });
    }
  }

  private onReply(msg: unknown): void {
    const reply = ReplySchema.safeParse(msg);
    if (!reply.success || reply.data.to !== this.nodeId) {
      return;
    }
    const p = this.pending.get(reply.data.id);
    if (!p) {
      return;
    }
    this.pending.delete(reply.data.id);
    clearTimeout(p.timer);
    if (reply.data.ok) {
      p.resolve(reply.data.result);
    } else {
      p.reject(new Error(reply.data.error ?? 'the node refused'));
    }
  }

  close(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('this node is stopping'));
    }
    this.pending.clear();
  }
}

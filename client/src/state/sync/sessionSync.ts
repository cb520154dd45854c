import { ErrorCode, type SessionJoined } from '@concord/shared';
import { log } from '../../logger';
import type { SyncContext } from '../context';
import { isFatal, toAppError, type AppErrorCode } from '../errors';
import type { LogSync } from '../logSync';
import type { ServerEvents } from '../send';
import type { KickReason } from '../viewState';

/** Leaving must feel instant: after this the socket is closed anyway, which the server also sees. */
const LEAVE_GRACE_MS = 2_000;

export interface SessionSyncDeps {
  /** Ends the participation for a reason no retry fixes. */
  fail: (code: AppErrorCode, message: string) => void;
  /** The server closed our participation on purpose. */
  kicked: (code: KickReason, message: string) => void;
  /** Join again now (the chair admitted us from the lobby). */
  rejoin: () => void;
  /** A join succeeded: what is fetched rather than pushed is fetched now. */
  joined: () => void;
}

/**
 * Our place in the session: joining (and joining again after every reconnect), the lobby,
 * leaving, and being removed. The participants themselves, the lobby list and the chair
 * come with the record (`withRecord`).
 */
export class SessionSync {
  constructor(
    private readonly ctx: SyncContext,
    private readonly log: LogSync,
    private readonly identity: { displayName: string; instanceId: string },
    private readonly deps: SessionSyncDeps,
  ) {}

  listen(socket: ServerEvents): void {
    socket.on('lobby:admitted', () => {
      if (this.ctx.ended()) {
        return;
      }
      log.info('admitted from the lobby');
      this.ctx.store.update((s) => (s.phase === 'lobby' ? { ...s, phase: 'joining' } : s));
      this.deps.rejoin();
    });
    socket.on('session:kicked', (e) => {
      if (!this.ctx.ended()) {
        this.deps.kicked(e.code, e.message);
      }
    });
  }

  /**
   * Joins (or takes back our place) and applies the snapshot. Null if the server refused for
   * good (the participation has failed) or put us in the lobby; rejects on a passing failure.
   * `resume`: the transports the tab still holds, for the server to keep if it still can.
   */
  async join(resume?: string[]): Promise<SessionJoined | null> {
    let snapshot: SessionJoined;
    try {
      // Exactly the join's fields: the server refuses unknown keys.
      const { displayName, instanceId } = this.identity;
      snapshot = await this.log.join(
        resume === undefined ? { displayName, instanceId } : { displayName, instanceId, resume },
      );
    } catch (err) {
      const error = toAppError(err);
      if (isFatal(error.code)) {
        this.deps.fail(error.code, error.message);
        return null;
      }
      if (error.code === ErrorCode.IN_LOBBY) {
        // Not a failure: the socket stays, and 'lobby:admitted' makes us join again.
        this.ctx.store.update((s) => ({ ...s, phase: 'lobby' }));
        return null;
      }
      throw error;
    }
    if (this.ctx.ended()) {
      return null;
    }
    this.deps.joined();
    return snapshot;
  }

  /** Tells the server we leave, waiting for its answer a short while at most. */
  async leave(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.ctx.send('session:leave', {}).catch((err: unknown) => log.warn('leave was not acknowledged', err)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, LEAVE_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
  }
}

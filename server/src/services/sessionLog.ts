import {
  DomainError,
  ErrorCode,
  applyEntry,
  type LogActor,
  type LogChange,
  type LogEntry,
  type Session,
  type SessionId,
  type SessionState,
} from '@concord/shared';
import { chainHash } from '../store/chain.js';
import { diffState } from '../store/areas.js';
import { FencedError, GENESIS, StaleHeadError, type Head, type LogStore } from '../store/logStore.js';
import type { Logger } from '../logger.js';
import type { Clock } from './ports.js';
import type { Redis } from '../store/redis.js';

/** What a command decides on the current state: the entries to append, and its answer. */
export interface Change<T> {
  changes: LogChange[];
  result: T;
}
/**
 * A command: reads the state, refuses (throws a DomainError) or returns its changes. It may
 * run more than once (when another writer appended first, on the fresher state), so it must
 * have no effects of its own.
 */
export type Decide<T> = (state: SessionState, now: number) => Change<T>;

/** Called for every entry applied to a session, in log order, with the state before and after. */
export type EntryListener = (entry: LogEntry, before: SessionState | null, after: SessionState) => void;

/** Commands of one session committed in one append when they arrive faster than a round trip. */
const MAX_BATCH = 64;
/** Appends lost to other writers before the commands are refused with BUSY. */
const MAX_APPEND_ATTEMPTS = 25;
/** Entries kept in memory for `since` (older ones are read from Redis). */
const RECENT_ENTRIES = 2_000;
/** More entries than this behind, a client takes a snapshot instead of catching up. */
export const SINCE_LIMIT = 1_000;
/** How long one wait for other nodes' entries lasts before it is renewed (new logs join in between). */
const FOLLOW_BLOCK_MS = 2_000;
const FOLLOW_IDLE_MS = 200;

interface Pending {
  actor: LogActor;
  decide: Decide<unknown>;
  /** The session owner's fence, for the clocks' writes (null: anyone may write this). */
  fence: number | null;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export interface ChangeOptions {
  /**
   * Written by the session's owner under its lease: refused (FencedError) if another node
   * took the lease over since. The clocks' writes carry it; participants' never do.
   */
  fence?: number | null;
}

/**
 * One session's log as this node sees it: the state at the head, kept in memory, and the
 * only way to change it. Commands queue per session and are appended together (group
 * commit) with one script call; an append refused because the head moved (another node
 * wrote) is recomputed on the fresh state.
 */
export class SessionLog {
  private queue: Pending[] = [];
  private pumping = false;
  private readonly recent: LogEntry[] = [];

  constructor(
    readonly id: SessionId,
    private current: SessionState,
    private top: Head,
    private readonly store: LogStore,
    private readonly clock: Clock,
    private readonly emit: EntryListener,
    private readonly log: Logger,
  ) {}

  get state(): SessionState {
    return this.current;
  }

  get head(): Head {
    return this.top;
  }

  /** Queues a command; resolves with its result once its entries are in Redis. */
  change<T>(actor: LogActor, decide: Decide<T>, options: ChangeOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fence = options.fence ?? null;
      this.queue.push({ actor, decide, fence, resolve: resolve as (v: unknown) => void, reject });
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      return;
    }
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        // Commands under one fence go together (a refused fence refuses exactly them).
        const fence = this.queue[0]?.fence ?? null;
        let n = 0;
        while (n < this.queue.length && n < MAX_BATCH && (this.queue[n]?.fence ?? null) === fence) {
          n++;
        }
        await this.commit(this.queue.splice(0, n), fence);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async commit(batch: Pending[], fence: number | null): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const now = this.clock.now();
      let state = this.current;
      let head = this.top;
      const entries: LogEntry[] = [];
      const outcomes: (() => void)[] = [];
      for (const p of batch) {
        try {
          const { changes, result } = p.decide(state, now);
          // Applying is also the last check: a change the reducer refuses is refused.
          let s = state;
          let h = head;
          const mine: LogEntry[] = [];
          for (const change of changes) {
            const body = { ...change, seq: h.seq + 1, at: now, actor: p.actor };
            s = applyEntry(s, body);
            const sealed: LogEntry = { ...body, hash: chainHash(h.hash, body) };
            h = { seq: sealed.seq, hash: sealed.hash };
            mine.push(sealed);
          }
          state = s;
          head = h;
          entries.push(...mine);
          outcomes.push(() => p.resolve(result));
        } catch (err) {
          outcomes.push(() => p.reject(err));
        }
      }
      if (entries.length > 0) {
        try {
          await this.store.append(this.id, this.top, entries, diffState(this.current, state), fence);
        } catch (err) {
          // Another writer went first, or Redis failed mid-way (the append may have happened):
          // read what Redis has, and see whether it holds our entries after all.
          await this.catchUp().catch((e: unknown) => this.log.warn({ err: e }, 'catching up the log failed'));
          if (this.holds(entries)) {
            this.settle(outcomes);
            return;
          }
          if (err instanceof StaleHeadError && attempt < MAX_APPEND_ATTEMPTS) {
            continue;
          }
          const refusal =
            err instanceof StaleHeadError
              ? new DomainError(ErrorCode.BUSY, 'too many simultaneous changes to this session; send it again')
              : err;
          if (err instanceof FencedError) {
            this.log.warn('a clock write was refused: another node runs the session now');
          }
          for (const p of batch) {
            p.reject(refusal);
          }
          return;
        }
        for (const e of entries) {
          this.apply(e);
        }
      }
      this.settle(outcomes);
      return;
    }
  }

  private settle(outcomes: (() => void)[]): void {
    for (const o of outcomes) {
      o();
    }
  }

  /** Whether these entries are the ones the log holds at their numbers (our append went through after all). */
  private holds(entries: readonly LogEntry[]): boolean {
    const first = entries[0];
    return first !== undefined && this.recent.find((e) => e.seq === first.seq)?.hash === first.hash;
  }

  /**
   * Applies one entry that is in Redis (ours, or another node's): only the next one in
   * order; an older one is ignored, a later one means some were missed (read them first).
   */
  apply(entry: LogEntry): boolean {
    if (entry.seq <= this.top.seq) {
      return false;
    }
    if (entry.seq !== this.top.seq + 1) {
      throw new Error(`entry ${entry.seq} after ${this.top.seq}: catch up first`);
    }
    const before = this.current;
    this.current = applyEntry(before, entry);
    this.top = { seq: entry.seq, hash: entry.hash };
    this.recent.push(entry);
    if (this.recent.length > RECENT_ENTRIES) {
      this.recent.splice(0, this.recent.length - RECENT_ENTRIES);
    }
    this.emit(entry, before, this.current);
    return true;
  }

  /**
   * Entries read from Redis (another node's, or ours coming back): applied in order, each
   * checked to chain on; a hole (entries this node has not read yet) is filled from Redis.
   */
  async receive(entries: readonly LogEntry[], fillHoles = true): Promise<void> {
    for (const e of entries) {
      if (e.seq <= this.top.seq) {
        continue; // applied meanwhile
      }
      if (e.seq > this.top.seq + 1 && fillHoles) {
        await this.catchUp();
      }
      if (e.seq <= this.top.seq) {
        continue;
      }
      if (e.seq !== this.top.seq + 1) {
        throw new Error(`the log of ${this.id} has no entry ${this.top.seq + 1}`);
      }
      const { hash, ...body } = e;
      if (chainHash(this.top.hash, body) !== hash) {
        throw new Error(`the log of ${this.id} does not chain at entry ${e.seq}`);
      }
      this.apply(e);
    }
  }

  /** Reads and applies whatever Redis has after our head, checking that each entry chains on. */
  async catchUp(): Promise<void> {
    for (;;) {
      const batch = await this.store.range(this.id, this.top.seq, SINCE_LIMIT);
      await this.receive(batch, false);
      if (batch.length < SINCE_LIMIT) {
        return;
      }
    }
  }

  /** The entries after `after`, oldest first; null when they are more than SINCE_LIMIT. */
  async since(after: number): Promise<LogEntry[] | null> {
    if (this.top.seq - after > SINCE_LIMIT) {
      return null;
    }
    const first = this.recent[0];
    if (first !== undefined && first.seq <= after + 1) {
      return this.recent.filter((e) => e.seq > after);
    }
    return this.store.range(this.id, after, SINCE_LIMIT);
  }
}

/**
 * The logs of the sessions this node serves, loaded on first use and kept current. Every
 * entry applied to any of them goes to the listeners, in order per session.
 */
export class SessionLogs {
  private readonly logs = new Map<SessionId, Promise<SessionLog | null>>();
  private readonly listeners: EntryListener[] = [];
  /** The logs loaded so far, for synchronous reads. */
  private readonly ready = new Map<SessionId, SessionLog>();
  private following = false;
  private reader: Redis | null = null;
  private readerId: number | null = null;

  constructor(
    private readonly store: LogStore,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  onEntry(listener: EntryListener): void {
    this.listeners.push(listener);
  }

  private readonly emit: EntryListener = (entry, before, after) => {
    for (const l of this.listeners) {
      try {
        l(entry, before, after);
      } catch (err) {
        this.log.error({ err, sessionId: after.session.id, seq: entry.seq }, 'an entry listener failed');
      }
    }
  };

  /** The session's log, or NOT_FOUND. */
  async get(sid: SessionId): Promise<SessionLog> {
    const log = await this.find(sid);
    if (log === null) {
      throw new DomainError(ErrorCode.NOT_FOUND, 'session not found');
    }
    return log;
  }

  /** The session's log, or null when there is no such session. */
  find(sid: SessionId): Promise<SessionLog | null> {
    let loading = this.logs.get(sid);
    if (loading === undefined) {
      loading = this.store
        .load(sid)
        .then((loaded) =>
          loaded === null
            ? null
            : new SessionLog(
                sid,
                loaded.state,
                loaded.head,
                this.store,
                this.clock,
                this.emit,
                this.log.child({ sessionId: sid }),
              ),
        );
      this.logs.set(sid, loading);
      // A session that does not exist (yet) is looked up afresh next time.
      void loading.then(
        (l) => {
          if (l === null) {
            this.logs.delete(sid);
          } else {
            this.ready.set(sid, l);
            this.wake();
          }
        },
        () => this.logs.delete(sid),
      );
    }
    return loading;
  }

  /**
   * Follows the logs this node has loaded: waits on Redis for entries other nodes append,
   * and applies them in order (each node then sends them to its own connections). Runs
   * until `stopFollowing`; on its own connection, as the wait blocks it.
   */
  follow(reader: Redis): void {
    if (this.following) {
      return;
    }
    this.following = true;
    this.reader = reader;
    void (async () => {
      this.readerId = await this.store.clientId(reader);
      while (this.following) {
        try {
          const logs = await this.loaded();
          if (logs.length === 0) {
            await new Promise((r) => setTimeout(r, FOLLOW_IDLE_MS));
            continue;
          }
          const heads = new Map(logs.map((l) => [l.id, l.head.seq]));
          const arrived = await this.store.follow(reader, heads, FOLLOW_BLOCK_MS);
          for (const [sid, entries] of arrived) {
            await logs.find((l) => l.id === sid)?.receive(entries);
          }
        } catch (err) {
          if (this.following) {
            this.log.warn({ err }, 'following the session logs failed; retrying');
            await new Promise((r) => setTimeout(r, FOLLOW_IDLE_MS));
          }
        }
      }
    })();
  }

  /** A newly loaded log is followed at once: the wait in progress is ended early. */
  private wake(): void {
    if (this.readerId !== null) {
      this.store.unblock(this.readerId).catch((err: unknown) => this.log.debug({ err }, 'could not end the wait'));
    }
  }

  stopFollowing(): void {
    this.following = false;
    this.reader?.disconnect(false);
    this.reader = null;
  }

  /** The session's log if this node has it loaded. */
  peek(sid: SessionId): SessionLog | undefined {
    return this.ready.get(sid);
  }

  /** The logs loaded so far. */
  async loaded(): Promise<SessionLog[]> {
    const all = await Promise.allSettled(this.logs.values());
    return all.flatMap((r) => (r.status === 'fulfilled' && r.value !== null ? [r.value] : []));
  }

  /** Starts a session's log with its `session.created` entry; ALREADY_EXISTS if it has one. */
  async create(session: Session, actor: LogActor, floorMode = true): Promise<SessionLog> {
    const body = {
      type: 'session.created' as const,
      payload: { session, floorMode },
      seq: 1,
      at: this.clock.now(),
      actor,
    };
    const entry: LogEntry = { ...body, hash: chainHash(GENESIS.hash, body) };
    const state = applyEntry(null, entry);
    await this.store.register(session.id);
    try {
      await this.store.append(session.id, GENESIS, [entry], diffState(null, state));
    } catch (err) {
      if (err instanceof StaleHeadError) {
        throw new DomainError(ErrorCode.ALREADY_EXISTS, `a session with id ${session.id} already exists`);
      }
      throw err;
    }
    const log = new SessionLog(
      session.id,
      state,
      { seq: 1, hash: entry.hash },
      this.store,
      this.clock,
      this.emit,
      this.log.child({ sessionId: session.id }),
    );
    this.logs.set(session.id, Promise.resolve(log));
    this.ready.set(session.id, log);
    this.emit(entry, null, state);
    return log;
  }
}

import {
  applyEntry,
  type LogEntry,
  type ParticipantId,
  type RequestPayload,
  type SessionJoined,
  type SessionSnapshot,
} from '@concord/shared';
import { log } from '../logger';
import type { RecordChange, RecordFollower, SyncContext } from './context';
import { SingleFlight } from './refresher';
import type { ServerEvents } from './send';
import { Sequencer } from './sequencer';
import { withRecord, type ViewState } from './viewState';

/**
 * Catch-up rounds in one pass before giving up until the next entry: each round fills a hole
 * (or takes a snapshot), so more than a few means the server cannot give what is missing.
 */
const MAX_CATCH_UP_ROUNDS = 3;

/**
 * The session's record on this client: the join's snapshot, then every `session:entry`
 * applied with the shared `applyEntry`, in log order (the `Sequencer` decides when). A hole
 * is filled by one single-flight catch-up: `session:since`, or a fresh `session:snapshot`
 * when the client is too far behind. Every change goes to the area syncs (`RecordFollower`).
 */
export class LogSync {
  private readonly sequencer = new Sequencer();
  private readonly catchUp: SingleFlight;
  private readonly followers: RecordFollower[] = [];
  private selfId: ParticipantId | null = null;
  /** A join is in flight: requests wait for its snapshot, entries are held for it. */
  private joining = false;
  /** The current socket has joined (a reconnect needs a new join before requests are served). */
  private joined = false;
  /** The record could not take an entry, or the log could not fill a hole: the next catch-up takes a snapshot. */
  private needsSnapshot = false;
  /** Raises waiting for the next join after the link dropped. */
  private joinWaiters: (() => void)[] = [];

  constructor(
    private readonly ctx: SyncContext,
    private readonly connected: () => boolean,
  ) {
    this.catchUp = new SingleFlight(
      () => this.fill(),
      (err: unknown) => log.warn('could not catch up with the session log', err),
    );
  }

  follow(follower: RecordFollower): void {
    this.followers.push(follower);
  }

  listen(socket: ServerEvents): void {
    socket.on('session:entry', (entry) => this.receive(entry));
  }

  /** Whether a request sent now reaches a joined session. */
  get served(): boolean {
    return this.connected() && this.joined && !this.joining;
  }

  /** The `seq` the record is at (null before the first snapshot, or while a join is in flight). */
  get seq(): number | null {
    return this.sequencer.lastSeq;
  }

  /**
   * Joins (or takes back our place: the same instanceId is idempotent) and applies the
   * snapshot. Entries that arrive meanwhile wait for it. Rejects with the server's refusal.
   */
  async join(payload: RequestPayload<'session:join'>): Promise<SessionJoined> {
    this.joining = true;
    this.sequencer.awaitSnapshot();
    let snapshot: SessionJoined;
    try {
      snapshot = await this.ctx.send('session:join', payload);
    } finally {
      this.joining = false;
    }
    if (!this.ctx.ended()) {
      this.applySnapshot(snapshot, true);
      this.joined = this.connected();
      this.releaseJoinWaiters();
    }
    return snapshot;
  }

  /** The socket went: nothing is served until the next join. */
  dropped(): void {
    this.joined = false;
  }

  /** Resolves at the next join, or after `timeoutMs`. */
  whenJoined(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.joinWaiters.push(done);
    });
  }

  close(): void {
    this.joined = false;
    this.releaseJoinWaiters();
  }

  /** One `session:entry`: applied now, or held until what comes before it is here. */
  receive(entry: LogEntry): void {
    if (this.ctx.ended()) {
      return;
    }
    this.apply(this.sequencer.receive(entry));
    if (this.sequencer.hasGap || this.needsSnapshot) {
      void this.catchUp.request();
    }
  }

  /** One catch-up pass: fills the hole from the log, or starts again from a snapshot. */
  private async fill(): Promise<void> {
    for (let round = 0; round < MAX_CATCH_UP_ROUNDS; round += 1) {
      if (this.ctx.ended() || !this.served) {
        return; // The next join brings a snapshot.
      }
      if (this.needsSnapshot) {
        await this.resnapshot();
        continue;
      }
      const after = this.sequencer.lastSeq;
      if (after === null || !this.sequencer.hasGap) {
        return;
      }
      const reply = await this.ctx.send('session:since', { after });
      if (this.ctx.ended()) {
        return;
      }
      // Entries carry no clock of their own: the catch-up's answer refreshes the offset.
      const clockOffsetMs = reply.serverNow - Date.now();
      this.ctx.store.update((s) => ({ ...s, clockOffsetMs }));
      if (reply.entries === null) {
        log.info(`too far behind the session log (at ${after}, head ${reply.head}); taking a snapshot`);
        this.needsSnapshot = true;
        continue;
      }
      this.apply(this.sequencer.receiveAll(reply.entries));
      if (this.sequencer.hasGap && this.sequencer.lastSeq === after) {
        // The log did not have what the hole needs: a snapshot covers it.
        this.needsSnapshot = true;
      }
    }
  }

  private async resnapshot(): Promise<void> {
    const snapshot = await this.ctx.send('session:snapshot', {});
    if (!this.ctx.ended()) {
      this.applySnapshot(snapshot, false);
    }
  }

  /**
   * A join's snapshot replaces the record and this client's view of the media; a catch-up's
   * replaces the record only (media events are not part of the log, so none were missed).
   * A snapshot older than the record held (overtaken by a catch-up) leaves the record be.
   */
  private applySnapshot(snapshot: SessionSnapshot, join: boolean): void {
    const ready = this.sequencer.snapshot(snapshot.seq);
    const before = this.ctx.store.get();
    const clockOffsetMs = snapshot.serverNow - Date.now();
    const base: ViewState = join
      ? {
          ...before,
          phase: 'joined',
          producers: new Map(snapshot.producers.map((p) => [p.producerId, p])),
          activeSpeaker: snapshot.activeSpeaker,
          clockOffsetMs,
        }
      : { ...before, clockOffsetMs };
    if (ready === null) {
      this.ctx.store.update(() => base);
      return;
    }
    this.needsSnapshot = false;
    this.selfId = snapshot.self.id;
    const after = withRecord({ ...base, self: snapshot.self }, snapshot.state, snapshot.self.id, snapshot.subject);
    this.ctx.store.update(() => after);
    this.tell({ before, after, entry: null });
    this.apply(ready);
  }

  private apply(entries: readonly LogEntry[]): void {
    for (const entry of entries) {
      const before = this.ctx.store.get();
      const { record, subject } = before;
      if (record === null || subject === null || this.selfId === null) {
        return;
      }
      let after: ViewState;
      try {
        after = withRecord(before, applyEntry(record, entry), this.selfId, subject);
      } catch (err) {
        // The reducer is total on a valid log: this client's record is off. Start afresh.
        log.error(`entry ${entry.seq} (${entry.type}) does not apply; taking a snapshot`, err);
        this.sequencer.awaitSnapshot();
        this.needsSnapshot = true;
        void this.catchUp.request();
        return;
      }
      this.ctx.store.update(() => after);
      this.tell({ before, after, entry });
    }
  }

  /** A follower's failure is its own: the record and the other followers go on. */
  private tell(change: RecordChange): void {
    for (const follower of this.followers) {
      try {
        follower.recordChanged(change);
      } catch (err) {
        log.error('a session area failed to follow a change', err);
      }
    }
  }

  private releaseJoinWaiters(): void {
    const waiters = this.joinWaiters;
    this.joinWaiters = [];
    for (const done of waiters) {
      done();
    }
  }
}

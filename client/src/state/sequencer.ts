import type { LogEntry } from '@concord/shared';

/**
 * Puts the session's log entries in order for the client. The server sends every entry
 * once and in order on one connection, but a client still sees entries it already has (in
 * a snapshot, or from a catch-up racing the live stream), entries while its join is in
 * flight, and holes (an entry lost to a reconnect). This decides which entries to apply
 * and when; it does no I/O: the caller applies what it returns and, when `hasGap`, fetches
 * the missing entries (`session:since { after: lastSeq }`) and gives them to `receive`.
 *
 * The rule: an entry is applied only right after the one before it (`seq` = last + 1), and
 * each `seq` at most once.
 */
export class Sequencer {
  /** The `seq` of the last entry applied (or of the snapshot); null while a snapshot is awaited. */
  private last: number | null = null;
  /** Entries not applied yet, by `seq`: all of them while a snapshot is awaited, else those after a hole. */
  private readonly held = new Map<number, LogEntry>();

  /** The `seq` the client's state is at; null while it waits for a snapshot. */
  get lastSeq(): number | null {
    return this.last;
  }

  /** Entries are held behind a hole: the ones in between must be fetched. */
  get hasGap(): boolean {
    return this.last !== null && this.held.size > 0;
  }

  /**
   * A join is in flight: hold every entry until its snapshot lands (`snapshot`), whatever
   * was applied before (the snapshot replaces it).
   */
  awaitSnapshot(): void {
    this.last = null;
  }

  /**
   * A snapshot at `seq` is to be applied. Returns null, and changes nothing, when it is older
   * than the state already applied (a slow catch-up snapshot overtaken by entries); otherwise
   * the held entries that follow it, in order, to apply after it. Held entries the snapshot
   * already includes are dropped.
   */
  snapshot(seq: number): LogEntry[] | null {
    if (this.last !== null && seq < this.last) {
      return null;
    }
    this.last = seq;
    return this.drain();
  }

  /**
   * One entry, live or from a catch-up. Returns the entries ready to apply now, in order:
   * none when it is already applied or must wait (for a snapshot, or for the entries before
   * it); more than one when it fills a hole.
   */
  receive(entry: LogEntry): LogEntry[] {
    if (this.last !== null && entry.seq <= this.last) {
      return [];
    }
    if (!this.held.has(entry.seq)) {
      this.held.set(entry.seq, entry);
    }
    return this.last === null ? [] : this.drain();
  }

  /** Several entries (a `session:since` reply), in any order. */
  receiveAll(entries: readonly LogEntry[]): LogEntry[] {
    return entries.flatMap((e) => this.receive(e));
  }

  private drain(): LogEntry[] {
    let last = this.last;
    if (last === null) {
      return [];
    }
    for (const seq of this.held.keys()) {
      if (seq <= last) {
        this.held.delete(seq);
      }
    }
    const ready: LogEntry[] = [];
    for (let next = this.held.get(last + 1); next !== undefined; next = this.held.get(last + 1)) {
      this.held.delete(next.seq);
      ready.push(next);
      last = next.seq;
    }
    this.last = last;
    return ready;
  }
}

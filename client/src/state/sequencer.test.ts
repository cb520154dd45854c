import { describe, expect, it } from 'vitest';
import type { LogEntry } from '@concord/shared';
import { Sequencer } from './sequencer';

/** An entry of the log; its content does not matter to the order. */
const entry = (seq: number): LogEntry => ({
  seq,
  at: 1_000 + seq,
  actor: { kind: 'admin' },
  type: 'session.locked',
  payload: { locked: seq % 2 === 0 },
  hash: `hash-${seq}`,
});

const seqs = (entries: readonly LogEntry[] | null): number[] | null => entries?.map((e) => e.seq) ?? null;

/** A sequencer whose state is the snapshot at `seq`. */
function at(seq: number): Sequencer {
  const s = new Sequencer();
  s.awaitSnapshot();
  s.snapshot(seq);
  return s;
}

describe('the order entries are applied in', () => {
  it('applies each entry that follows the last one at once', () => {
    const s = at(5);
    expect(seqs(s.receive(entry(6)))).toEqual([6]);
    expect(seqs(s.receive(entry(7)))).toEqual([7]);
    expect(s.lastSeq).toBe(7);
    expect(s.hasGap).toBe(false);
  });

  it('applies an entry only once, however often it comes', () => {
    const s = at(5);
    expect(seqs(s.receive(entry(6)))).toEqual([6]);
    expect(seqs(s.receive(entry(6)))).toEqual([]);
    expect(seqs(s.receiveAll([entry(6), entry(7), entry(7)]))).toEqual([7]);
    expect(s.lastSeq).toBe(7);
  });

  it('drops entries the snapshot already includes', () => {
    const s = at(5);
    expect(seqs(s.receive(entry(4)))).toEqual([]);
    expect(seqs(s.receive(entry(5)))).toEqual([]);
    expect(s.hasGap).toBe(false);
    expect(s.lastSeq).toBe(5);
  });

  it('holds an entry after a hole and says the hole must be filled', () => {
    const s = at(5);
    expect(seqs(s.receive(entry(7)))).toEqual([]);
    expect(s.hasGap).toBe(true);
    expect(s.lastSeq).toBe(5);
  });

  it('applies the held entries in order once the hole is filled', () => {
    const s = at(5);
    s.receive(entry(8));
    s.receive(entry(7));
    expect(seqs(s.receive(entry(6)))).toEqual([6, 7, 8]);
    expect(s.hasGap).toBe(false);
    expect(s.lastSeq).toBe(8);
  });

  it('puts entries that arrive out of order back in order', () => {
    const s = at(6);
    expect(seqs(s.receive(entry(9)))).toEqual([]);
    expect(seqs(s.receive(entry(7)))).toEqual([7]);
    expect(s.hasGap).toBe(true);
    expect(seqs(s.receive(entry(8)))).toEqual([8, 9]);
    expect(s.hasGap).toBe(false);
  });

  it('fills a hole from a catch-up reply that overlaps what arrived live', () => {
    const s = at(5);
    s.receive(entry(9));
    // `session:since { after: 5 }` answers 6..9; 9 is held already.
    expect(seqs(s.receiveAll([entry(6), entry(7), entry(8), entry(9)]))).toEqual([6, 7, 8, 9]);
    expect(s.hasGap).toBe(false);
  });

  it('fills part of a hole and still says what is missing', () => {
    const s = at(5);
    s.receive(entry(9));
    expect(seqs(s.receiveAll([entry(6), entry(7)]))).toEqual([6, 7]);
    expect(s.hasGap).toBe(true);
    expect(s.lastSeq).toBe(7);
  });
});

describe('a snapshot and the entries held for it', () => {
  it('holds every entry while the join is in flight, and asks for nothing', () => {
    const s = new Sequencer();
    s.awaitSnapshot();
    expect(seqs(s.receive(entry(6)))).toEqual([]);
    expect(s.hasGap).toBe(false);
    expect(s.lastSeq).toBeNull();
  });

  it('drops the held entries the snapshot includes and applies the later ones in order', () => {
    const s = new Sequencer();
    s.awaitSnapshot();
    for (const seq of [7, 4, 5, 6]) {
      s.receive(entry(seq));
    }
    expect(seqs(s.snapshot(5))).toEqual([6, 7]);
    expect(s.lastSeq).toBe(7);
    expect(s.hasGap).toBe(false);
    expect(seqs(s.receive(entry(6)))).toEqual([]);
  });

  it('says so when an entry held for the snapshot does not follow it', () => {
    const s = new Sequencer();
    s.awaitSnapshot();
    s.receive(entry(8));
    expect(seqs(s.snapshot(5))).toEqual([]);
    expect(s.hasGap).toBe(true);
    expect(s.lastSeq).toBe(5);
  });

  it('takes a rejoin snapshot in place of what was applied, holding the entries meanwhile', () => {
    const s = at(5);
    s.receive(entry(6));
    s.awaitSnapshot();
    s.receive(entry(9));
    expect(s.hasGap).toBe(false);
    expect(seqs(s.snapshot(8))).toEqual([9]);
    expect(s.lastSeq).toBe(9);
  });

  it('ignores a catch-up snapshot older than what was applied meanwhile', () => {
    const s = at(5);
    s.receiveAll([entry(6), entry(7)]);
    expect(s.snapshot(6)).toBeNull();
    expect(s.lastSeq).toBe(7);
  });

  it('takes a catch-up snapshot over a hole and applies what follows it', () => {
    const s = at(5);
    s.receive(entry(9));
    s.receive(entry(10));
    expect(seqs(s.snapshot(8))).toEqual([9, 10]);
    expect(s.hasGap).toBe(false);
  });
});

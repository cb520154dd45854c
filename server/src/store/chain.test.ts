import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  ParticipantIdSchema,
  SiteIdSchema,
  canonicalEntry,
  type LogEntry,
  type LogEntryBody,
} from '@concord/shared';
import { chainHash, linkOf, parseExport, seal, verifyChain } from './chain.js';

const body = (seq: number, title: string): LogEntryBody => ({
  seq,
  at: 1_900_000_000_000 + seq,
  actor: {
    kind: 'participant',
    subject: 'inv_chair',
    participantId: ParticipantIdSchema.parse('p_chair'),
    role: 'chair',
    siteId: SiteIdSchema.parse('daraa'),
    displayName: 'رئيس الجلسة',
  },
  type: 'session.locked',
  payload: { locked: title.length % 2 === 0 },
});

function chain(n: number): LogEntry[] {
  const out: LogEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e = seal(prev, body(seq, `entry ${seq}`));
    out.push(e);
    prev = e.hash;
  }
  return out;
}

/** What anyone would write from docs/architecture.md: sort keys, JSON, SHA-256 over prev ‖ bytes. */
function independentCanonical(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(independentCanonical).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${independentCanonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('the hash chain of a session log', () => {
  it('the canonical bytes are the entry with sorted keys and no whitespace, text as UTF-8', () => {
    const b = body(1, 'x');
    const text = canonicalEntry(b);
    expect(text).toBe(independentCanonical({ seq: b.seq, at: b.at, actor: b.actor, type: b.type, payload: b.payload }));
    expect(text).toContain('رئيس الجلسة');
    expect(text.startsWith('{"actor":{"displayName"')).toBe(true);
    // The order fields were written in does not matter.
    const shuffled = { payload: b.payload, type: b.type, actor: b.actor, at: b.at, seq: b.seq } as LogEntryBody;
    expect(canonicalEntry(shuffled)).toBe(text);
  });

  it('each hash is SHA-256 of the previous hash and the canonical bytes, from 64 zeros', () => {
    const [first, second] = chain(2) as [LogEntry, LogEntry];
    const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
    expect(first.hash).toBe(sha(GENESIS_HASH + independentCanonical(body(1, 'entry 1'))));
    expect(second.hash).toBe(sha(first.hash + independentCanonical(body(2, 'entry 2'))));
    expect(chainHash(first.hash, body(2, 'entry 2'))).toBe(second.hash);
  });

  it('an intact chain verifies to its head', () => {
    const entries = chain(5);
    const last = entries.at(-1)!;
    expect(verifyChain(entries.map(linkOf), { seq: 5, hash: last.hash })).toEqual({
      ok: true,
      entries: 5,
      head: { seq: 5, hash: last.hash },
    });
  });

  it('an altered entry is found', () => {
    const entries = chain(5);
    entries[2] = {
      ...entries[2]!,
      payload: { locked: !(entries[2]!.payload as { locked: boolean }).locked },
    } as LogEntry;
    expect(verifyChain(entries.map(linkOf))).toMatchObject({
      ok: false,
      seq: 3,
      problem: expect.stringMatching(/hash/),
    });
  });

  it('a deleted entry is found', () => {
    const entries = chain(5);
    entries.splice(1, 1);
    expect(verifyChain(entries.map(linkOf))).toMatchObject({
      ok: false,
      seq: 2,
      problem: expect.stringMatching(/missing/),
    });
  });

  it('reordered entries are found', () => {
    const entries = chain(5);
    const [a, b] = [entries[1]!, entries[2]!];
    // Swapped bodies, each keeping its place's number: the hashes no longer chain.
    entries[1] = { ...b, seq: 2 };
    entries[2] = { ...a, seq: 3 };
    expect(verifyChain(entries.map(linkOf))).toMatchObject({ ok: false, seq: 2 });
    // Swapped whole entries: the numbers are out of order.
    const moved = chain(5);
    [moved[1], moved[2]] = [moved[2]!, moved[1]!];
    expect(verifyChain(moved.map(linkOf))).toMatchObject({ ok: false, seq: 2 });
  });

  it('a head that is not the last entry is found (entries cut off the end)', () => {
    const entries = chain(5);
    expect(verifyChain(entries.slice(0, 4).map(linkOf), { seq: 5, hash: entries[4]!.hash })).toMatchObject({
      ok: false,
      seq: 5,
    });
  });

  it('an export is read line by line and verified as stored', () => {
    const entries = chain(3);
    const text = entries.map(({ hash, ...b }) => `{"entry":${canonicalEntry(b)},"hash":"${hash}"}`).join('\n');
    expect(verifyChain(parseExport(text))).toMatchObject({ ok: true, entries: 3 });
    const edited = text.replace('"locked":false', '"locked":true');
    expect(verifyChain(parseExport(edited)).ok).toBe(false);
  });
});

import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import { GENESIS_HASH, canonicalEntry, type LogEntry, type LogEntryBody } from '@concord/shared';

/** The link after `prev`: SHA-256 over the previous hash (hex) and the entry's canonical bytes. */
export function linkHash(prev: string, canonical: string): string {
  return createHash('sha256').update(prev, 'utf8').update(canonical, 'utf8').digest('hex');
}

export const chainHash = (prev: string, body: LogEntryBody): string => linkHash(prev, canonicalEntry(body));

export const seal = (prev: string, body: LogEntryBody): LogEntry => ({ ...body, hash: chainHash(prev, body) });

/** One entry as verification sees it: its number, its canonical bytes (as stored) and its stored hash. */
export interface ChainLink {
  seq: number;
  canonical: string;
  hash: string;
}

export const linkOf = ({ hash, ...body }: LogEntry): ChainLink => ({
  seq: body.seq,
  canonical: canonicalEntry(body),
  hash,
});

export type ChainVerdict =
  { ok: true; entries: number; head: { seq: number; hash: string } } | { ok: false; seq: number; problem: string };

/**
 * Recomputes the chain of a whole log, first entry first. Reports the first entry whose hash
 * does not follow from the one before, whose number is out of place (an entry deleted or
 * moved), or the stored head that the last entry does not match.
 */
export function verifyChain(entries: Iterable<ChainLink>, head?: { seq: number; hash: string }): ChainVerdict {
  let prev = GENESIS_HASH;
  let seq = 0;
  for (const e of entries) {
    if (e.seq !== seq + 1) {
      return {
        ok: false,
        seq: seq + 1,
        problem: e.seq > seq + 1 ? `entry ${seq + 1} is missing (next is ${e.seq})` : `entry ${e.seq} is out of order`,
      };
    }
    const expected = linkHash(prev, e.canonical);
    if (expected !== e.hash) {
      return { ok: false, seq: e.seq, problem: `hash mismatch: stored ${e.hash}, recomputed ${expected}` };
    }
    prev = e.hash;
    seq = e.seq;
  }
  if (head !== undefined && (head.seq !== seq || head.hash !== prev)) {
    return {
      ok: false,
      seq: head.seq,
      problem: `the head (${head.seq}, ${head.hash}) is not the last entry (${seq}, ${prev})`,
    };
  }
  return { ok: true, entries: seq, head: { seq, hash: prev } };
}

/**
 * Reads an exported log (JSON Lines, one `{ "entry": <body>, "hash": "<hex>" }` per line) as
 * links to verify. The body is canonicalized as it is in the file: verification never
 * trusts a parser to have kept it unchanged.
 */
export function parseExport(text: string): ChainLink[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const parsed: unknown = JSON.parse(line);
      const link = ExportLineSchema.safeParse(parsed);
      if (!link.success) {
        throw new Error(`line ${i + 1} is not an exported entry`);
      }
      const canonical = canonicalize(link.data.entry);
      if (canonical === undefined) {
        throw new Error(`line ${i + 1} has no entry`);
      }
      return { seq: link.data.entry.seq, canonical, hash: link.data.hash };
    });
}

const ExportLineSchema = z.strictObject({
  entry: z.looseObject({ seq: z.number().int() }),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

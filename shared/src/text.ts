import { z } from 'zod';

// The one policy for every text a person types or a token carries: session titles, site and
// display names, agenda items, issue texts, decisions, notes. Applied by the wire and HTTP
// schemas, the token claims and the admin command line alike (they all use these builders).
//
// - Only well-formed Unicode: a lone UTF-16 surrogate cannot be stored, encoded or shown.
// - Normalized to NFC, so the same name typed on two keyboards is the same string.
// - No control characters; multi-line fields keep their line breaks (CR LF and CR become LF).
// - No bidirectional embedding, override or isolate controls (U+202A–U+202E, U+2066–U+2069):
//   Arabic and Russian names sit beside Latin ones, and a name must not be able to reverse
//   the text around it. The marks U+200E and U+200F (which only hint a direction) are fine.
// - A documented maximum length (in UTF-16 code units, after normalization).

/** Maximum lengths of the texts of the protocol, in UTF-16 code units. */
export const TEXT_LIMITS = {
  /** Display names, site names, names of bodies an issue is referred to. */
  name: 80,
  /** Session, agenda item and issue titles; referral bodies. */
  title: 200,
  /** Agenda item descriptions and outcomes; notes; rejection reasons. */
  note: 4000,
  /** Issue details and decisions. */
  details: 8000,
} as const;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
// eslint-disable-next-line no-control-regex -- the same, with the line feed allowed
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

export const isWellFormedText = (s: string): boolean => !LONE_SURROGATE.test(s);

export interface TextOptions {
  max: number;
  /** Defaults to 0; names and titles use 1. */
  min?: number;
  /** Line breaks allowed (descriptions, details, notes). */
  multiline?: boolean;
}

/** A text field under the policy above; refusals name the rule that was broken. */
export function text({ max, min = 0, multiline = false }: TextOptions) {
  return z
    .string()
    .refine(isWellFormedText, { message: 'must be well-formed Unicode (it contains a lone surrogate)', abort: true })
    .normalize('NFC')
    .overwrite((s) => (multiline ? s.replace(/\r\n?/g, '\n') : s))
    .trim()
    .refine((s) => !(multiline ? CONTROL_BUT_NEWLINE : CONTROL).test(s), {
      message: multiline
        ? 'must not contain control characters other than line breaks'
        : 'must not contain control characters',
    })
    .refine((s) => !BIDI_CONTROL.test(s), {
      message: 'must not contain bidirectional embedding, override or isolate controls (U+202A–U+202E, U+2066–U+2069)',
    })
    .min(min)
    .max(max);
}

/** Which rule of the policy a text breaks, for a form to say so in the reader's language. */
export type TextProblem = 'malformed' | 'control' | 'bidi' | 'length';

export function textProblem(value: string, { max, min = 0, multiline = false }: TextOptions): TextProblem | null {
  if (!isWellFormedText(value)) {
    return 'malformed';
  }
  const s = value
    .normalize('NFC')
    .replace(multiline ? /\r\n?/g : /(?!)/, '\n')
    .trim();
  if ((multiline ? CONTROL_BUT_NEWLINE : CONTROL).test(s)) {
    return 'control';
  }
  if (BIDI_CONTROL.test(s)) {
    return 'bidi';
  }
  return s.length < min || s.length > max ? 'length' : null;
}

/** A one-line name (display name, site name): 1–80. */
export const nameText = () => text({ min: 1, max: TEXT_LIMITS.name });
/** A one-line title: 1–200. */
export const titleText = () => text({ min: 1, max: TEXT_LIMITS.title });
/** A multi-line note or description: 0–4000. */
export const noteText = () => text({ max: TEXT_LIMITS.note, multiline: true });
/** Multi-line issue details or a decision: 0–8000. */
export const detailsText = () => text({ max: TEXT_LIMITS.details, multiline: true });

/**
 * A machine string from the browser (RTP mids, rids, CNAMEs, codec parameters): it reaches
 * the media server, not a person, so only well-formedness and the absence of controls matter.
 */
export const wireToken = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => isWellFormedText(s) && !CONTROL.test(s), {
      message: 'must be well-formed text without control characters',
    });

import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { TokenClaimsSchema, JoinSessionSchema } from './auth.js';
import { CreateInviteBodySchema, CreateSessionBodySchema } from './http.js';
import { AgendaAddSchema, AgendaEditSchema, AgendaFinishSchema } from './proceedingsSchemas.js';
import {
  CloseIssueSchema,
  DecideIssueSchema,
  RaiseIssueSchema,
  ReferIssueSchema,
  RejectIssueSchema,
} from './issues.js';
import { TEXT_LIMITS, nameText, noteText, textProblem } from './text.js';

/** Texts people really write in these sessions: each must be accepted as typed. */
export const GOOD_TEXTS = {
  arabic: 'لجنة المصالحة في درعا',
  russian: 'Комитет по примирению, Хомс',
  emoji: 'Corridor 👩🏽‍⚖️ 🇸🇾 ✅',
  combining: 'Re\u0301union de Latakia', // é as e + U+0301: stored as NFC
  marks: 'درعا \u200F(Daraa)',
  mixed: 'Daraa — درعا — Дараа',
};

/** Hostile texts: each must be refused wherever a person's text is accepted. */
export const BAD_TEXTS = {
  loneHighSurrogate: 'Evil \ud800',
  loneLowSurrogate: 'Evil \udc00 tail',
  nul: 'nul\u0000byte',
  escape: 'bell\u0007 and \u001b[31mred',
  c1: 'c1\u0085control',
  rightToLeftOverride: 'invoice\u202Etxt.exe',
  leftToRightEmbedding: '\u202Aembedded',
  isolate: 'name \u2066isolated\u2069',
};

const TEXT_FIELDS: [string, z.ZodType, (t: string) => unknown, string][] = [
  ['join displayName', JoinSessionSchema, (t) => ({ instanceId: 'instance-0001', displayName: t }), 'displayName'],
  ['agenda title', AgendaAddSchema, (t) => ({ expectedVersion: 0, title: t, allotmentSec: 60 }), 'title'],
  [
    'agenda description',
    AgendaAddSchema,
    (t) => ({ expectedVersion: 0, title: 'x', description: t, allotmentSec: 60 }),
    'description',
  ],
  ['agenda edit title', AgendaEditSchema, (t) => ({ expectedVersion: 0, itemId: 'item_1', title: t }), 'title'],
  [
    'agenda outcome',
    AgendaFinishSchema,
    (t) => ({ expectedVersion: 0, itemId: 'item_1', status: 'done', outcome: t }),
    'outcome',
  ],
  [
    'issue title',
    RaiseIssueSchema,
    (t) => ({ idempotencyKey: 'key-00001', title: t, category: 'other', urgency: 'routine' }),
    'title',
  ],
  [
    'issue details',
    RaiseIssueSchema,
    (t) => ({ idempotencyKey: 'key-00001', title: 'x', details: t, category: 'other', urgency: 'routine' }),
    'details',
  ],
  ['decision', DecideIssueSchema, (t) => ({ issueId: 'iss_1', decision: t }), 'decision'],
  ['close note', CloseIssueSchema, (t) => ({ issueId: 'iss_1', note: t }), 'note'],
  ['referral body', ReferIssueSchema, (t) => ({ issueId: 'iss_1', body: t }), 'body'],
  ['referral note', ReferIssueSchema, (t) => ({ issueId: 'iss_1', body: 'x', note: t }), 'note'],
  ['rejection reason', RejectIssueSchema, (t) => ({ issueId: 'iss_1', reason: t }), 'reason'],
  ['session title', CreateSessionBodySchema, (t) => ({ title: t, sites: [{ name: 'Daraa' }] }), 'title'],
  ['site name', CreateSessionBodySchema, (t) => ({ title: 'x', sites: [{ name: t }] }), 'sites.0.name'],
  ['invite name', CreateInviteBodySchema, (t) => ({ role: 'chair', siteId: null, displayName: t }), 'displayName'],
  [
    'token name',
    TokenClaimsSchema,
    (t) => ({ sub: 'inv_x', name: t, sid: 's', site: null, role: 'chair', iss: 'concord', iat: 1, exp: 2 }),
    'name',
  ],
];

describe('every text field has one policy', () => {
  for (const [what, schema, payload, field] of TEXT_FIELDS) {
    it(`${what} accepts Arabic, Russian, emoji, combining marks and direction marks`, () => {
      for (const t of Object.values(GOOD_TEXTS)) {
        expect(schema.safeParse(payload(t)).success, `${what}: ${JSON.stringify(t)}`).toBe(true);
      }
    });
    it(`${what} refuses lone surrogates, control characters and bidi overrides, naming the field`, () => {
      for (const [kind, t] of Object.entries(BAD_TEXTS)) {
        const r = schema.safeParse(payload(t));
        expect(r.success, `${what}: ${kind}`).toBe(false);
        expect(
          r.error?.issues.map((i) => i.path.join('.')),
          `${what}: ${kind}`,
        ).toContain(field);
      }
    });
  }

  it('texts are stored normalized to NFC and trimmed', () => {
    expect(nameText().parse('  Re\u0301union  ')).toBe('R\u00e9union');
  });

  it('multi-line texts keep line breaks; CR LF becomes LF; tabs are refused', () => {
    expect(noteText().parse('first\r\nsecond\rthird')).toBe('first\nsecond\nthird');
    expect(noteText().safeParse('a\tb').success).toBe(false);
  });

  it('one-line texts refuse line breaks', () => {
    expect(nameText().safeParse('two\nlines').success).toBe(false);
  });

  it('the documented maximum lengths hold', () => {
    expect(nameText().safeParse('x'.repeat(TEXT_LIMITS.name)).success).toBe(true);
    expect(nameText().safeParse('x'.repeat(TEXT_LIMITS.name + 1)).success).toBe(false);
    expect(noteText().safeParse('x'.repeat(TEXT_LIMITS.note + 1)).success).toBe(false);
  });
});

describe('a form can say which rule a text breaks', () => {
  it('names the rule, or nothing for a good text', () => {
    const name = { min: 1, max: TEXT_LIMITS.name };
    expect(textProblem(GOOD_TEXTS.arabic, name)).toBeNull();
    expect(textProblem(BAD_TEXTS.loneHighSurrogate, name)).toBe('malformed');
    expect(textProblem(BAD_TEXTS.escape, name)).toBe('control');
    expect(textProblem(BAD_TEXTS.rightToLeftOverride, name)).toBe('bidi');
    expect(textProblem('   ', name)).toBe('length');
    expect(textProblem('first\r\nsecond', { max: 100, multiline: true })).toBeNull();
  });
  it('agrees with the schema on every fixture', () => {
    for (const t of [...Object.values(GOOD_TEXTS), ...Object.values(BAD_TEXTS), '', ' x ']) {
      expect(textProblem(t, { min: 1, max: TEXT_LIMITS.name }) === null, JSON.stringify(t)).toBe(
        nameText().safeParse(t).success,
      );
    }
  });
});

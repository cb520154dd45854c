import { describe, expect, it } from 'vitest';
import { ErrorCode, type TokenClaims } from '@concord/shared';
import { canTransition, joinRefusal, newSession, participantLabel, siteIdsFor } from './session.js';

const NOW = 1_700_000_000_000;
const session = newSession(
  { id: 'demo', title: 'Joint session', siteNames: ['Daraa', 'Damascus', 'Homs', 'Latakia'] },
  NOW,
);
const claims = (over: Partial<TokenClaims> = {}): TokenClaims => ({
  sub: 'inv_1',
  name: 'Daraa',
  sid: session.id,
  site: session.sites[0]!.id,
  role: 'member',
  iss: 'concord',
  iat: 1,
  exp: 2,
  ...over,
});

describe('sites', () => {
  it('site ids are readable and unique within a session', () => {
    expect(siteIdsFor(['Daraa', 'Homs', 'Homs', 'درعا', 'Deir ez-Zor']).map((s) => s.id)).toEqual([
      'daraa',
      'homs',
      'homs-2',
      'site-4',
      'deir-ez-zor',
    ]);
  });
  it('a new session is scheduled and unlocked', () => {
    expect(session).toMatchObject({ status: 'scheduled', locked: false, createdAt: NOW });
  });
  it('a tile is labelled by site and person', () => {
    expect(participantLabel(session, { siteId: session.sites[2]!.id, displayName: 'Omar' })).toBe('Homs · Omar');
    expect(participantLabel(session, { siteId: null, displayName: 'Operations' })).toBe('Operations');
  });
});

describe('who may join', () => {
  it('a member of a site of the session may join an open session', () => {
    expect(joinRefusal(session, claims(), false)).toBeNull();
  });
  it('an invite naming a site outside the session is refused', () => {
    expect(joinRefusal(session, claims({ site: 'aleppo' as TokenClaims['site'] }), false)).toMatchObject({
      code: ErrorCode.FORBIDDEN,
    });
  });
  it('nobody joins a closed session', () => {
    expect(joinRefusal({ ...session, status: 'closed' }, claims({ role: 'chair' }), true)).toMatchObject({
      code: ErrorCode.SESSION_CLOSED,
    });
  });
  it('a locked session admits only the chair and participants who already had a place', () => {
    const locked = { ...session, locked: true };
    expect(joinRefusal(locked, claims(), false)).toMatchObject({ code: ErrorCode.SESSION_LOCKED });
    expect(joinRefusal(locked, claims(), true)).toBeNull();
    expect(joinRefusal(locked, claims({ role: 'chair', site: null }), false)).toBeNull();
  });
});

describe('session lifecycle', () => {
  it('runs scheduled → open → in progress → adjourned → closed', () => {
    expect(canTransition('scheduled', 'open')).toBe(true);
    expect(canTransition('open', 'in_progress')).toBe(true);
    expect(canTransition('in_progress', 'adjourned')).toBe(true);
    expect(canTransition('adjourned', 'in_progress')).toBe(true);
    expect(canTransition('adjourned', 'closed')).toBe(true);
  });
  it('never leaves closed and never skips back to scheduled', () => {
    expect(canTransition('closed', 'open')).toBe(false);
    expect(canTransition('in_progress', 'scheduled')).toBe(false);
    expect(canTransition('scheduled', 'in_progress')).toBe(false);
  });
});

describe('site ids', () => {
  it('a site named like a property every object has gets a plain id instead', () => {
    expect(siteIdsFor(['Constructor', 'Homs']).map((s) => s.id)).toEqual(['site-1', 'homs']);
  });
});

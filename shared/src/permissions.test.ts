import { describe, expect, it } from 'vitest';
import { ParticipantIdSchema, SiteIdSchema } from './ids.js';
import { holdsFloor, mayUseMic } from './rules.js';
import type { Proceedings } from './proceedings.js';
import { PERMISSIONS, holdsChair, may, type Action } from './permissions.js';
import { ROLES } from './domain.js';
import { grant, requestFloor } from './floor.js';
import { emptyProceedings } from './proceedingsDefaults.js';

const site = (s: string) => SiteIdSchema.parse(s);
const pid = (s: string) => ParticipantIdSchema.parse(s);
const base = emptyProceedings();
const withSpeaker = (forSite: boolean, floorMode = true): Proceedings => {
  const p = { ...base, settings: { ...base.settings, floorMode } };
  return grant(
    requestFloor(p, {
      id: 'r',
      siteId: site('daraa'),
      participantId: pid('amal'),
      displayName: 'Amal',
      forSite,
      type: 'speak',
      requestedAt: 0,
    }),
    null,
    0,
  );
};

describe('who holds the chair', () => {
  it('until someone holds the chair, any chair-role invite does', () => {
    expect(holdsChair(base, 'inv_a', 'chair')).toBe(true);
    expect(holdsChair(base, 'inv_b', 'member')).toBe(false);
  });
  it('once held, only the holder does, whatever the role of others', () => {
    const p = { ...base, chair: { subject: 'inv_vice', displayName: 'Vice-chair' } };
    expect(holdsChair(p, 'inv_vice', 'member')).toBe(true);
    expect(holdsChair(p, 'inv_a', 'chair')).toBe(false);
  });
});

describe('microphones in floor mode', () => {
  const who = (participantId: string, siteId: string | null) => ({
    participantId: pid(participantId),
    siteId: siteId === null ? null : site(siteId),
  });
  it('outside floor mode everyone may speak', () => {
    expect(mayUseMic(withSpeaker(false, false), who('omar', 'homs'), false)).toBe(true);
  });
  it('in floor mode only the site with the floor and the chair may speak', () => {
    const p = withSpeaker(false);
    expect(mayUseMic(p, who('amal', 'daraa'), false)).toBe(true);
    expect(mayUseMic(p, who('rami', 'daraa'), false)).toBe(true);
    expect(mayUseMic(p, who('omar', 'homs'), false)).toBe(false);
    expect(mayUseMic(p, who('chair', null), true)).toBe(true);
  });
  it('in floor mode with nobody on the floor, only the chair may speak', () => {
    const p = { ...base, settings: { ...base.settings, floorMode: true } };
    expect(mayUseMic(p, who('amal', 'daraa'), false)).toBe(false);
    expect(mayUseMic(p, who('chair', null), true)).toBe(true);
  });
  it('the cut-off silences the person who asked, or the whole site when the site asked', () => {
    expect(holdsFloor(withSpeaker(false), who('rami', 'daraa'))).toBe(false);
    expect(holdsFloor(withSpeaker(false), who('amal', 'daraa'))).toBe(true);
    expect(holdsFloor(withSpeaker(true), who('rami', 'daraa'))).toBe(true);
    expect(holdsFloor(withSpeaker(true), who('omar', 'homs'))).toBe(false);
  });
});

describe('who may do what', () => {
  const member = { role: 'member' as const, isChair: false };
  const chair = { role: 'member' as const, isChair: true };
  it('a member cannot advance the agenda, run the floor or moderate; whoever holds the chair can', () => {
    for (const action of ['agenda.edit', 'agenda.run', 'floor.run', 'moderate', 'issue.triage'] as Action[]) {
      expect(may(member, action), action).toBe(false);
      expect(may(chair, action), action).toBe(true);
      expect(may({ role: 'chair', isChair: false }, action), `${action} by a chair-role invite not holding it`).toBe(
        false,
      );
    }
  });
  it('only commanders decide issues; the chair may close them; only members raise them', () => {
    expect(may({ role: 'commander', isChair: false }, 'issue.decide')).toBe(true);
    expect(may(chair, 'issue.decide')).toBe(false);
    expect(may(chair, 'issue.close')).toBe(true);
    expect(may(member, 'issue.raise')).toBe(true);
    expect(may({ role: 'commander', isChair: false }, 'issue.raise')).toBe(false);
  });
  it('observers only read and listen; interpreters publish a microphone only', () => {
    const observer = { role: 'observer' as const, isChair: false };
    const interpreter = { role: 'interpreter' as const, isChair: false };
    const allowed = (who: typeof observer | typeof interpreter) =>
      (Object.keys(PERMISSIONS) as Action[]).filter((a) => may(who, a)).sort();
    expect(allowed(observer)).toEqual(['listen', 'read', 'report']);
    expect(may(interpreter, 'publish.mic')).toBe(true);
    expect(may(interpreter, 'publish.camera')).toBe(false);
  });
  it('every role may read the session', () => {
    for (const role of ROLES) {
      expect(may({ role, isChair: false }, 'read'), role).toBe(true);
    }
  });
});

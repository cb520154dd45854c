import { describe, expect, it } from 'vitest';
import {
  FloorRequestIdSchema,
  ParticipantIdSchema,
  SiteIdSchema,
  cutOff,
  emptyProceedings,
  endTurn,
  grant,
  requestFloor,
  type FloorRequest,
  type Proceedings,
} from '@concord/shared';
import { floorGiven } from './floorSync';

const T0 = 1_900_000_000_000;
const daraa = SiteIdSchema.parse('daraa');
const homs = SiteIdSchema.parse('homs');
const amal = { id: ParticipantIdSchema.parse('amal'), siteId: daraa };
const rana = { id: ParticipantIdSchema.parse('rana'), siteId: daraa };
const omar = { id: ParticipantIdSchema.parse('omar'), siteId: homs };

const request = (id: string, who: typeof amal, forSite = false): FloorRequest => ({
  id: FloorRequestIdSchema.parse(id),
  siteId: who.siteId,
  participantId: who.id,
  displayName: who.id,
  forSite,
  type: 'speak',
  requestedAt: T0,
});

const queued = (...requests: FloorRequest[]): Proceedings =>
  requests.reduce((p, r) => requestFloor(p, r), emptyProceedings());

describe('the floor given to this participant', () => {
  it('is given when the chair grants our request, not when it grants another', () => {
    const before = queued(request('fr_1', amal), request('fr_2', omar));
    const after = grant(before, 'fr_1', T0);
    expect(floorGiven(before, after, amal)).toBe(true);
    expect(floorGiven(before, after, omar)).toBe(false);
  });

  it("is given to everyone at a site when the site's request is granted", () => {
    const before = queued(request('fr_1', amal, true));
    const after = grant(before, 'fr_1', T0);
    expect(floorGiven(before, after, rana)).toBe(true);
    expect(floorGiven(before, after, omar)).toBe(false);
  });

  it('is given by auto-advance when the speaker before us is cut off', () => {
    const granted = grant(queued(request('fr_1', omar), request('fr_2', amal)), 'fr_1', T0);
    const before = { ...granted, settings: { ...granted.settings, autoAdvance: true } };
    const after = cutOff(before, T0 + 60_000, T0 + 60_000);
    expect(after.speaker?.request.participantId).toBe(amal.id);
    expect(floorGiven(before, after, amal)).toBe(true);
    expect(floorGiven(before, after, omar)).toBe(false);
  });

  it('is not given again by a change that leaves us speaking, nor by the end of our turn', () => {
    const speaking = grant(queued(request('fr_1', amal)), 'fr_1', T0);
    expect(floorGiven(speaking, { ...speaking, version: speaking.version + 1 }, amal)).toBe(false);
    expect(floorGiven(speaking, endTurn(speaking, T0 + 5_000), amal)).toBe(false);
  });
});

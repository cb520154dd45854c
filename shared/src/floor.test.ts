import { describe, expect, it } from 'vitest';
import {
  AgendaItemIdSchema,
  ParticipantIdSchema,
  SiteIdSchema,
  type FloorRequest,
  type FloorRequestType,
  type Proceedings,
} from './index.js';
import { speakerRemainingMs as remainingMs } from './index.js';
import { cutOffAt, extend, grant, moveRequest, removeRequest, requestFloor, tick } from './floor.js';
import { addItem, startItem } from './agenda.js';
import { emptyProceedings } from './proceedingsDefaults.js';

let n = 0;
const req = (site: string, type: FloorRequestType = 'speak', person = `${site}-1`, forSite = false): FloorRequest => ({
  id: `r${++n}`,
  siteId: SiteIdSchema.parse(site),
  participantId: ParticipantIdSchema.parse(person),
  displayName: person,
  forSite,
  type,
  requestedAt: n,
});
const sites = (p: Proceedings) => p.queue.map((q) => q.siteId);
const withRequests = (p: Proceedings, ...rs: FloorRequest[]) => rs.reduce(requestFloor, p);
const fifo = emptyProceedings({
  fairness: 'fifo',
  floorMode: false,
  autoAdvance: false,
  defaultSpeakingSec: 60,
  graceSec: 10,
});
const alternate = { ...fifo, settings: { ...fifo.settings, fairness: 'alternate-sites' as const } };

describe('queue order', () => {
  it('fifo keeps arrival order', () => {
    const p = withRequests(fifo, req('daraa'), req('daraa', 'speak', 'daraa-2'), req('homs'));
    expect(sites(p)).toEqual(['daraa', 'daraa', 'homs']);
  });

  it('alternate-sites: no site gets a second turn while another site waits for its first', () => {
    const p = withRequests(
      alternate,
      req('daraa'),
      req('daraa', 'speak', 'daraa-2'),
      req('homs'),
      req('latakia'),
      req('homs', 'speak', 'homs-2'),
    );
    expect(sites(p)).toEqual(['daraa', 'homs', 'latakia', 'daraa', 'homs']);
  });

  it('alternate-sites counts turns already taken in the current item', () => {
    let p = withRequests(alternate, req('daraa'));
    p = grant(p, null, 0); // Daraa has had a turn
    p = withRequests(p, req('daraa', 'speak', 'daraa-2'), req('homs'));
    expect(sites(p)).toEqual(['homs', 'daraa']);
  });

  it('points of order go first, in their own arrival order, under both rules', () => {
    for (const base of [fifo, alternate]) {
      const p = withRequests(
        base,
        req('daraa'),
        req('homs'),
        req('latakia', 'point_of_order'),
        req('damascus', 'point_of_order'),
      );
      expect(p.queue.map((q) => `${q.siteId}:${q.type}`).slice(0, 2)).toEqual([
        'latakia:point_of_order',
        'damascus:point_of_order',
      ]);
    }
  });

  it('a person cannot queue twice for the same kind of request; a site request is one per site', () => {
    const p = withRequests(fifo, req('daraa', 'speak', 'daraa-1'));
    expect(() => requestFloor(p, req('daraa', 'speak', 'daraa-1'))).toThrow(/already/);
    const s = withRequests(fifo, req('homs', 'speak', 'homs-1', true));
    expect(() => requestFloor(s, req('homs', 'speak', 'homs-2', true))).toThrow(/site already/);
  });

  it('a reply needs a current speaker', () => {
    expect(() => requestFloor(fifo, req('homs', 'reply'))).toThrow(/no speaker/);
  });

  it('the chair can move and remove requests', () => {
    const p = withRequests(fifo, req('daraa'), req('homs'), req('latakia'));
    const latakia = p.queue[2]!.id;
    expect(sites(moveRequest(p, latakia, 0))).toEqual(['latakia', 'daraa', 'homs']);
    expect(sites(removeRequest(p, latakia))).toEqual(['daraa', 'homs']);
    expect(() => removeRequest(p, 'nope')).toThrow(/not found/);
  });

  it("a new request lands after the chair's moves, not before them", () => {
    let p = withRequests(fifo, req('daraa'), req('homs'));
    p = moveRequest(p, p.queue[1]!.id, 0);
    p = withRequests(p, req('latakia'));
    expect(sites(p)).toEqual(['homs', 'daraa', 'latakia']);
  });
});

describe('countdown, grace and cut-off', () => {
  const T0 = 1_000_000;
  const granted = () => grant(withRequests(fifo, req('daraa'), req('homs')), null, T0);

  it('a turn lasts the session default unless the current item sets its own', () => {
    expect(granted().speaker?.allottedMs).toBe(60_000);
    const id = AgendaItemIdSchema.parse('item-1');
    let p = addItem(fifo, id, {
      title: 'Detainees',
      description: '',
      presentingSiteId: null,
      allotmentSec: 600,
      speakingTimeSec: 120,
    });
    p = startItem(p, id, T0);
    p = grant(withRequests(p, req('daraa')), null, T0);
    expect(p.speaker?.allottedMs).toBe(120_000);
  });

  it('the remaining time counts down and goes negative in the grace period', () => {
    const p = granted();
    expect(remainingMs(p.speaker!, T0 + 15_000)).toBe(45_000);
    expect(remainingMs(p.speaker!, T0 + 65_000)).toBe(-5_000);
  });

  it('nothing happens before time plus grace has run out', () => {
    const p = granted();
    expect(tick(p, T0 + 69_999).outcome).toEqual({ kind: 'none' });
  });

  it('the speaker is cut off at time plus grace, the floor is free, and the time spoken is credited', () => {
    const p = granted();
    expect(cutOffAt(p)).toBe(T0 + 70_000);
    const { proceedings, outcome } = tick(p, T0 + 72_000);
    expect(outcome).toMatchObject({ kind: 'cut_off', participantId: 'daraa-1', next: null });
    expect(proceedings.speaker).toBeNull();
    expect(proceedings.lastCutOff).toEqual({ participantId: 'daraa-1', at: T0 + 70_000 });
    expect(proceedings.speakingTime.bySite['daraa']).toBe(70_000);
    expect(proceedings.speakingTime.byParticipant['daraa-1']).toBe(70_000);
    expect(proceedings.queue).toHaveLength(1); // Homs still waits: auto-advance is off
  });

  it('with auto-advance the next request is granted at the cut-off', () => {
    const p = { ...granted(), settings: { ...fifo.settings, autoAdvance: true } };
    const { proceedings, outcome } = tick(p, T0 + 70_000);
    expect(outcome).toMatchObject({ kind: 'cut_off', next: { siteId: 'homs' } });
    expect(proceedings.speaker?.request.siteId).toBe('homs');
    expect(proceedings.speaker?.startedAt).toBe(T0 + 70_000);
  });

  it('the chair can extend a turn, which moves the cut-off', () => {
    const p = extend(granted(), 30);
    expect(cutOffAt(p)).toBe(T0 + 100_000);
    expect(tick(p, T0 + 80_000).outcome.kind).toBe('none');
  });

  it('granting the next speaker ends the current turn and credits it', () => {
    const p = grant(granted(), null, T0 + 20_000);
    expect(p.speaker?.request.siteId).toBe('homs');
    expect(p.speakingTime.bySite['daraa']).toBe(20_000);
    expect(p.turns).toEqual({ daraa: 1, homs: 1 });
  });
});

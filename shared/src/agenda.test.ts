import { describe, expect, it } from 'vitest';
import { AgendaItemIdSchema, ParticipantIdSchema, SiteIdSchema, itemRemainingMs, type Proceedings } from './index.js';
import { addItem, deleteItem, editItem, finishItem, reorder, startItem } from './agenda.js';
import { grant, requestFloor } from './floor.js';
import { emptyProceedings } from './proceedingsDefaults.js';

const id = (s: string) => AgendaItemIdSchema.parse(s);
const fields = (title: string, allotmentSec = 600) => ({
  title,
  description: '',
  presentingSiteId: null,
  allotmentSec,
  speakingTimeSec: null,
});
const T0 = 5_000_000;
const withItems = (): Proceedings =>
  addItem(
    addItem(addItem(emptyProceedings(), id('a'), fields('Ceasefire')), id('b'), fields('Detainees')),
    id('c'),
    fields('Returns'),
  );

describe('agenda editing', () => {
  it('items are added in order, or at a chosen place', () => {
    expect(withItems().agenda.map((i) => i.title)).toEqual(['Ceasefire', 'Detainees', 'Returns']);
    expect(addItem(withItems(), id('d'), fields('Services'), 0).agenda[0]?.title).toBe('Services');
  });
  it('an item is edited in place', () => {
    const p = editItem(withItems(), id('b'), {
      title: 'Detainees and missing persons',
      presentingSiteId: SiteIdSchema.parse('homs'),
    });
    expect(p.agenda[1]).toMatchObject({
      title: 'Detainees and missing persons',
      presentingSiteId: 'homs',
      status: 'pending',
    });
  });
  it('reordering must list every item exactly once', () => {
    expect(reorder(withItems(), [id('c'), id('a'), id('b')]).agenda.map((i) => i.id)).toEqual(['c', 'a', 'b']);
    expect(() => reorder(withItems(), [id('c'), id('a')])).toThrow(/every agenda item/);
    expect(() => reorder(withItems(), [id('c'), id('a'), id('a')])).toThrow(/every agenda item/);
  });
  it('the current item cannot be deleted; others can', () => {
    const p = startItem(withItems(), id('a'), T0);
    expect(() => deleteItem(p, id('a'))).toThrow(/current item/);
    expect(deleteItem(p, id('b')).agenda.map((i) => i.id)).toEqual(['a', 'c']);
  });
});

describe('running the agenda', () => {
  it('starting an item makes it current and starts its timer', () => {
    const p = startItem(withItems(), id('b'), T0);
    expect(p.currentItemId).toBe('b');
    expect(p.agenda[1]).toMatchObject({ status: 'active', startedAt: T0 });
    expect(itemRemainingMs(p.agenda[1]!, T0 + 60_000)).toBe(540_000);
  });
  it('starting another item pauses the first and keeps its elapsed time', () => {
    const p = startItem(startItem(withItems(), id('a'), T0), id('b'), T0 + 120_000);
    expect(p.agenda[0]).toMatchObject({ status: 'pending', startedAt: null, elapsedMs: 120_000 });
    const back = startItem(p, id('a'), T0 + 200_000);
    expect(itemRemainingMs(back.agenda[0]!, T0 + 260_000)).toBe(600_000 - 180_000);
  });
  it('starting an item ends the previous speaker and clears the queue', () => {
    let p = startItem(withItems(), id('a'), T0);
    const req = {
      id: 'r1',
      siteId: SiteIdSchema.parse('daraa'),
      participantId: ParticipantIdSchema.parse('p1'),
      displayName: 'Amal',
      forSite: false,
      type: 'speak' as const,
      requestedAt: T0,
    };
    p = grant(requestFloor(p, req), null, T0 + 1_000);
    p = startItem(p, id('b'), T0 + 31_000);
    expect(p.speaker).toBeNull();
    expect(p.queue).toEqual([]);
    expect(p.speakingTime.bySite['daraa']).toBe(30_000);
  });
  it('an item is marked done or deferred with its outcome; a done item cannot be restarted', () => {
    let p = startItem(withItems(), id('a'), T0);
    p = finishItem(p, id('a'), 'done', 'Ceasefire monitoring extended by 30 days', T0 + 300_000);
    expect(p.currentItemId).toBeNull();
    expect(p.agenda[0]).toMatchObject({
      status: 'done',
      outcome: 'Ceasefire monitoring extended by 30 days',
      elapsedMs: 300_000,
    });
    expect(() => startItem(p, id('a'), T0)).toThrow(/already done/);
    expect(finishItem(p, id('c'), 'deferred', 'Next session', T0).agenda[2]?.status).toBe('deferred');
  });
  it('an item over its allotment shows negative remaining time', () => {
    const p = startItem(withItems(), id('a'), T0);
    expect(itemRemainingMs(p.agenda[0]!, T0 + 660_000)).toBe(-60_000);
  });
});

import { describe, expect, it } from 'vitest';
import type { Alarm, LogEntry } from '@concord/shared';
import { T0, daraa, person } from '@concord/shared/testing';
import type { SyncContext } from '../context';
import { Store } from '../store';
import { initialViewState, type ViewState } from '../viewState';
import { HealthSync } from './healthSync';

function chairSync() {
  const chair: ViewState = {
    ...initialViewState({ micEnabled: false, cameraEnabled: false, unmuteOnFloor: false }),
    self: person('chair', null, 'chair'),
    isChair: true,
  };
  const store = new Store<ViewState>(chair);
  let id = 0;
  const ctx: SyncContext = {
    store,
    send: () => Promise.reject(new Error('not in this test')),
    ended: () => false,
    isServed: () => false,
    notice: () => undefined,
    nextId: () => ++id,
  };
  const sync = new HealthSync(ctx);
  let seq = 0;
  const apply = (type: 'alarm.raised' | 'alarm.cleared', alarm: Alarm) => {
    const entry = {
      seq: ++seq,
      at: T0 + seq,
      actor: { kind: 'system', component: 'health' },
      type,
      payload: { alarm },
      hash: '0'.repeat(64),
    } as const satisfies LogEntry;
    sync.recordChanged({ before: store.get(), after: store.get(), entry });
  };
  return { store, apply };
}

const alarm = (id: string, level: Alarm['level'], clearedAt: number | null = null): Alarm => ({
  id,
  siteId: daraa,
  siteName: 'Daraa',
  level,
  reasons: level === 'down' ? ['no_media', 'no_heartbeat'] : ['rtt'],
  raisedAt: T0,
  clearedAt,
});

describe("the chair's notices of site alarms", () => {
  it('a site that goes down gives the chair one notice, which goes when the site is back', () => {
    const { store, apply } = chairSync();
    apply('alarm.raised', alarm('a1', 'down'));
    expect(store.get().alarmNotice?.alarm).toMatchObject({ id: 'a1', level: 'down' });
    apply('alarm.cleared', alarm('a1', 'down', T0 + 9_000));
    expect(store.get().alarmNotice).toBeNull();
  });

  it('a degraded site gives the chair no notice (its chip changes colour)', () => {
    const { store, apply } = chairSync();
    apply('alarm.raised', alarm('a1', 'degraded'));
    expect(store.get().alarmNotice).toBeNull();
  });

  it("another alarm's clearing leaves the notice of a site still down", () => {
    const { store, apply } = chairSync();
    apply('alarm.raised', alarm('a1', 'down'));
    apply('alarm.cleared', alarm('a0', 'degraded', T0 + 1));
    expect(store.get().alarmNotice?.alarm.id).toBe('a1');
  });
});

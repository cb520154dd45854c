import { describe, expect, it } from 'vitest';
import {
  replay,
  type LogActor,
  type LogChange,
  type LogEntry,
  type Participant,
  type RequestName,
  type RequestPayload,
  type RequestReply,
  type SessionJoined,
  type SessionState,
} from '@concord/shared';
import { T0, daraa, homs, person, sessionFixture } from '@concord/shared/testing';
import type { RecordChange, SyncContext } from './context';
import { LogSync } from './logSync';
import type { Send } from './send';
import { Store } from './store';
import { initialViewState } from './viewState';

const session = sessionFixture;
const chair = person('chair', null, 'chair');
const amal = person('amal', daraa);
const omar = person('omar', homs);
const system: LogActor = { kind: 'system', component: 'presence' };

const entry = (seq: number, change: LogChange): LogEntry => ({
  ...change,
  seq,
  at: T0 + seq * 1_000,
  actor: system,
  hash: `hash-${seq}`,
});

/** The log up to our join: seq 1..4. */
const HISTORY: LogChange[] = [
  { type: 'session.created', payload: { session } },
  { type: 'participant.joined', payload: { participant: chair, subject: 'inv_chair', node: 'n1' } },
  { type: 'chair.taken', payload: { subject: 'inv_chair', displayName: 'Chair' } },
  { type: 'participant.joined', payload: { participant: amal, subject: 'inv_amal', node: 'n1' } },
];
const joined = (p: Participant, subject: string): LogChange => ({
  type: 'participant.joined',
  payload: { participant: p, subject, node: 'n1' },
});
const locked = (value: boolean): LogChange => ({ type: 'session.locked', payload: { locked: value } });

function stateOf(changes: LogChange[]): SessionState {
  const state = replay(changes.map((c, i) => entry(i + 1, c)));
  if (state === null) {
    throw new Error('an empty log');
  }
  return state;
}

function snapshotOf(changes: LogChange[]): SessionJoined {
  return {
    state: stateOf(changes),
    seq: changes.length,
    hash: `hash-${changes.length}`,
    self: amal,
    subject: 'inv_amal',
    producers: [],
    activeSpeaker: null,
    serverNow: T0,
    mediaResumed: false,
  };
}

type Handlers = { [E in RequestName]?: (payload: RequestPayload<E>) => Promise<RequestReply<E>> };

/** A participation's context with the server played by `handlers`; every request is recorded. */
function harness(handlers: Handlers) {
  const sent: { event: RequestName; payload: unknown }[] = [];
  const send: Send = <E extends RequestName>(event: E, payload: RequestPayload<E>) => {
    sent.push({ event, payload });
    const handler = handlers[event];
    return handler ? handler(payload) : Promise.reject(new Error(`no handler for ${event}`));
  };
  const store = new Store(initialViewState({ micEnabled: false, cameraEnabled: false, unmuteOnFloor: true }));
  const ctx: SyncContext = {
    store,
    send,
    ended: () => false,
    isServed: () => true,
    notice: () => {},
    nextId: () => 1,
  };
  const sync = new LogSync(ctx, () => true);
  const changes: RecordChange[] = [];
  sync.follow({ recordChanged: (c) => changes.push(c) });
  return { sync, store, sent, changes };
}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe("the client's record of the session", () => {
  it('starts from the join snapshot and applies each entry in log order', async () => {
    const { sync, store } = harness({ 'session:join': () => Promise.resolve(snapshotOf(HISTORY)) });
    await sync.join({ displayName: 'Amal', instanceId: 'tab-1' });
    expect(store.get().phase).toBe('joined');
    expect([...store.get().participants.keys()].sort()).toEqual(['amal', 'chair']);
    sync.receive(entry(5, joined(omar, 'inv_omar')));
    expect(store.get().participants.has(omar.id)).toBe(true);
    expect(store.get().record?.participants[omar.id]).toEqual(omar);
  });

  it('applies entries that came during the join after its snapshot, dropping those it includes', async () => {
    let answer: (s: SessionJoined) => void = () => {};
    const { sync, store, changes } = harness({
      'session:join': () => new Promise<SessionJoined>((resolve) => (answer = resolve)),
    });
    const joining = sync.join({ displayName: 'Amal', instanceId: 'tab-1' });
    sync.receive(entry(4, HISTORY[3] ?? locked(true)));
    sync.receive(entry(6, locked(true)));
    sync.receive(entry(5, joined(omar, 'inv_omar')));
    expect(store.get().record).toBeNull();
    answer(snapshotOf(HISTORY));
    await joining;
    expect(changes.map((c) => c.entry?.seq ?? 'snapshot')).toEqual(['snapshot', 5, 6]);
    expect(store.get().session?.locked).toBe(true);
    expect(sync.seq).toBe(6);
  });

  it('asks for the missing entries once for a hole, however many entries arrive meanwhile', async () => {
    let answer: (r: RequestReply<'session:since'>) => void = () => {};
    const { sync, store, sent } = harness({
      'session:join': () => Promise.resolve(snapshotOf(HISTORY)),
      'session:since': () => new Promise((resolve) => (answer = resolve)),
    });
    await sync.join({ displayName: 'Amal', instanceId: 'tab-1' });
    sync.receive(entry(6, locked(true)));
    sync.receive(entry(7, locked(false)));
    sync.receive(entry(8, locked(true)));
    expect(sent.filter((r) => r.event === 'session:since')).toEqual([
      { event: 'session:since', payload: { after: 4 } },
    ]);
    expect(store.get().participants.has(omar.id)).toBe(false);
    answer({ entries: [entry(5, joined(omar, 'inv_omar')), entry(6, locked(true))], head: 8, serverNow: Date.now() });
    await settle();
    expect(sync.seq).toBe(8);
    expect(store.get().participants.has(omar.id)).toBe(true);
    expect(store.get().session?.locked).toBe(true);
    expect(sent.filter((r) => r.event === 'session:since')).toHaveLength(1);
  });

  it('takes a snapshot when it is too far behind for the log to catch it up', async () => {
    const later = [...HISTORY, joined(omar, 'inv_omar'), locked(true), locked(false)];
    const { sync, store, sent, changes } = harness({
      'session:join': () => Promise.resolve(snapshotOf(HISTORY)),
      'session:since': () => Promise.resolve({ entries: null, head: 7, serverNow: Date.now() }),
      'session:snapshot': () => Promise.resolve(snapshotOf(later)),
    });
    await sync.join({ displayName: 'Amal', instanceId: 'tab-1' });
    sync.receive(entry(8, locked(true)));
    await settle();
    expect(sent.map((r) => r.event)).toEqual(['session:join', 'session:since', 'session:snapshot']);
    expect(sync.seq).toBe(8);
    expect(store.get().participants.has(omar.id)).toBe(true);
    expect(store.get().session?.locked).toBe(true);
    expect(changes.map((c) => c.entry?.seq ?? 'snapshot')).toEqual(['snapshot', 'snapshot', 8]);
  });

  it('knows who holds the chair, also after it is handed over, and shows the lobby to the chair only', async () => {
    const { sync, store } = harness({ 'session:join': () => Promise.resolve(snapshotOf(HISTORY)) });
    await sync.join({ displayName: 'Amal', instanceId: 'tab-1' });
    sync.receive(entry(5, { type: 'lobby.waiting', payload: { participant: omar } }));
    expect(store.get().isChair).toBe(false);
    expect(store.get().lobby).toEqual([]);
    sync.receive(
      entry(6, {
        type: 'chair.handedOver',
        payload: { subject: 'inv_amal', displayName: 'amal', participantId: amal.id },
      }),
    );
    expect(store.get().isChair).toBe(true);
    expect(store.get().lobby).toEqual([omar]);
  });

  it("follows our site's media mode from the snapshot and from entries", async () => {
    const low: LogChange = { type: 'media.mode', payload: { siteId: daraa, mode: 'low', by: 'operator' } };
    const { sync, store } = harness({ 'session:join': () => Promise.resolve(snapshotOf([...HISTORY, low])) });
    await sync.join({ displayName: 'Amal', instanceId: 'tab-1' });
    expect(store.get().mediaMode).toEqual({ mode: 'low', by: 'operator' });
    sync.receive(entry(6, { type: 'media.mode', payload: { siteId: homs, mode: 'audio-only', by: 'auto' } }));
    expect(store.get().mediaMode.mode).toBe('low');
    sync.receive(entry(7, { type: 'media.mode', payload: { siteId: daraa, mode: 'audio-only', by: 'auto' } }));
    expect(store.get().mediaMode).toEqual({ mode: 'audio-only', by: 'auto' });
  });
});

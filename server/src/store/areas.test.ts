import { describe, expect, it } from 'vitest';
import {
  ParticipantIdSchema,
  SessionIdSchema,
  SessionStateSchema,
  SiteIdSchema,
  applyEntry,
  type LogChange,
  type SessionState,
} from '@concord/shared';
import { AREAS, diffState, stateFromAreas, type StateOp } from './areas.js';

type Stored = Record<string, string | Record<string, string>>;

/** What Redis would hold after the ops (the same meaning as the append script gives them). */
function applyOps(stored: Stored, ops: StateOp[]): Stored {
  const next: Stored = structuredClone(stored);
  for (const op of ops) {
    switch (op.op) {
      case 'set':
        next[op.area] = op.value;
        break;
      case 'del':
        delete next[op.area];
        break;
      case 'hset':
        next[op.area] = { ...(next[op.area] as Record<string, string> | undefined), [op.field]: op.value };
        break;
      case 'hdel': {
        const { [op.field]: _gone, ...rest } = (next[op.area] as Record<string, string> | undefined) ?? {};
        next[op.area] = rest;
        break;
      }
    }
  }
  return next;
}

const at = (seq: number, change: LogChange) => ({ ...change, seq, at: 1000 * seq, actor: { kind: 'admin' as const } });
const daraa = SiteIdSchema.parse('daraa');
const created = applyEntry(
  null,
  at(1, {
    type: 'session.created',
    payload: {
      session: {
        id: SessionIdSchema.parse('s'),
        title: 'S',
        status: 'scheduled',
        sites: [{ id: daraa, name: 'Daraa' }],
        locked: false,
        lobby: false,
        createdAt: 1,
      },
    },
  }),
);

describe('the state areas in Redis', () => {
  it('every area of the state is stored', () => {
    expect(AREAS.map((a) => a.name).sort()).toEqual(Object.keys(created).sort());
  });

  it('a new session writes every area, clearing what an older session of that id left', () => {
    const ops = diffState(null, created);
    expect(
      ops
        .filter((o) => o.op === 'del')
        .map((o) => o.area)
        .sort(),
    ).toEqual(
      AREAS.filter((a) => a.kind === 'map')
        .map((a) => a.name)
        .sort(),
    );
    const stored = applyOps({ participants: { stale: '{}' } }, ops);
    expect(SessionStateSchema.parse(stateFromAreas(stored))).toEqual(created);
  });

  it('a change writes only the fields it changed, and the stored state reads back equal', () => {
    let state: SessionState = created;
    let stored = applyOps({}, diffState(null, state));
    const amal = ParticipantIdSchema.parse('amal');
    const steps: LogChange[] = [
      {
        type: 'participant.joined',
        payload: {
          participant: {
            id: amal,
            sessionId: state.session.id,
            siteId: daraa,
            displayName: 'Amal',
            role: 'member',
            connection: 'connected',
            joinedAt: 2,
          },
          subject: 'inv_a',
          node: 'n1',
        },
      },
      { type: 'participant.dropped', payload: { participantId: amal } },
      { type: 'participant.left', payload: { participantId: amal, reason: 'timeout' } },
    ];
    steps.forEach((change, i) => {
      const next = applyEntry(state, at(i + 2, change));
      const ops = diffState(state, next);
      if (change.type === 'participant.dropped') {
        // The participant's own field, and its presence: nothing else.
        expect(ops).toEqual([
          { op: 'hset', area: 'participants', field: amal, value: JSON.stringify(next.participants[amal]) },
          { op: 'hdel', area: 'presence', field: amal },
        ]);
      }
      stored = applyOps(stored, ops);
      state = next;
      expect(SessionStateSchema.parse(stateFromAreas(stored))).toEqual(state);
    });
  });
});

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HEALTH_THRESHOLDS,
  initialState,
  type ClientStats,
  type Participant,
  type ServerHealth,
  type SessionState,
} from '@concord/shared';
import { T0, daraa, homs, person, sessionFixture } from '@concord/shared/testing';
import { computeBoard, type PeerSample, type Signals } from './board.js';

const NOW = T0;
const server: ServerHealth = {
  workers: [],
  counts: { sessions: 1, rooms: 1, participants: 0, transports: 0, producers: 0, consumers: 0 },
  eventLoopLagMs: 0,
  redisRttMs: 1,
};

function state(people: Participant[]): SessionState {
  return {
    ...initialState(sessionFixture),
    participants: Object.fromEntries(people.map((p) => [p.id, p])),
  };
}
const member = (id: string, siteId: typeof daraa, connection: Participant['connection'] = 'connected') => ({
  ...person(id, siteId),
  connection,
});
const signals = (over: Partial<Signals> = {}): Signals => ({
  everConnected: new Set(['daraa', 'homs']),
  heartbeats: new Map(),
  clientStats: new Map(),
  lastMedia: new Map(),
  lastHeard: new Map(),
  ...over,
});
const report = (over: Partial<ClientStats>): ClientStats => ({
  outboundBitrate: 800_000,
  availableOutgoingBitrate: null,
  qualityLimitationReason: 'none',
  roundTripTimeMs: 50,
  framesDecoded: null,
  framesDropped: null,
  inboundLossPct: 0,
  ...over,
});
const sample = (over: Partial<PeerSample>): PeerSample => ({
  participantId: 'x',
  uplinkBitrate: 1_000_000,
  lossPct: 0,
  jitterMs: 3,
  rttMs: 40,
  score: 10,
  iceState: 'completed',
  dtlsState: 'connected',
  ...over,
});

describe('the operators board, computed from what was measured', () => {
  it('a site with recent media and heartbeats is ok, with the figures of its participants', () => {
    const board = computeBoard({
      state: state([member('amal', daraa)]),
      signals: signals({
        heartbeats: new Map([['amal', NOW - 1000]]),
        lastMedia: new Map([['daraa', NOW - 500]]),
        lastHeard: new Map([['daraa', NOW - 200]]),
      }),
      media: new Map([['amal', sample({ participantId: 'amal', uplinkBitrate: 1_200_000 })]]),
      server,
      thresholds: DEFAULT_HEALTH_THRESHOLDS,
      now: NOW,
    });
    const d = board.sites.find((s) => s.siteId === 'daraa');
    expect(d).toMatchObject({ status: 'ok', uplinkBitrate: 1_200_000, lastHeardAt: NOW - 200, mediaMode: 'full' });
    expect(d?.participants.map((p) => p.participantId)).toEqual(['amal']);
  });

  it('the worse of the server and the client view counts: a client reporting heavy loss makes its site degraded', () => {
    const board = computeBoard({
      state: state([member('omar', homs)]),
      signals: signals({
        heartbeats: new Map([['omar', NOW - 100]]),
        clientStats: new Map([['omar', report({ inboundLossPct: 12, roundTripTimeMs: 600 })]]),
      }),
      media: new Map([['omar', sample({ participantId: 'omar', lossPct: 1, rttMs: 60 })]]),
      server,
      thresholds: DEFAULT_HEALTH_THRESHOLDS,
      now: NOW,
    });
    expect(board.sites.find((s) => s.siteId === 'homs')).toMatchObject({
      status: 'degraded',
      reasons: ['loss', 'rtt'],
      lossPct: 12,
      rttMs: 600,
    });
  });

  it('a site silent for longer than the threshold is down; one that never connected says so', () => {
    const board = computeBoard({
      state: state([member('amal', daraa, 'reconnecting')]),
      signals: signals({
        everConnected: new Set(['daraa']),
        heartbeats: new Map([['amal', NOW - 6000]]),
        clientStats: new Map([['amal', report({})]]),
      }),
      media: new Map(),
      server,
      thresholds: DEFAULT_HEALTH_THRESHOLDS,
      now: NOW,
    });
    const [d, h] = board.sites;
    expect(d).toMatchObject({ status: 'down', reasons: ['no_media', 'no_heartbeat'] });
    // A participant who dropped keeps its place, but its last report no longer describes the link.
    expect(d?.participants[0]?.client).toBeNull();
    expect(h).toMatchObject({ status: 'down', reasons: ['never_connected'] });
  });

  it('open alarms, media modes and the automatic policy come from the session state', () => {
    const s = state([]);
    const withModes: SessionState = {
      ...s,
      mediaModes: { homs: { mode: 'low', by: 'auto' } },
      autoPolicy: true,
      alarms: {
        homs: {
          id: 'a',
          siteId: homs,
          siteName: 'Homs',
          level: 'degraded',
          reasons: ['loss'],
          raisedAt: NOW,
          clearedAt: null,
        },
      },
    };
    const board = computeBoard({
      state: withModes,
      signals: signals(),
      media: new Map(),
      server,
      thresholds: DEFAULT_HEALTH_THRESHOLDS,
      now: NOW,
    });
    expect(board.autoPolicy).toBe(true);
    expect(board.alarms.map((a) => a.id)).toEqual(['a']);
    expect(board.sites.find((x) => x.siteId === 'homs')).toMatchObject({ mediaMode: 'low', mediaModeBy: 'auto' });
  });
});

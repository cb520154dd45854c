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
import { computeBoard, type BoardInput, type PeerSample, type Signals } from './board.js';

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
    const { update: board } = computeBoard({
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

  it('the worse of the server and the client view counts: a client reporting heavy loss makes its site degraded once it lasts', () => {
    const input = (now: number): BoardInput => ({
      state: state([member('omar', homs)]),
      signals: signals({
        heartbeats: new Map([['omar', now - 100]]),
        clientStats: new Map([['omar', report({ inboundLossPct: 12, roundTripTimeMs: 600 })]]),
      }),
      media: new Map([['omar', sample({ participantId: 'omar', lossPct: 1, rttMs: 60 })]]),
      server,
      thresholds: DEFAULT_HEALTH_THRESHOLDS,
      now,
    });
    const first = computeBoard(input(NOW));
    expect(first.update.sites.find((s) => s.siteId === 'homs')).toMatchObject({
      status: 'ok',
      lossPct: 12,
      rttMs: 600,
    });
    const later = NOW + DEFAULT_HEALTH_THRESHOLDS.degradedAfterMs;
    const board = computeBoard({ ...input(later), tracks: first.tracks }).update;
    expect(board.sites.find((s) => s.siteId === 'homs')).toMatchObject({
      status: 'degraded',
      reasons: ['loss', 'rtt'],
      lossPct: 12,
      rttMs: 600,
    });
  });

  it("a site is up while any of its participants is: one silent laptop does not take Daraa's room down", () => {
    const { update } = computeBoard({
      state: state([member('room', daraa), member('laptop', daraa)]),
      signals: signals({
        heartbeats: new Map([
          ['room', NOW - 300],
          ['laptop', NOW - 60_000],
        ]),
      }),
      media: new Map(),
      server,
      thresholds: DEFAULT_HEALTH_THRESHOLDS,
      now: NOW,
    });
    expect(update.sites.find((s) => s.siteId === 'daraa')).toMatchObject({ status: 'ok', lastHeartbeatAt: NOW - 300 });
  });

  it('the path of each participant is the worst of its transports, and the site shows the worst of its connected participants', () => {
    const udp = { candidateType: 'prflx', protocol: 'udp', relayProtocol: null } as const;
    const { update } = computeBoard({
      state: state([member('room', daraa), member('laptop', daraa), member('gone', daraa, 'reconnecting')]),
      signals: signals({
        heartbeats: new Map([['room', NOW - 300]]),
        clientStats: new Map([
          [
            'room',
            report({
              paths: [
                { direction: 'send', ...udp },
                { direction: 'recv', ...udp },
              ],
            }),
          ],
          [
            'laptop',
            report({
              paths: [
                { direction: 'send', candidateType: 'relay', protocol: 'udp', relayProtocol: 'tcp' },
                { direction: 'recv', ...udp },
              ],
            }),
          ],
          [
            'gone',
            report({ paths: [{ direction: 'send', candidateType: 'relay', protocol: 'udp', relayProtocol: 'tls' }] }),
          ],
        ]),
      }),
      media: new Map(),
      server,
      thresholds: DEFAULT_HEALTH_THRESHOLDS,
      now: NOW,
    });
    const d = update.sites.find((s) => s.siteId === 'daraa');
    expect(d?.participants.map((p) => [p.participantId, p.path])).toEqual([
      ['room', 'udp'],
      ['laptop', 'turn-tcp'],
      ['gone', null],
    ]);
    expect(d?.path).toBe('turn-tcp');
    expect(update.sites.find((s) => s.siteId === 'homs')?.path).toBeNull();
  });

  it('a site silent for longer than the threshold is down; one that never connected says so', () => {
    const { update: board } = computeBoard({
      state: state([member('amal', daraa, 'reconnecting')]),
      signals: signals({
        everConnected: new Set(['daraa']),
        heartbeats: new Map([['amal', NOW - DEFAULT_HEALTH_THRESHOLDS.downAfterMs]]),
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

  it('open alarms, media modes and the automatic policy come from the session state; an open alarm holds its site until it clears', () => {
    const s = state([member('omar', homs)]);
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
    const { update: board } = computeBoard({
      state: withModes,
      signals: signals({ heartbeats: new Map([['omar', NOW - 100]]) }),
      media: new Map(),
      server,
      thresholds: DEFAULT_HEALTH_THRESHOLDS,
      now: NOW,
    });
    expect(board.autoPolicy).toBe(true);
    expect(board.alarms.map((a) => a.id)).toEqual(['a']);
    expect(board.sites.find((x) => x.siteId === 'homs')).toMatchObject({
      mediaMode: 'low',
      mediaModeBy: 'auto',
      status: 'degraded',
      reasons: ['loss'],
    });
  });
});

import { describe, expect, it } from 'vitest';
import { ClientStatsSchema } from '@concord/shared';
import { ClientStatsSampler, readSample, toClientStats, type TransportStatsRows } from './clientStats';

interface Counters {
  bytesSent?: number;
  lost?: number;
  received?: number;
  framesDecoded?: number;
  framesDropped?: number;
  rtt?: number;
  available?: number;
  limitation?: string;
}

/** A send and a receive transport as Chrome reports them, with the numbers that matter here. */
function transports(c: Counters): TransportStatsRows[] {
  return [
    {
      direction: 'send',
      rows: [
        { type: 'transport', id: 'T1', selectedCandidatePairId: 'CP1' },
        { type: 'candidate-pair', id: 'CP0', state: 'failed', nominated: false, currentRoundTripTime: 9 },
        {
          type: 'candidate-pair',
          id: 'CP1',
          state: 'succeeded',
          nominated: true,
          currentRoundTripTime: c.rtt,
          availableOutgoingBitrate: c.available,
        },
        { type: 'outbound-rtp', id: 'OA', kind: 'audio', bytesSent: (c.bytesSent ?? 0) / 4 },
        {
          type: 'outbound-rtp',
          id: 'OV0',
          kind: 'video',
          bytesSent: (c.bytesSent ?? 0) * (3 / 4),
          qualityLimitationReason: 'none',
        },
        { type: 'outbound-rtp', id: 'OV2', kind: 'video', bytesSent: 0, qualityLimitationReason: c.limitation },
      ],
    },
    {
      direction: 'recv',
      rows: [
        { type: 'candidate-pair', id: 'CP9', state: 'succeeded', nominated: true, currentRoundTripTime: 0.02 },
        { type: 'inbound-rtp', id: 'IA', kind: 'audio', packetsLost: 0, packetsReceived: (c.received ?? 0) / 2 },
        {
          type: 'inbound-rtp',
          id: 'IV',
          kind: 'video',
          packetsLost: c.lost,
          packetsReceived: (c.received ?? 0) / 2,
          framesDecoded: c.framesDecoded,
          framesDropped: c.framesDropped,
        },
      ],
    },
  ];
}

describe('a client reports its own connection', () => {
  it('gives the uplink bitrate from the bytes sent over the interval, across every producer', () => {
    const prev = readSample(transports({ bytesSent: 100_000 }), 0);
    const cur = readSample(transports({ bytesSent: 350_000 }), 2_000);
    expect(toClientStats(prev, cur).outboundBitrate).toBe(1_000_000);
  });

  it('gives inbound loss as a percentage of the packets of the interval, not since the start', () => {
    const prev = readSample(transports({ lost: 100, received: 1_000 }), 0);
    const cur = readSample(transports({ lost: 110, received: 1_090 }), 2_000);
    expect(toClientStats(prev, cur).inboundLossPct).toBeCloseTo(10);
  });

  it('reads RTT and the send estimate from the selected candidate pair, and the worst of the two links', () => {
    const stats = toClientStats(null, readSample(transports({ rtt: 0.085, available: 2_500_000 }), 0));
    expect(stats.roundTripTimeMs).toBeCloseTo(85);
    expect(stats.availableOutgoingBitrate).toBe(2_500_000);
  });

  it("takes the server's receiver reports' round trip too, which follow a spike sooner than ICE checks", () => {
    const [send, recv] = transports({ rtt: 0.04 });
    const rows: TransportStatsRows[] = [
      {
        direction: 'send',
        rows: [...(send?.rows ?? []), { type: 'remote-inbound-rtp', id: 'RA', roundTripTime: 0.61 }],
      },
      ...(recv ? [recv] : []),
    ];
    expect(toClientStats(null, readSample(rows, 0)).roundTripTimeMs).toBeCloseTo(610);
  });

  it('names the most telling quality limitation of the video layers', () => {
    const stats = toClientStats(null, readSample(transports({ limitation: 'bandwidth' }), 0));
    expect(stats.qualityLimitationReason).toBe('bandwidth');
    expect(toClientStats(null, readSample(transports({}), 0)).qualityLimitationReason).toBe('none');
  });

  it('sums decoded and dropped frames over incoming video only', () => {
    const stats = toClientStats(null, readSample(transports({ framesDecoded: 300, framesDropped: 4 }), 0));
    expect(stats.framesDecoded).toBe(300);
    expect(stats.framesDropped).toBe(4);
  });

  it('sends nulls, not guesses, for what it cannot know', () => {
    const stats = new ClientStatsSampler().next([], 0);
    const { paths, ...numbers } = stats;
    expect(Object.values(numbers).every((v) => v === null)).toBe(true);
    expect(paths).toEqual([]);
    expect(ClientStatsSchema.safeParse(stats).success).toBe(true);
  });

  it('does not count a producer that appeared or a counter that went backwards after a rebuild', () => {
    const prev = readSample(transports({ bytesSent: 800_000 }), 0);
    const rebuilt = readSample(
      [{ direction: 'send', rows: [{ type: 'outbound-rtp', id: 'NEW', bytesSent: 5 }] }],
      2_000,
    );
    expect(toClientStats(prev, rebuilt).outboundBitrate).toBeNull();
    const reset = readSample(transports({ bytesSent: 1_000 }), 2_000);
    expect(toClientStats(prev, reset).outboundBitrate).toBe(0);
  });

  it('never sends a value the server schema refuses', () => {
    const absurd = readSample(transports({ rtt: 1e6, available: -5, framesDecoded: 2.6 }), 0);
    const stats = toClientStats(null, absurd);
    expect(ClientStatsSchema.safeParse(stats).success).toBe(true);
    expect(stats.roundTripTimeMs).toBeNull();
    expect(stats.availableOutgoingBitrate).toBeNull();
    expect(stats.framesDecoded).toBe(3);
  });

  it('computes rates between consecutive reports', () => {
    const sampler = new ClientStatsSampler();
    expect(sampler.next(transports({ bytesSent: 0 }), 0).outboundBitrate).toBeNull();
    expect(sampler.next(transports({ bytesSent: 250_000 }), 2_000).outboundBitrate).toBe(1_000_000);
    expect(sampler.next(transports({ bytesSent: 250_000 }), 4_000).outboundBitrate).toBe(0);
  });

  it('tells the path of each transport from the local candidate of its selected pair', () => {
    const link = (
      direction: 'send' | 'recv',
      local: Record<string, unknown>,
      pair: Record<string, unknown> = { state: 'succeeded', nominated: true },
    ): TransportStatsRows => ({
      direction,
      rows: [
        { type: 'transport', id: 'T', selectedCandidatePairId: 'CP' },
        { type: 'candidate-pair', id: 'CP0', state: 'failed', localCandidateId: 'L0' },
        { type: 'candidate-pair', id: 'CP', localCandidateId: 'L1', ...pair },
        { type: 'local-candidate', id: 'L0', candidateType: 'host', protocol: 'tcp' },
        { type: 'local-candidate', id: 'L1', ...local },
      ],
    });
    const direct = readSample(
      [
        link('send', { candidateType: 'prflx', protocol: 'udp' }),
        link('recv', { candidateType: 'relay', protocol: 'udp', relayProtocol: 'tls' }),
      ],
      0,
    );
    const stats = toClientStats(null, direct);
    expect(stats.paths).toEqual([
      { direction: 'send', candidateType: 'prflx', protocol: 'udp', relayProtocol: null },
      { direction: 'recv', candidateType: 'relay', protocol: 'udp', relayProtocol: 'tls' },
    ]);
    expect(ClientStatsSchema.safeParse(stats).success).toBe(true);
    // Before ICE has picked a pair, or with a candidate type this code does not know: no path.
    const unknown = readSample([link('send', { candidateType: 'mystery', protocol: 'udp' })], 0);
    expect(unknown.paths).toEqual([]);
  });
});

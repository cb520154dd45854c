import { describe, expect, it } from 'vitest';
import type { NodeHealthSample } from '../store/healthSamples.js';
import { mergeSamples } from './samplers.js';

const NOW = 1_900_000_000_000;

const sample = (over: Partial<NodeHealthSample>): NodeHealthSample => ({
  at: NOW,
  peers: {},
  heartbeats: {},
  clientStats: {},
  lastMedia: {},
  lastHeard: {},
  everConnected: [],
  ...over,
});

describe("every node's samples of a session, merged", () => {
  it('a site heard by any node counts as heard, at the latest time', () => {
    const merged = mergeSamples(
      [
        sample({ heartbeats: { amal: NOW - 3_000 }, lastMedia: { daraa: NOW - 2_500 }, everConnected: ['daraa'] }),
        sample({ heartbeats: { amal: NOW - 200 }, lastMedia: { daraa: NOW - 100 }, everConnected: ['homs'] }),
      ],
      NOW,
    );
    expect(merged.signals.heartbeats.get('amal')).toBe(NOW - 200);
    expect(merged.signals.lastMedia.get('daraa')).toBe(NOW - 100);
    expect([...merged.signals.everConnected].sort()).toEqual(['daraa', 'homs']);
  });

  it("a node that stalled is not taken for its sites' silence: its evidence is aged by its own clock", () => {
    // The other node published 1.5 s ago (its event loop was blocked), when Daraa had been
    // heard 300 ms before: Daraa is 300 ms silent as far as anyone knows, not 1.8 s.
    const stalled = sample({ at: NOW - 1_500, heartbeats: { amal: NOW - 1_800 }, lastMedia: { daraa: NOW - 1_800 } });
    const merged = mergeSamples([sample({}), stalled], NOW);
    expect(NOW - (merged.signals.heartbeats.get('amal') ?? 0)).toBe(300);
    expect(NOW - (merged.signals.lastMedia.get('daraa') ?? 0)).toBe(300);
  });

  it("another node's clock may be off: only the differences it measured count", () => {
    const ahead = sample({ at: NOW + 40_000, heartbeats: { amal: NOW + 40_000 - 500 } });
    expect(NOW - (mergeSamples([ahead], NOW).signals.heartbeats.get('amal') ?? 0)).toBe(500);
  });
});

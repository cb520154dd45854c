import { describe, expect, it } from 'vitest';
import { placeNodes, type NodeWire } from './nodes.js';

const node = (id: string, region: string | null, port: number): NodeWire => ({
  id,
  region,
  url: `http://10.0.0.1:${port}`,
});
const daraa = node('daraa-1', 'daraa', 3001);
const homsA = node('homs-a', 'homs', 3002);
const homsB = node('homs-b', 'homs', 3003);
const lb = 'https://concord.example.org';

describe('choosing a node', () => {
  it("an invite's region goes to that region's nodes first, then the page's server, then every other node by id", () => {
    expect(placeNodes([homsB, daraa, homsA], 'homs', lb)).toEqual([
      'http://10.0.0.1:3002',
      'http://10.0.0.1:3003',
      lb,
      'http://10.0.0.1:3001',
    ]);
  });
  it('within the region, the node that served the page comes first', () => {
    expect(placeNodes([homsA, homsB], 'homs', 'http://10.0.0.1:3003/join')[0]).toBe('http://10.0.0.1:3003');
  });
  it("without a region, or with one no node serves, the page's server comes first", () => {
    expect(placeNodes([homsA, daraa], null, lb)[0]).toBe(lb);
    expect(placeNodes([homsA, daraa], 'latakia', lb)).toEqual([lb, 'http://10.0.0.1:3001', 'http://10.0.0.1:3002']);
  });
  it('each server appears once, as an origin (no path), even when the page was served by a listed node', () => {
    expect(placeNodes([daraa, homsA], 'daraa', 'http://10.0.0.1:3001/join#token=x')).toEqual([
      'http://10.0.0.1:3001',
      'http://10.0.0.1:3002',
    ]);
  });
  it("with no live node listed, the page's server is the only choice", () => {
    expect(placeNodes([], 'homs', lb)).toEqual([lb]);
  });
});

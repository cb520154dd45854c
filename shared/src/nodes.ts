import { z } from 'zod';

/** A node's name, and a region's: what `NODE_ID` and `NODE_REGION` accept. */
export const NodeIdSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);
export const RegionSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);

/** One live node of a deployment, as `GET /api/nodes` and `GET /api/session` list it. */
export const NodeWireSchema = z.strictObject({
  id: NodeIdSchema,
  /** The region it serves (`NODE_REGION`), or null. */
  region: RegionSchema.nullable(),
  /** Where browsers reach it (`PUBLIC_URL`, else its own address): an origin, no path. */
  url: z.url(),
});
export type NodeWire = z.infer<typeof NodeWireSchema>;

/**
 * The servers a participation tries, best first: the nodes of the invite's region (when it
 * names one), then the server the page came from (a node, or a load balancer in front of
 * them), then every other node. A URL appears once. The client connects to the first and
 * moves down the list when a server cannot be reached; the list wraps around.
 */
export function placeNodes(nodes: readonly NodeWire[], region: string | null, pageOrigin: string): string[] {
  const page = originOf(pageOrigin);
  const byId = [...nodes]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((n) => ({
      region: n.region,
      origin: originOf(n.url),
    }));
  // Within the region, the page's own server first: the link was made to be opened there.
  const inRegion = byId.filter((n) => region !== null && n.region === region).map((n) => n.origin);
  const ordered = [...inRegion.filter((o) => o === page), ...inRegion, page, ...byId.map((n) => n.origin)];
  return [...new Set(ordered)];
}

function originOf(url: string): string {
  return new URL(url).origin;
}

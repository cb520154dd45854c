import { z } from 'zod';
import { RoleSchema, SiteNamesSchema, type Session } from './domain.js';
import { SiteIdSchema } from './ids.js';
import { nameText, titleText } from './text.js';
import { RegionSchema, type NodeWire } from './nodes.js';

/** POST /api/admin/sessions */
export const CreateSessionBodySchema = z.strictObject({
  title: titleText(),
  sites: z
    .array(z.strictObject({ name: nameText(), names: SiteNamesSchema.optional() }))
    .min(1)
    .max(64),
  /** Floor mode from the start: only the speaker (and the chair) may open a microphone. Default: on. */
  floorMode: z.boolean().optional(),
  /** Optional explicit id, so scripts can create a session idempotently. */
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
});
export type CreateSessionBody = z.infer<typeof CreateSessionBodySchema>;

/** POST /api/admin/sessions/:sessionId/invites */
export const CreateInviteBodySchema = z.strictObject({
  role: RoleSchema,
  siteId: SiteIdSchema.nullable(),
  displayName: nameText(),
  /** Lifetime of the invite token, default 24 h, at most 30 days. */
  ttlSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .optional(),
  /** The region whose nodes the participant should connect to (see `GET /api/nodes`). */
  region: RegionSchema.optional(),
});
export type CreateInviteBody = z.infer<typeof CreateInviteBodySchema>;

export interface InviteWire {
  role: z.infer<typeof RoleSchema>;
  siteId: string | null;
  displayName: string;
  region: string | null;
  token: string;
  url: string;
  expiresAt: number;
}

/** GET /api/session (Authorization: Bearer <invite token>): what the join screen shows. */
export interface SessionInfoWire {
  session: Session;
  invite: {
    role: z.infer<typeof RoleSchema>;
    siteId: string | null;
    siteName: string | null;
    displayName: string;
    region: string | null;
    expiresAt: number;
  };
  /** The live nodes of the deployment; the client picks one with `placeNodes`. */
  nodes: NodeWire[];
}

/** GET /api/nodes: the live nodes of the deployment. */
export interface NodesWire {
  nodes: NodeWire[];
}

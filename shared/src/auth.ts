import { z } from 'zod';
import { MediaIdSchema, ParticipantIdSchema, SessionIdSchema, SiteIdSchema } from './ids.js';
import { RoleSchema } from './domain.js';
import { nameText } from './text.js';
import { RegionSchema } from './nodes.js';

/** The only algorithm a Concord token may use; `none` and every other one are refused. */
export const TOKEN_ALGORITHM = 'HS256';
export const TOKEN_ISSUER = 'concord';

/** Claims of an invite token (JWT). Unknown claims are refused. */
export const TokenClaimsSchema = z
  .strictObject({
    /** The invite's identity: `inv_` and URL-safe characters (the server makes it). */
    sub: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
    name: nameText(),
    sid: SessionIdSchema,
    site: SiteIdSchema.nullable(),
    role: RoleSchema,
    iss: z.literal(TOKEN_ISSUER),
    iat: z.number().int(),
    exp: z.number().int(),
    /** The region whose nodes the participant should connect to, when one is up. */
    region: RegionSchema.optional(),
    jti: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
  })
  .refine((c) => c.role !== 'member' || c.site !== null, {
    message: 'a member token must name a site',
    path: ['site'],
  });
export type TokenClaims = z.infer<typeof TokenClaimsSchema>;

/** Sent in the Socket.IO handshake as `auth`. */
export const HandshakeAuthSchema = z.strictObject({
  token: z.string().min(1).max(4096),
  protocolVersion: z.number().int(),
});
export type HandshakeAuth = z.infer<typeof HandshakeAuthSchema>;

export const JoinSessionSchema = z.strictObject({
  /** Shown in the grid; defaults to the token's name. */
  displayName: nameText().optional(),
  /**
   * Chosen by the browser tab and kept across reconnects, so that a tab that comes back
   * takes its own place again while two tabs on the same invite link stay two participants.
   */
  instanceId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  /**
   * The media transports the tab still holds after its socket came back. The node keeps them
   * (and every track on them) when it still holds them for this participant; otherwise, and
   * when absent, the participant's media on the node starts over.
   */
  resume: z.array(MediaIdSchema).min(1).max(2).optional(),
});
export type JoinSession = z.infer<typeof JoinSessionSchema>;

export const JoinedSchema = z.strictObject({ participantId: ParticipantIdSchema });

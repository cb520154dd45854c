import { z } from 'zod';
import { ParticipantIdSchema, SessionIdSchema, SiteIdSchema } from './ids.js';
import { nameText, titleText } from './text.js';

export const ROLES = ['member', 'chair', 'commander', 'operator', 'interpreter', 'observer'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** Session lifecycle: scheduled → open → in_progress → adjourned → closed. */
export const SESSION_STATUSES = ['scheduled', 'open', 'in_progress', 'adjourned', 'closed'] as const;
export const SessionStatusSchema = z.enum(SESSION_STATUSES);
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

export const SiteSchema = z.strictObject({
  id: SiteIdSchema,
  name: nameText(),
});
export type Site = z.infer<typeof SiteSchema>;

export const SessionSchema = z.strictObject({
  id: SessionIdSchema,
  title: titleText(),
  status: SessionStatusSchema,
  sites: z.array(SiteSchema).min(1).max(64),
  locked: z.boolean(),
  /** Newcomers wait in the lobby until the chair admits them. */
  lobby: z.boolean().default(false),
  createdAt: z.number().int(),
});
export type Session = z.infer<typeof SessionSchema>;

export const CONNECTION_STATES = ['connected', 'reconnecting'] as const;
export const ParticipantSchema = z.strictObject({
  id: ParticipantIdSchema,
  sessionId: SessionIdSchema,
  /** Null for roles that belong to no city (e.g. an operator at the operations desk). */
  siteId: SiteIdSchema.nullable(),
  displayName: nameText(),
  role: RoleSchema,
  connection: z.enum(CONNECTION_STATES),
  joinedAt: z.number().int(),
});
export type Participant = z.infer<typeof ParticipantSchema>;

export const MEDIA_SOURCES = ['mic', 'camera', 'screen'] as const;
export const MediaSourceSchema = z.enum(MEDIA_SOURCES);
export type MediaSource = z.infer<typeof MediaSourceSchema>;

/** A published track as every other participant sees it. */
export const ProducerInfoSchema = z.strictObject({
  producerId: z.string(),
  participantId: ParticipantIdSchema,
  siteId: SiteIdSchema.nullable(),
  kind: z.enum(['audio', 'video']),
  source: MediaSourceSchema,
  paused: z.boolean(),
});
export type ProducerInfo = z.infer<typeof ProducerInfoSchema>;

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

/** The UI languages a site's name may be given in, besides its one `name`. */
export const SITE_NAME_LANGUAGES = ['en', 'ar', 'ru'] as const;
export const SiteNamesSchema = z.strictObject({
  en: nameText().optional(),
  ar: nameText().optional(),
  ru: nameText().optional(),
});
export type SiteNames = z.infer<typeof SiteNamesSchema>;

export const SiteSchema = z.strictObject({
  id: SiteIdSchema,
  name: nameText(),
  /** The name in each UI language, where given at creation ("Daraa|درعا|Дараа"). */
  names: SiteNamesSchema.optional(),
});
export type Site = z.infer<typeof SiteSchema>;

/** The site's name in a UI language ("ar", "ru-RU"…), else its one name. */
export function siteLabel(site: Pick<Site, 'name' | 'names'>, language: string): string {
  const base = language.slice(0, 2) as keyof SiteNames;
  return site.names?.[base] ?? site.name;
}

/** The session with each site's `name` in a UI language (the same object when nothing changes). */
export function localizedSession<T extends { sites: Site[] }>(session: T, language: string): T {
  if (!session.sites.some((s) => siteLabel(s, language) !== s.name)) {
    return session;
  }
  return { ...session, sites: session.sites.map((s) => ({ ...s, name: siteLabel(s, language) })) };
}

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

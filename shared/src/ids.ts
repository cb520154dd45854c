import { z } from 'zod';

// Branded ids: a SiteId cannot be passed where a SessionId is expected.
// Ids are short URL-safe strings; the pattern keeps them usable as Redis key parts.
const idPattern = /^[A-Za-z0-9_-]{1,64}$/;
/**
 * Ids key plain objects in the session's state (`issues[id]`, `participants[id]`): a name that
 * every object already has ("toString", "__proto__", "constructor"…) would find something
 * that is not an entry. No id the server makes is one of them; none is accepted.
 */
export const isReservedId = (value: string): boolean => value in Object.prototype;
const id = () =>
  z
    .string()
    .regex(idPattern, 'must be 1-64 characters of A-Z a-z 0-9 _ -')
    .refine((value) => !isReservedId(value), 'is a reserved name');

export const SessionIdSchema = id().brand<'SessionId'>();
export const SiteIdSchema = id().brand<'SiteId'>();
export const ParticipantIdSchema = id().brand<'ParticipantId'>();
export const AgendaItemIdSchema = id().brand<'AgendaItemId'>();
export const IssueIdSchema = id().brand<'IssueId'>();
/** A floor request (`fr_…`). */
export const FloorRequestIdSchema = id();

export type SessionId = z.infer<typeof SessionIdSchema>;
export type SiteId = z.infer<typeof SiteIdSchema>;
export type ParticipantId = z.infer<typeof ParticipantIdSchema>;
export type AgendaItemId = z.infer<typeof AgendaItemIdSchema>;
export type IssueId = z.infer<typeof IssueIdSchema>;

// mediasoup object ids are UUIDs chosen by the server.
export const MediaIdSchema = z.uuid();

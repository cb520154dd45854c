import { z } from 'zod';
import { AgendaItemIdSchema, FloorRequestIdSchema, ParticipantIdSchema, SiteIdSchema } from './ids.js';
import { nameText, noteText, titleText } from './text.js';

// Agenda and floor: the state the chair runs and everyone sees. Pure data, shared by
// the server's domain rules, the Redis store and the client.

export const AGENDA_ITEM_STATUSES = ['pending', 'active', 'done', 'deferred'] as const;
export const AgendaItemStatusSchema = z.enum(AGENDA_ITEM_STATUSES);
export type AgendaItemStatus = z.infer<typeof AgendaItemStatusSchema>;

export const AgendaItemSchema = z.strictObject({
  id: AgendaItemIdSchema,
  title: titleText(),
  description: noteText(),
  presentingSiteId: SiteIdSchema.nullable(),
  /** Time allotted to the whole item. */
  allotmentSec: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600),
  /** Default speaking time for each floor turn during this item; null = the session default. */
  speakingTimeSec: z.number().int().min(10).max(3600).nullable(),
  status: AgendaItemStatusSchema,
  outcome: noteText().nullable(),
  /** When the item last became active (ms), null when it is not running. */
  startedAt: z.number().int().nullable(),
  /** Time spent on the item in earlier runs (ms), so a resumed item keeps counting. */
  elapsedMs: z.number().int().nonnegative(),
});
export type AgendaItem = z.infer<typeof AgendaItemSchema>;

export const FLOOR_REQUEST_TYPES = ['point_of_order', 'reply', 'speak'] as const;
export const FloorRequestTypeSchema = z.enum(FLOOR_REQUEST_TYPES);
export type FloorRequestType = z.infer<typeof FloorRequestTypeSchema>;

export const FAIRNESS_RULES = ['fifo', 'alternate-sites'] as const;
export const FairnessSchema = z.enum(FAIRNESS_RULES);
export type Fairness = z.infer<typeof FairnessSchema>;

export const FloorRequestSchema = z.strictObject({
  id: FloorRequestIdSchema,
  siteId: SiteIdSchema.nullable(),
  /** The person who asked; credited when the floor is given. */
  participantId: ParticipantIdSchema,
  displayName: nameText(),
  /** For the whole site (a room speaking together) or for the person. */
  forSite: z.boolean(),
  type: FloorRequestTypeSchema,
  requestedAt: z.number().int(),
});
export type FloorRequest = z.infer<typeof FloorRequestSchema>;

export const SpeakerSchema = z.strictObject({
  request: FloorRequestSchema,
  startedAt: z.number().int(),
  /** Speaking time granted, extensions included. */
  allottedMs: z.number().int().nonnegative(),
});
export type Speaker = z.infer<typeof SpeakerSchema>;

export const FloorSettingsSchema = z.strictObject({
  fairness: FairnessSchema,
  /** Other sites' microphones are paused and may not unmute while someone has the floor. */
  floorMode: z.boolean(),
  /** When a speaker is cut off or yields, the next request is granted without the chair. */
  autoAdvance: z.boolean(),
  defaultSpeakingSec: z.number().int().min(10).max(3600),
  graceSec: z.number().int().min(0).max(300),
});
export type FloorSettings = z.infer<typeof FloorSettingsSchema>;

export const SpeakingTimeSchema = z.strictObject({
  bySite: z.record(z.string(), z.number().int().nonnegative()),
  byParticipant: z.record(z.string(), z.number().int().nonnegative()),
});

export const ProceedingsSchema = z.strictObject({
  agenda: z.array(AgendaItemSchema).max(200),
  currentItemId: AgendaItemIdSchema.nullable(),
  settings: FloorSettingsSchema,
  /** Waiting requests, in the order they will be granted. */
  queue: z.array(FloorRequestSchema).max(500),
  speaker: SpeakerSchema.nullable(),
  /** Turns each site has had (for alternate-sites fairness); reset when an item starts. */
  turns: z.record(z.string(), z.number().int().nonnegative()),
  /** Milliseconds spoken, per site and per participant, over the whole session. */
  speakingTime: SpeakingTimeSchema,
  /** The last cut-off, so the person cut off sees it clearly. */
  lastCutOff: z.strictObject({ participantId: ParticipantIdSchema, at: z.number().int() }).nullable(),
  /**
   * Who holds the chair: an invite identity (token subject), so the rights survive
   * reconnects and restarts and can be handed over. Null until a chair-role invite joins.
   */
  chair: z.strictObject({ subject: z.string().min(1).max(128), displayName: nameText() }).nullable(),
  /** Bumped by every change: chair commands carry the version they saw. */
  version: z.number().int().nonnegative(),
});
export type Proceedings = z.infer<typeof ProceedingsSchema>;

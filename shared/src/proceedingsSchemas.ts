import { z } from 'zod';
import { AgendaItemIdSchema, FloorRequestIdSchema, ParticipantIdSchema, SiteIdSchema } from './ids.js';
import { FairnessSchema, FloorRequestTypeSchema } from './proceedings.js';
import { noteText, titleText } from './text.js';

// Payloads of agenda, floor and moderation requests. Chair commands carry the
// proceedings version the chair saw: if someone changed them since, the command is
// refused with STALE_VERSION instead of acting on a state the chair never saw.
const expectedVersion = z.number().int().nonnegative();

const itemFields = {
  title: titleText(),
  description: noteText(),
  presentingSiteId: SiteIdSchema.nullable(),
  allotmentSec: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600),
  speakingTimeSec: z.number().int().min(10).max(3600).nullable(),
};

export const AgendaAddSchema = z.strictObject({
  expectedVersion,
  title: itemFields.title,
  description: itemFields.description.default(''),
  presentingSiteId: itemFields.presentingSiteId.default(null),
  allotmentSec: itemFields.allotmentSec,
  speakingTimeSec: itemFields.speakingTimeSec.default(null),
  atIndex: z.number().int().nonnegative().optional(),
});
/** The fields of an agenda item a change may set (absent: unchanged). */
export const AgendaChangesSchema = z.strictObject({
  title: itemFields.title.optional(),
  description: itemFields.description.optional(),
  presentingSiteId: itemFields.presentingSiteId.optional(),
  allotmentSec: itemFields.allotmentSec.optional(),
  speakingTimeSec: itemFields.speakingTimeSec.optional(),
});
export type AgendaChanges = z.infer<typeof AgendaChangesSchema>;
export const AgendaEditSchema = AgendaChangesSchema.extend({ expectedVersion, itemId: AgendaItemIdSchema });
export const AgendaReorderSchema = z.strictObject({ expectedVersion, itemIds: z.array(AgendaItemIdSchema).max(200) });
export const AgendaItemRefSchema = z.strictObject({ expectedVersion, itemId: AgendaItemIdSchema });
export const AgendaFinishSchema = z.strictObject({
  expectedVersion,
  itemId: AgendaItemIdSchema,
  status: z.enum(['done', 'deferred']),
  outcome: noteText().nullable(),
});

export const FloorRequestPayloadSchema = z.strictObject({
  type: FloorRequestTypeSchema,
  /** Ask for the whole site (a room speaking together) rather than for oneself. */
  forSite: z.boolean().default(false),
});
export const FloorRequestRefSchema = z.strictObject({ requestId: FloorRequestIdSchema });
export const FloorGrantSchema = z.strictObject({ expectedVersion, requestId: FloorRequestIdSchema.nullable() });
export const FloorMoveSchema = z.strictObject({
  expectedVersion,
  requestId: FloorRequestIdSchema,
  toIndex: z.number().int().nonnegative(),
});
export const FloorChairRefSchema = z.strictObject({ expectedVersion, requestId: FloorRequestIdSchema });
export const FloorExtendSchema = z.strictObject({ expectedVersion, seconds: z.number().int().min(5).max(1800) });
export const FloorEndSchema = z.strictObject({ expectedVersion });
/** The floor settings a change may set (absent: unchanged). */
export const FloorSettingsChangesSchema = z.strictObject({
  fairness: FairnessSchema.optional(),
  floorMode: z.boolean().optional(),
  autoAdvance: z.boolean().optional(),
  defaultSpeakingSec: z.number().int().min(10).max(3600).optional(),
  graceSec: z.number().int().min(0).max(300).optional(),
});
export type FloorSettingsChanges = z.infer<typeof FloorSettingsChangesSchema>;
export const FloorSettingsPatchSchema = FloorSettingsChangesSchema.extend({ expectedVersion });

export const MuteTargetSchema = z.union([
  z.strictObject({ participantId: ParticipantIdSchema }),
  z.strictObject({ siteId: SiteIdSchema }),
  /** Everyone but the current floor (and the chair). */
  z.strictObject({ allButFloor: z.literal(true) }),
]);
export type MuteTarget = z.infer<typeof MuteTargetSchema>;
export const MuteSchema = MuteTargetSchema;
export const ParticipantRefSchema = z.strictObject({ participantId: ParticipantIdSchema });
export const LockSchema = z.strictObject({ locked: z.boolean() });
export const LobbySettingSchema = z.strictObject({ enabled: z.boolean() });
export const HandOverSchema = z.strictObject({ expectedVersion, participantId: ParticipantIdSchema });

// HTTP bodies for the agenda API: the same fields; expectedVersion is optional there
// (a script that leaves it out accepts whatever the current version is).
const optionalVersion = { expectedVersion: expectedVersion.optional() };
export const AgendaAddBodySchema = AgendaAddSchema.extend(optionalVersion);
export const AgendaEditBodySchema = AgendaEditSchema.omit({ itemId: true }).extend(optionalVersion);
export const AgendaReorderBodySchema = AgendaReorderSchema.extend(optionalVersion);

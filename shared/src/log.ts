import { z } from 'zod';
import canonicalize from 'canonicalize';
import { AgendaItemIdSchema, FloorRequestIdSchema, IssueIdSchema, ParticipantIdSchema, SiteIdSchema } from './ids.js';
import { ParticipantSchema, RoleSchema, SessionSchema, SessionStatusSchema } from './domain.js';
import { AgendaItemSchema, FloorRequestSchema } from './proceedings.js';
import { IssueEventSchema, IssueSettingsSchema } from './issues.js';
import { AlarmSchema, MediaModeSchema } from './health.js';
import { AgendaChangesSchema, FloorSettingsChangesSchema, MuteTargetSchema } from './proceedingsSchemas.js';
import { nameText } from './text.js';

// The session log: every change to a session is one entry, appended in the same atomic step
// as the state it changes and hash-chained to the entry before it. Broadcasts, snapshots,
// replay on another node and the minutes all read this one order (docs/architecture.md).

/** Who made a change: a participant (by invite subject), the admin API, or the server itself. */
export const LogActorSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('participant'),
    /** The invite's identity (token `sub`). */
    subject: z.string().min(1).max(128),
    /** Null for an invite acting over HTTP, without a place in the session. */
    participantId: ParticipantIdSchema.nullable(),
    role: RoleSchema,
    siteId: SiteIdSchema.nullable(),
    displayName: nameText(),
  }),
  z.strictObject({ kind: z.literal('admin') }),
  z.strictObject({
    kind: z.literal('system'),
    /** The clock or monitor that acted: the floor clock, presence, issue escalation, health. */
    component: z.enum(['floor-clock', 'presence', 'escalation', 'health']),
  }),
]);
export type LogActor = z.infer<typeof LogActorSchema>;

const entry = <T extends string, P extends z.ZodType>(type: T, payload: P) =>
  z.strictObject({ type: z.literal(type), payload });

/** Why a participant's place ended. */
export const LEAVE_REASONS = ['left', 'timeout'] as const;

/** Every kind of entry, with its payload. The reducer (`applyEntry`) gives each its meaning. */
export const LogChangeSchema = z.discriminatedUnion('type', [
  // ---- the session ----
  entry(
    'session.created',
    z.strictObject({
      session: SessionSchema,
      /** Floor mode from the start (joint sessions: on unless the creator turned it off). Absent in older logs: off. */
      floorMode: z.boolean().optional(),
    }),
  ),
  entry('session.status', z.strictObject({ status: SessionStatusSchema })),
  entry('session.locked', z.strictObject({ locked: z.boolean() })),
  entry('session.lobby', z.strictObject({ enabled: z.boolean() })),
  // ---- participants and presence ----
  /** A new place, or one taken back after it had ended: connected through `node`. */
  entry(
    'participant.joined',
    z.strictObject({ participant: ParticipantSchema, subject: z.string().min(1).max(128), node: z.string().max(128) }),
  ),
  /** A place still held (reconnecting) is taken back by a new connection through `node`. */
  entry(
    'participant.returned',
    z.strictObject({ participantId: ParticipantIdSchema, displayName: nameText(), node: z.string().max(128) }),
  ),
  /** The connection dropped: the place is kept for the reconnect grace. */
  entry('participant.dropped', z.strictObject({ participantId: ParticipantIdSchema })),
  entry('participant.left', z.strictObject({ participantId: ParticipantIdSchema, reason: z.enum(LEAVE_REASONS) })),
  /** The chair removed the participant; its invite may not come back. */
  entry('participant.removed', z.strictObject({ participantId: ParticipantIdSchema })),
  // ---- lobby ----
  entry('lobby.waiting', z.strictObject({ participant: ParticipantSchema })),
  entry('lobby.admitted', z.strictObject({ participantId: ParticipantIdSchema })),
  entry('lobby.refused', z.strictObject({ participantId: ParticipantIdSchema })),
  /** A waiting connection went away. */
  entry('lobby.gone', z.strictObject({ participantId: ParticipantIdSchema })),
  // ---- the chair ----
  /** The first chair-role invite to join takes the chair. */
  entry('chair.taken', z.strictObject({ subject: z.string().min(1).max(128), displayName: nameText() })),
  entry(
    'chair.handedOver',
    z.strictObject({
      subject: z.string().min(1).max(128),
      displayName: nameText(),
      participantId: ParticipantIdSchema,
    }),
  ),
  // ---- the agenda ----
  entry('agenda.added', z.strictObject({ item: AgendaItemSchema, atIndex: z.number().int().nonnegative().nullable() })),
  entry('agenda.edited', z.strictObject({ itemId: AgendaItemIdSchema, changes: AgendaChangesSchema })),
  entry('agenda.reordered', z.strictObject({ itemIds: z.array(AgendaItemIdSchema).max(200) })),
  entry('agenda.deleted', z.strictObject({ itemId: AgendaItemIdSchema })),
  entry('agenda.started', z.strictObject({ itemId: AgendaItemIdSchema })),
  entry(
    'agenda.finished',
    z.strictObject({
      itemId: AgendaItemIdSchema,
      status: z.enum(['done', 'deferred']),
      outcome: AgendaItemSchema.shape.outcome,
    }),
  ),
  // ---- the floor ----
  entry('floor.requested', z.strictObject({ request: FloorRequestSchema })),
  /** Withdrawn by the requester, or removed by the chair (the actor tells which). */
  entry('floor.withdrawn', z.strictObject({ requestId: FloorRequestIdSchema })),
  entry('floor.granted', z.strictObject({ requestId: FloorRequestIdSchema })),
  entry('floor.moved', z.strictObject({ requestId: FloorRequestIdSchema, toIndex: z.number().int().nonnegative() })),
  entry('floor.extended', z.strictObject({ seconds: z.number().int().min(1).max(3600) })),
  entry('floor.ended', z.strictObject({ reason: z.enum(['yielded', 'ended']) })),
  /** Time and grace ran out at `dueAt`; with auto-advance the next request gets the floor. */
  entry('floor.cutOff', z.strictObject({ participantId: ParticipantIdSchema, dueAt: z.number().int() })),
  entry('floor.settings', z.strictObject({ changes: FloorSettingsChangesSchema })),
  /** The chair paused microphones (a record: the media act follows). */
  entry('moderation.muted', z.strictObject({ target: MuteTargetSchema })),
  // ---- issues ----
  entry('issue.raised', z.strictObject({ event: IssueEventSchema, idempotencyKey: z.string().max(200) })),
  entry('issue.changed', z.strictObject({ issueId: IssueIdSchema, events: z.array(IssueEventSchema).min(1).max(4) })),
  entry('issue.settings', z.strictObject({ settings: IssueSettingsSchema })),
  // ---- connection health ----
  entry('alarm.raised', z.strictObject({ alarm: AlarmSchema })),
  entry('alarm.cleared', z.strictObject({ alarm: AlarmSchema })),
  entry(
    'media.mode',
    z.strictObject({ siteId: SiteIdSchema, mode: MediaModeSchema, by: z.enum(['operator', 'auto']) }),
  ),
  entry('health.autoPolicy', z.strictObject({ enabled: z.boolean() })),
]);
export type LogChange = z.infer<typeof LogChangeSchema>;
export type LogChangeType = LogChange['type'];
export type LogPayload<T extends LogChangeType> = Extract<LogChange, { type: T }>['payload'];

/** One entry as it is hashed: the change, its number in the session, its time and its actor. */
export type LogEntryBody = LogChange & { seq: number; at: number; actor: LogActor };
/** One entry as it is stored and sent: the body plus its chain hash. */
export type LogEntry = LogEntryBody & { hash: string };

const EntryMetaSchema = z.strictObject({
  seq: z.number().int().positive(),
  at: z.number().int(),
  actor: LogActorSchema,
});
/** Parses a stored or received entry body (without its hash). */
export function parseEntryBody(value: unknown): LogEntryBody {
  const { type, payload, seq, at, actor, ...rest } = z
    .object({ type: z.string(), payload: z.unknown(), seq: z.unknown(), at: z.unknown(), actor: z.unknown() })
    .loose()
    .parse(value);
  if (Object.keys(rest).length > 0) {
    throw new Error(`log entry has unknown fields: ${Object.keys(rest).join(', ')}`);
  }
  return { ...LogChangeSchema.parse({ type, payload }), ...EntryMetaSchema.parse({ seq, at, actor }) };
}

/** The hash before the first entry of every session. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The canonical bytes of an entry: its body (`seq`, `at`, `actor`, `type`, `payload`; no
 * hash) in the JSON Canonicalization Scheme of RFC 8785: object keys sorted by UTF-16 code
 * units, no whitespace, numbers and strings as ECMAScript writes them. The chain link is
 * `hash = hex(SHA-256(UTF-8(prev_hash_hex) ‖ UTF-8(canonical)))`, starting from
 * `GENESIS_HASH`. Any language with a JCS library and SHA-256 recomputes it.
 */
export function canonicalEntry(body: LogEntryBody): string {
  const { seq, at, actor, type, payload } = body;
  const text = canonicalize({ seq, at, actor, type, payload });
  if (text === undefined) {
    throw new Error('an entry must be JSON');
  }
  return text;
}

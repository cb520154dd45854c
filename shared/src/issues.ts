import { z } from 'zod';
import { AgendaItemIdSchema, IssueIdSchema, ParticipantIdSchema, SessionIdSchema, SiteIdSchema } from './ids.js';
import { RoleSchema } from './domain.js';
import { detailsText, nameText, noteText, titleText } from './text.js';

// The issue queue: matters a site raises, which commanders acknowledge and decide.

export const URGENCIES = ['critical', 'urgent', 'routine'] as const;
export const UrgencySchema = z.enum(URGENCIES);
export type Urgency = z.infer<typeof UrgencySchema>;

/** raised → acknowledged → in_review → decided → closed; or referred / rejected. */
export const ISSUE_STATUSES = [
  'raised',
  'acknowledged',
  'in_review',
  'decided',
  'closed',
  'referred',
  'rejected',
] as const;
export const IssueStatusSchema = z.enum(ISSUE_STATUSES);
export type IssueStatus = z.infer<typeof IssueStatusSchema>;

/** Statuses in which an issue still waits for a commander. */
export const OPEN_ISSUE_STATUSES: readonly IssueStatus[] = ['raised', 'acknowledged', 'in_review'];

export const DEFAULT_ISSUE_CATEGORIES = [
  'humanitarian',
  'ceasefire_security',
  'detainees',
  'returns_reconstruction',
  'services',
  'other',
] as const;
export const CategorySchema = z.string().regex(/^[a-z0-9_]{1,40}$/);

export const ActorSchema = z.strictObject({
  participantId: ParticipantIdSchema,
  displayName: nameText(),
  role: RoleSchema,
  siteId: SiteIdSchema.nullable(),
});
export type Actor = z.infer<typeof ActorSchema>;

/** Time targets of one urgency, in seconds; a null decision target means "by the end of the session". */
export const TargetSchema = z.strictObject({
  acknowledgeSec: z
    .number()
    .int()
    .min(10)
    .max(7 * 24 * 3600),
  decideSec: z
    .number()
    .int()
    .min(10)
    .max(30 * 24 * 3600)
    .nullable(),
});
export const IssueSettingsSchema = z.strictObject({
  categories: z.array(CategorySchema).min(1).max(30),
  targets: z.strictObject({ critical: TargetSchema, urgent: TargetSchema, routine: TargetSchema }),
});
export type IssueSettings = z.infer<typeof IssueSettingsSchema>;

export const DEFAULT_ISSUE_SETTINGS: IssueSettings = {
  categories: [...DEFAULT_ISSUE_CATEGORIES],
  targets: {
    critical: { acknowledgeSec: 120, decideSec: 1800 },
    urgent: { acknowledgeSec: 600, decideSec: 7200 },
    routine: { acknowledgeSec: 3600, decideSec: null },
  },
};

// ---- events: every change to an issue is one of these; the reducer in rules applies them ----
const at = z.number().int();
export const IssueEventSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('raised'),
    issueId: IssueIdSchema,
    at,
    by: ActorSchema,
    title: titleText(),
    details: detailsText(),
    category: CategorySchema,
    urgency: UrgencySchema,
    siteId: SiteIdSchema,
    /** Set when the issue was carried over from an earlier session. */
    carriedFrom: z.strictObject({ sessionId: SessionIdSchema, issueId: IssueIdSchema }).nullable(),
  }),
  z.strictObject({ type: z.literal('supported'), issueId: IssueIdSchema, at, by: ActorSchema, siteId: SiteIdSchema }),
  z.strictObject({ type: z.literal('acknowledged'), issueId: IssueIdSchema, at, by: ActorSchema }),
  z.strictObject({ type: z.literal('review_started'), issueId: IssueIdSchema, at, by: ActorSchema }),
  z.strictObject({
    type: z.literal('decided'),
    issueId: IssueIdSchema,
    at,
    by: ActorSchema,
    decision: detailsText().min(1),
  }),
  z.strictObject({
    type: z.literal('closed'),
    issueId: IssueIdSchema,
    at,
    by: ActorSchema,
    note: noteText().nullable(),
  }),
  z.strictObject({
    type: z.literal('referred'),
    issueId: IssueIdSchema,
    at,
    by: ActorSchema,
    body: titleText(),
    note: noteText(),
  }),
  z.strictObject({
    type: z.literal('rejected'),
    issueId: IssueIdSchema,
    at,
    by: ActorSchema,
    reason: noteText().min(1),
  }),
  z.strictObject({ type: z.literal('pinned'), issueId: IssueIdSchema, at, by: ActorSchema, pinned: z.boolean() }),
  z.strictObject({
    type: z.literal('assigned'),
    issueId: IssueIdSchema,
    at,
    by: ActorSchema,
    assignee: z.strictObject({ participantId: ParticipantIdSchema, displayName: nameText() }).nullable(),
  }),
  z.strictObject({
    type: z.literal('linked'),
    issueId: IssueIdSchema,
    at,
    by: ActorSchema,
    agendaItemId: AgendaItemIdSchema.nullable(),
  }),
  z.strictObject({
    type: z.literal('escalated'),
    issueId: IssueIdSchema,
    at,
    /** Which target was missed. */
    target: z.enum(['acknowledge', 'decide']),
  }),
]);
export type IssueEvent = z.infer<typeof IssueEventSchema>;
export type IssueEventType = IssueEvent['type'];

export const TimelineEntrySchema = z.strictObject({
  at,
  type: z.string(),
  by: z.string().nullable(),
  note: z.string().nullable(),
});

export const IssueSchema = z.strictObject({
  id: IssueIdSchema,
  title: z.string(),
  details: z.string(),
  category: CategorySchema,
  urgency: UrgencySchema,
  status: IssueStatusSchema,
  siteId: SiteIdSchema,
  raisedBy: ActorSchema,
  supporters: z.array(SiteIdSchema),
  assignee: z.strictObject({ participantId: ParticipantIdSchema, displayName: z.string() }).nullable(),
  agendaItemId: AgendaItemIdSchema.nullable(),
  pinned: z.boolean(),
  raisedAt: at,
  acknowledgedAt: at.nullable(),
  decidedAt: at.nullable(),
  endedAt: at.nullable(),
  /** The decision, the referral (to whom and why) or the rejection reason. */
  resolution: z
    .strictObject({
      kind: z.enum(['decided', 'referred', 'rejected']),
      text: z.string(),
      body: z.string().nullable(),
    })
    .nullable(),
  escalated: z.strictObject({ acknowledge: z.boolean(), decide: z.boolean() }),
  carriedFrom: z.strictObject({ sessionId: SessionIdSchema, issueId: IssueIdSchema }).nullable(),
  timeline: z.array(TimelineEntrySchema),
  version: z.number().int().nonnegative(),
});
export type Issue = z.infer<typeof IssueSchema>;

// ---- requests ----
export const RaiseIssueSchema = z.strictObject({
  /** Chosen by the client per raise and reused on retry: a retried raise never makes a second issue. */
  idempotencyKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  title: titleText(),
  details: detailsText().default(''),
  category: CategorySchema,
  urgency: UrgencySchema,
});
export const IssueRefSchema = z.strictObject({ issueId: IssueIdSchema });
export const DecideIssueSchema = z.strictObject({
  issueId: IssueIdSchema,
  decision: detailsText().min(1),
});
export const CloseIssueSchema = z.strictObject({
  issueId: IssueIdSchema,
  note: noteText().nullable().default(null),
});
export const ReferIssueSchema = z.strictObject({
  issueId: IssueIdSchema,
  body: titleText(),
  note: noteText().default(''),
});
export const RejectIssueSchema = z.strictObject({ issueId: IssueIdSchema, reason: noteText().min(1) });
export const PinIssueSchema = z.strictObject({ issueId: IssueIdSchema, pinned: z.boolean() });
export const AssignIssueSchema = z.strictObject({
  issueId: IssueIdSchema,
  participantId: ParticipantIdSchema.nullable(),
});
export const LinkIssueSchema = z.strictObject({ issueId: IssueIdSchema, agendaItemId: AgendaItemIdSchema.nullable() });

/** Measured times of one issue (null while the step has not happened). */
export interface IssueTimes {
  timeToAcknowledgeMs: number | null;
  timeToDecisionMs: number | null;
}

export interface IssueSummary {
  total: number;
  open: number;
  overdue: number;
  acknowledge: { count: number; medianMs: number | null; maxMs: number | null };
  decision: { count: number; medianMs: number | null; maxMs: number | null };
}

export interface IssuesUpdate {
  issue: Issue;
  seq: number;
  serverNow: number;
}

import { z } from 'zod';
import { JoinSessionSchema } from './auth.js';
import { EmptySchema } from './common.js';
import { SessionStatusSchema, type Participant, type ProducerInfo } from './domain.js';
import type { Ack } from './errors.js';
import { AutoPolicySchema, ClientStatsSchema, SetMediaModeSchema, type HealthUpdate } from './health.js';
import {
  AssignIssueSchema,
  CloseIssueSchema,
  DecideIssueSchema,
  IssueRefSchema,
  LinkIssueSchema,
  PinIssueSchema,
  RaiseIssueSchema,
  ReferIssueSchema,
  RejectIssueSchema,
  type Issue,
  type IssueSettings,
} from './issues.js';
import type { LogEntry } from './log.js';
import {
  ConnectTransportSchema,
  ConsumeSchema,
  ConsumerLayersSchema,
  ConsumerRefSchema,
  CreateTransportSchema,
  ProduceSchema,
  ProducerRefSchema,
  RestartIceSchema,
  type ConsumerOptionsWire,
  type IceServersWire,
  type RouterRtpCapabilitiesOut,
  type TransportOptionsWire,
} from './media.js';
import type { Action } from './permissions.js';
import type { Proceedings } from './proceedings.js';
import {
  AgendaAddSchema,
  AgendaEditSchema,
  AgendaFinishSchema,
  AgendaItemRefSchema,
  AgendaReorderSchema,
  FloorChairRefSchema,
  FloorEndSchema,
  FloorExtendSchema,
  FloorGrantSchema,
  FloorMoveSchema,
  FloorRequestPayloadSchema,
  FloorRequestRefSchema,
  FloorSettingsPatchSchema,
  HandOverSchema,
  LobbySettingSchema,
  LockSchema,
  MuteSchema,
  ParticipantRefSchema,
} from './proceedingsSchemas.js';
import type { SessionState } from './sessionState.js';

// Every request of the protocol, declared once: its payload schema, its reply type and who
// may send it. The typed event map, the server's handler registration and permission checks,
// and the client's sender are all derived from this table.

declare const REPLY: unique symbol;

export interface RequestSpec<S extends z.ZodType = z.ZodType, R = unknown> {
  schema: S;
  /** The permission the server checks (`PERMISSIONS`); null: anyone joined. */
  permission: Action | null;
  /** False only for `session:join` itself: every other request needs a joined connection. */
  joined: boolean;
  /** Phantom: the type of the reply's data. */
  readonly [REPLY]?: R;
}

const request = <S extends z.ZodType>(schema: S, permission: Action | null, joined = true) => ({
  returns: <R>(): RequestSpec<S, R> => ({ schema, permission, joined }),
});

/** Everything a newly joined client needs to draw the session, read in one step at `seq`. */
export interface SessionSnapshot {
  /** The session's state after entry `seq` (the fold of its log). */
  state: SessionState;
  seq: number;
  /** The chain hash of entry `seq`. */
  hash: string;
  self: Participant;
  /** This invite's identity: with the state, it says whether this participant holds the chair. */
  subject: string;
  producers: ProducerInfo[];
  activeSpeaker: ActiveSpeaker | null;
  /** The server's clock (ms) when the snapshot was taken: clients derive timers from it. */
  serverNow: number;
}

/** The answer to `session:join`: the snapshot, and whether the tab's media was kept (`resume`). */
export interface SessionJoined extends SessionSnapshot {
  mediaResumed: boolean;
}

export interface ActiveSpeaker {
  participantId: Participant['id'];
  siteId: Participant['siteId'];
}

export interface ProceedingsUpdate {
  proceedings: Proceedings;
  seq: number;
  serverNow: number;
}

export interface CarryOverItem {
  fromSessionId: string;
  fromSessionTitle: string;
  issue: Issue;
}

/** Entries read back from the log: the client asks after a gap or a reconnect. */
export const SinceSchema = z.strictObject({ after: z.number().int().nonnegative() });

export const REQUESTS = {
  // ---- the session ----
  'session:join': request(JoinSessionSchema, null, false).returns<SessionJoined>(),
  'session:leave': request(EmptySchema, null).returns<null>(),
  /** A fresh snapshot, for a client too far behind to catch up with `session:since`. */
  'session:snapshot': request(EmptySchema, 'read').returns<SessionSnapshot>(),
  /** The entries after `after`, in order; null when they are too many (take a snapshot). */
  'session:since': request(SinceSchema, 'read').returns<{
    entries: LogEntry[] | null;
    head: number;
    /** The server's clock (ms) when it answered: clients re-estimate their offset from it. */
    serverNow: number;
  }>(),
  'session:setStatus': request(z.strictObject({ status: SessionStatusSchema }), 'moderate').returns<null>(),

  // ---- media ----
  'media:getRouterRtpCapabilities': request(EmptySchema, 'listen').returns<RouterRtpCapabilitiesOut>(),
  'media:createTransport': request(CreateTransportSchema, 'listen').returns<TransportOptionsWire>(),
  'media:connectTransport': request(ConnectTransportSchema, 'listen').returns<null>(),
  'media:restartIce': request(RestartIceSchema, 'listen').returns<TransportOptionsWire['iceParameters']>(),
  'media:iceServers': request(EmptySchema, 'listen').returns<IceServersWire>(),
  /** The permission depends on the source (`publishAction`); checked by the handler. */
  'media:produce': request(ProduceSchema, null).returns<{ producerId: string }>(),
  'media:closeProducer': request(ProducerRefSchema, null).returns<null>(),
  'media:pauseProducer': request(ProducerRefSchema, null).returns<null>(),
  'media:resumeProducer': request(ProducerRefSchema, null).returns<null>(),
  'media:consume': request(ConsumeSchema, 'listen').returns<ConsumerOptionsWire>(),
  'media:resumeConsumer': request(ConsumerRefSchema, 'listen').returns<null>(),
  'media:setConsumerLayers': request(ConsumerLayersSchema, 'listen').returns<null>(),

  // ---- agenda ----
  'proceedings:get': request(EmptySchema, 'read').returns<ProceedingsUpdate>(),
  'agenda:add': request(AgendaAddSchema, 'agenda.edit').returns<{ itemId: string }>(),
  'agenda:edit': request(AgendaEditSchema, 'agenda.edit').returns<null>(),
  'agenda:reorder': request(AgendaReorderSchema, 'agenda.edit').returns<null>(),
  'agenda:delete': request(AgendaItemRefSchema, 'agenda.edit').returns<null>(),
  'agenda:start': request(AgendaItemRefSchema, 'agenda.run').returns<null>(),
  'agenda:finish': request(AgendaFinishSchema, 'agenda.run').returns<null>(),

  // ---- floor ----
  /** A member asks for the floor, for themselves or their whole site. */
  'floor:request': request(FloorRequestPayloadSchema, 'floor.request').returns<{ requestId: string }>(),
  /** Withdraw one's own request (or one's site's); the chair may withdraw any. */
  'floor:withdraw': request(FloorRequestRefSchema, 'floor.request').returns<null>(),
  /** The speaker hands the floor back. */
  'floor:yield': request(EmptySchema, 'floor.request').returns<null>(),
  'floor:grant': request(FloorGrantSchema, 'floor.run').returns<null>(),
  'floor:move': request(FloorMoveSchema, 'floor.run').returns<null>(),
  'floor:remove': request(FloorChairRefSchema, 'floor.run').returns<null>(),
  'floor:extend': request(FloorExtendSchema, 'floor.run').returns<null>(),
  'floor:end': request(FloorEndSchema, 'floor.run').returns<null>(),
  'floor:settings': request(FloorSettingsPatchSchema, 'floor.run').returns<null>(),

  // ---- moderation ----
  'moderation:mute': request(MuteSchema, 'moderate').returns<{ muted: number }>(),
  'moderation:remove': request(ParticipantRefSchema, 'moderate').returns<null>(),
  'session:lock': request(LockSchema, 'moderate').returns<null>(),
  'lobby:setEnabled': request(LobbySettingSchema, 'moderate').returns<null>(),
  'lobby:admit': request(ParticipantRefSchema, 'moderate').returns<null>(),
  'lobby:refuse': request(ParticipantRefSchema, 'moderate').returns<null>(),
  'chair:handOver': request(HandOverSchema, 'moderate').returns<null>(),

  // ---- issues ----
  /** A member raises an issue in its site's name; a retry with the same key returns the same issue. */
  'issue:raise': request(RaiseIssueSchema, 'issue.raise').returns<{ issueId: string; created: boolean }>(),
  'issue:support': request(IssueRefSchema, 'issue.raise').returns<null>(),
  'issue:acknowledge': request(IssueRefSchema, 'issue.decide').returns<null>(),
  'issue:review': request(IssueRefSchema, 'issue.decide').returns<null>(),
  'issue:decide': request(DecideIssueSchema, 'issue.decide').returns<null>(),
  'issue:close': request(CloseIssueSchema, 'issue.close').returns<null>(),
  'issue:refer': request(ReferIssueSchema, 'issue.decide').returns<null>(),
  'issue:reject': request(RejectIssueSchema, 'issue.decide').returns<null>(),
  'issue:pin': request(PinIssueSchema, 'issue.triage').returns<null>(),
  'issue:assign': request(AssignIssueSchema, 'issue.triage').returns<null>(),
  'issue:link': request(LinkIssueSchema, 'issue.triage').returns<null>(),
  'issues:list': request(EmptySchema, 'read').returns<{
    issues: Issue[];
    settings: IssueSettings;
    seq: number;
    serverNow: number;
  }>(),
  /** Unresolved issues of earlier sessions of the same sites, waiting to be imported. */
  'issues:carryOver': request(EmptySchema, 'issue.triage').returns<{ items: CarryOverItem[] }>(),
  'issues:importCarryOver': request(EmptySchema, 'issue.triage').returns<{ imported: number }>(),

  // ---- connection health ----
  /** Every few seconds from every client: its own view of its connection. Also its heartbeat. */
  'stats:report': request(ClientStatsSchema, 'report').returns<null>(),
  /** Operators and the chair: the current health board. */
  'health:get': request(EmptySchema, 'health.view').returns<HealthUpdate>(),
  /** Operators: move a site to audio-only or the lowest video layer, and back. */
  'health:setMediaMode': request(SetMediaModeSchema, 'health.control').returns<null>(),
  /** Operators: let the server move degraded sites down (and back up) by itself. */
  'health:setAutoPolicy': request(AutoPolicySchema, 'health.control').returns<null>(),
} as const;

export type RequestName = keyof typeof REQUESTS;
/** What a client sends (before defaults). */
export type RequestPayload<E extends RequestName> = z.input<(typeof REQUESTS)[E]['schema']>;
/** What a handler receives (parsed, defaults filled in). */
export type RequestData<E extends RequestName> = z.output<(typeof REQUESTS)[E]['schema']>;
/** The data of a successful reply. */
export type RequestReply<E extends RequestName> =
  (typeof REQUESTS)[E] extends RequestSpec<z.ZodType, infer R> ? R : never;

/** Client → server: every request carries exactly one payload and an ack callback. */
export type ClientToServerEvents = {
  [E in RequestName]: (payload: RequestPayload<E>, ack: Ack<RequestReply<E>>) => void;
};

export const isRequestName = (name: string): name is RequestName => Object.hasOwn(REQUESTS, name);

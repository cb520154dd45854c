import type { Ack } from './errors.js';
import type { Participant, ProducerInfo, Session } from './domain.js';
import type { JoinSession } from './auth.js';
import type { ConsumerOptionsWire, RouterRtpCapabilitiesOut, TransportOptionsWire } from './media.js';
import type { z } from 'zod';
import type {
  ConnectTransportSchema,
  ConsumeSchema,
  ConsumerLayersSchema,
  ConsumerRefSchema,
  CreateTransportSchema,
  ProduceSchema,
  ProducerRefSchema,
  RestartIceSchema,
} from './media.js';
import type { ParticipantId, SiteId } from './ids.js';
import type { Proceedings } from './proceedings.js';
import type { Issue, IssuesUpdate, IssueSettings } from './issues.js';
import type {
  AssignIssueSchema,
  CloseIssueSchema,
  DecideIssueSchema,
  IssueRefSchema,
  LinkIssueSchema,
  PinIssueSchema,
  RaiseIssueSchema,
  ReferIssueSchema,
  RejectIssueSchema,
} from './issues.js';
import type { SessionStatus } from './domain.js';
import type { Alarm, HealthUpdate, MediaMode, SiteStatus } from './health.js';
import type { AutoPolicySchema, ClientStatsSchema, SetMediaModeSchema } from './health.js';
import type {
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

/** Everything a newly joined client needs to draw the session. */
export interface SessionSnapshot {
  session: Session;
  self: Participant;
  participants: Participant[];
  producers: ProducerInfo[];
  activeSpeaker: ActiveSpeaker | null;
  /** Agenda, floor queue, speaker and settings. */
  proceedings: Proceedings;
  /** Whether this participant holds the chair now. */
  isChair: boolean;
  /** Participants waiting in the lobby (filled for the chair only). */
  lobby: Participant[];
  /** The session's issues (in no particular order: clients sort with `orderIssues`). */
  issues: Issue[];
  issueSettings: IssueSettings;
  /** The server's clock (ms) when the snapshot was taken: clients derive timers from it. */
  serverNow: number;
  /** Per-session sequence number of the last broadcast the snapshot includes. */
  seq: number;
}

/** Every change to the proceedings is broadcast whole: it is small, and a client never has to merge. */
export interface ProceedingsUpdate {
  proceedings: Proceedings;
  seq: number;
  serverNow: number;
}

export type MuteReason = 'chair' | 'floor_mode' | 'time_up';

export interface ActiveSpeaker {
  participantId: ParticipantId;
  siteId: SiteId | null;
}

type In<S extends z.ZodType> = z.input<S>;

/**
 * Client → server. Every event carries exactly one payload and an ack callback; the
 * server validates the payload with the schema named in `clientSchemas` (schemas.ts).
 */
export interface ClientToServerEvents {
  'session:join': (payload: JoinSession, ack: Ack<SessionSnapshot>) => void;
  'session:leave': (payload: Record<string, never>, ack: Ack<null>) => void;
  'media:getRouterRtpCapabilities': (payload: Record<string, never>, ack: Ack<RouterRtpCapabilitiesOut>) => void;
  'media:createTransport': (payload: In<typeof CreateTransportSchema>, ack: Ack<TransportOptionsWire>) => void;
  'media:connectTransport': (payload: In<typeof ConnectTransportSchema>, ack: Ack<null>) => void;
  'media:restartIce': (payload: In<typeof RestartIceSchema>, ack: Ack<TransportOptionsWire['iceParameters']>) => void;
  'media:produce': (payload: In<typeof ProduceSchema>, ack: Ack<{ producerId: string }>) => void;
  'media:closeProducer': (payload: In<typeof ProducerRefSchema>, ack: Ack<null>) => void;
  'media:pauseProducer': (payload: In<typeof ProducerRefSchema>, ack: Ack<null>) => void;
  'media:resumeProducer': (payload: In<typeof ProducerRefSchema>, ack: Ack<null>) => void;
  'media:consume': (payload: In<typeof ConsumeSchema>, ack: Ack<ConsumerOptionsWire>) => void;
  'media:resumeConsumer': (payload: In<typeof ConsumerRefSchema>, ack: Ack<null>) => void;
  'media:setConsumerLayers': (payload: In<typeof ConsumerLayersSchema>, ack: Ack<null>) => void;

  // ---- agenda (chair) ----
  'proceedings:get': (payload: Record<string, never>, ack: Ack<ProceedingsUpdate>) => void;
  'agenda:add': (payload: In<typeof AgendaAddSchema>, ack: Ack<{ itemId: string }>) => void;
  'agenda:edit': (payload: In<typeof AgendaEditSchema>, ack: Ack<null>) => void;
  'agenda:reorder': (payload: In<typeof AgendaReorderSchema>, ack: Ack<null>) => void;
  'agenda:delete': (payload: In<typeof AgendaItemRefSchema>, ack: Ack<null>) => void;
  'agenda:start': (payload: In<typeof AgendaItemRefSchema>, ack: Ack<null>) => void;
  'agenda:finish': (payload: In<typeof AgendaFinishSchema>, ack: Ack<null>) => void;

  // ---- floor ----
  /** A member asks for the floor, for themselves or their whole site. */
  'floor:request': (payload: In<typeof FloorRequestPayloadSchema>, ack: Ack<{ requestId: string }>) => void;
  /** Withdraw one's own request (or one's site's); the chair may withdraw any. */
  'floor:withdraw': (payload: In<typeof FloorRequestRefSchema>, ack: Ack<null>) => void;
  /** The speaker hands the floor back. */
  'floor:yield': (payload: Record<string, never>, ack: Ack<null>) => void;
  'floor:grant': (payload: In<typeof FloorGrantSchema>, ack: Ack<null>) => void;
  'floor:move': (payload: In<typeof FloorMoveSchema>, ack: Ack<null>) => void;
  'floor:remove': (payload: In<typeof FloorChairRefSchema>, ack: Ack<null>) => void;
  'floor:extend': (payload: In<typeof FloorExtendSchema>, ack: Ack<null>) => void;
  'floor:end': (payload: In<typeof FloorEndSchema>, ack: Ack<null>) => void;
  'floor:settings': (payload: In<typeof FloorSettingsPatchSchema>, ack: Ack<null>) => void;

  // ---- moderation (chair) ----
  'moderation:mute': (payload: In<typeof MuteSchema>, ack: Ack<{ muted: number }>) => void;
  'moderation:remove': (payload: In<typeof ParticipantRefSchema>, ack: Ack<null>) => void;
  'session:lock': (payload: In<typeof LockSchema>, ack: Ack<null>) => void;
  'lobby:setEnabled': (payload: In<typeof LobbySettingSchema>, ack: Ack<null>) => void;
  'lobby:admit': (payload: In<typeof ParticipantRefSchema>, ack: Ack<null>) => void;
  'lobby:refuse': (payload: In<typeof ParticipantRefSchema>, ack: Ack<null>) => void;
  'chair:handOver': (payload: In<typeof HandOverSchema>, ack: Ack<null>) => void;
  /** Moves the session through its lifecycle; closing it carries open issues over. */
  'session:setStatus': (payload: { status: SessionStatus }, ack: Ack<null>) => void;

  // ---- issues ----
  /** A member raises an issue in its site's name; a retry with the same key returns the same issue. */
  'issue:raise': (payload: In<typeof RaiseIssueSchema>, ack: Ack<{ issueId: string; created: boolean }>) => void;
  'issue:support': (payload: In<typeof IssueRefSchema>, ack: Ack<null>) => void;
  'issue:acknowledge': (payload: In<typeof IssueRefSchema>, ack: Ack<null>) => void;
  'issue:review': (payload: In<typeof IssueRefSchema>, ack: Ack<null>) => void;
  'issue:decide': (payload: In<typeof DecideIssueSchema>, ack: Ack<null>) => void;
  'issue:close': (payload: In<typeof CloseIssueSchema>, ack: Ack<null>) => void;
  'issue:refer': (payload: In<typeof ReferIssueSchema>, ack: Ack<null>) => void;
  'issue:reject': (payload: In<typeof RejectIssueSchema>, ack: Ack<null>) => void;
  'issue:pin': (payload: In<typeof PinIssueSchema>, ack: Ack<null>) => void;
  'issue:assign': (payload: In<typeof AssignIssueSchema>, ack: Ack<null>) => void;
  'issue:link': (payload: In<typeof LinkIssueSchema>, ack: Ack<null>) => void;
  'issues:list': (
    payload: Record<string, never>,
    ack: Ack<{ issues: Issue[]; settings: IssueSettings; seq: number; serverNow: number }>,
  ) => void;
  /** Unresolved issues of earlier sessions of the same sites, waiting to be imported. */
  'issues:carryOver': (payload: Record<string, never>, ack: Ack<{ items: CarryOverItem[] }>) => void;
  'issues:importCarryOver': (payload: Record<string, never>, ack: Ack<{ imported: number }>) => void;

  // ---- connection health ----
  /** Every few seconds from every client: its own view of its connection. Also its heartbeat. */
  'stats:report': (payload: In<typeof ClientStatsSchema>, ack: Ack<null>) => void;
  /** Operators and the chair: the current health board. */
  'health:get': (payload: Record<string, never>, ack: Ack<HealthUpdate>) => void;
  /** Operators: move a site to audio-only or the lowest video layer, and back. */
  'health:setMediaMode': (payload: In<typeof SetMediaModeSchema>, ack: Ack<null>) => void;
  /** Operators: let the server move degraded sites down (and back up) by itself. */
  'health:setAutoPolicy': (payload: In<typeof AutoPolicySchema>, ack: Ack<null>) => void;
}

export interface CarryOverItem {
  fromSessionId: string;
  fromSessionTitle: string;
  issue: Issue;
}

/** Server → client broadcasts. Session-wide ones carry the session sequence number. */
export interface ServerToClientEvents {
  'participant:joined': (e: { participant: Participant; seq: number }) => void;
  'participant:updated': (e: { participant: Participant; seq: number }) => void;
  'participant:left': (e: { participantId: ParticipantId; seq: number }) => void;
  'session:updated': (e: { session: Session; seq: number }) => void;
  'producer:new': (e: ProducerInfo) => void;
  'producer:updated': (e: { producerId: string; paused: boolean }) => void;
  'producer:closed': (e: { producerId: string }) => void;
  'consumer:closed': (e: { consumerId: string }) => void;
  'speaker:active': (e: ActiveSpeaker | null) => void;
  /**
   * The media server under this session was lost (e.g. a worker died). Every transport of
   * the client is gone; it must load a new device and publish and subscribe again.
   */
  'media:reset': (e: { reason: string }) => void;
  /** Sent just before the server disconnects this socket on purpose. */
  'session:kicked': (e: { code: 'REPLACED' | 'REMOVED' | 'REFUSED'; message: string }) => void;
  'proceedings:updated': (e: ProceedingsUpdate) => void;
  /** To the participants (or the site) who were just given the floor: unmute if you allow it. */
  'floor:granted': (e: { requestId: string; forSite: boolean }) => void;
  /** To a participant whose microphone the server paused. */
  'moderation:muted': (e: { reason: MuteReason }) => void;
  /** To the chair: who waits in the lobby. */
  'lobby:updated': (e: { waiting: Participant[] }) => void;
  /** To a waiting participant: join again now. */
  'lobby:admitted': (e: Record<string, never>) => void;
  'issue:updated': (e: IssuesUpdate) => void;
  /** The session's issue categories or time targets changed. */
  'issue:settings': (e: { settings: IssueSettings }) => void;
  /** To commanders, the chair and operators: an issue missed its time target. */
  'issue:overdue': (e: {
    issueId: string;
    target: 'acknowledge' | 'decide';
    title: string;
    urgency: Issue['urgency'];
  }) => void;
  /** To operators, twice a second. */
  'health:update': (e: HealthUpdate) => void;
  /** To operators and whoever holds the chair: an alarm was raised or cleared. */
  'health:alarm': (e: { alarm: Alarm }) => void;
  /** To everyone, when a site's status changes (the chair shows it as a badge). */
  'health:summary': (e: { sites: { siteId: string; status: SiteStatus; reasons: string[] }[] }) => void;
  /** To the participants of a site: send and receive this much video. */
  'media:mode': (e: { mode: MediaMode; by: 'operator' | 'auto' }) => void;
  /** To the chair: whether they hold the chair now (after a hand-over). */
  'chair:changed': (e: { isChair: boolean }) => void;
}

export type InterServerEvents = Record<string, never>;

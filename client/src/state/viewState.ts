import {
  localizedSession,
  DEFAULT_ISSUE_SETTINGS,
  holdsChair,
  type ActiveSpeaker,
  type Alarm,
  type Issue,
  type IssueId,
  type IssueSettings,
  type MediaMode,
  type MuteReason,
  type Participant,
  type ParticipantId,
  type ProducerInfo,
  type Proceedings,
  type Session,
  type SessionState,
} from '@concord/shared';
import type { RemoteTrack } from '../media/MediaClient';
import type { AppErrorCode } from './errors';
import type { SiteSummary } from './health';

/**
 * joining → joined → leaving → left; `kicked` and `failed` end the session from any state.
 * `lobby`: the session has a lobby and the chair has not admitted us yet (joining → lobby → joining).
 * A dropped connection does not change the phase: the participant keeps their place.
 */
export type SessionPhase = 'joining' | 'lobby' | 'joined' | 'leaving' | 'left' | 'kicked' | 'failed';

/** Why the server closed our participation on purpose. */
export type KickReason = 'REPLACED' | 'REMOVED' | 'REFUSED';

/** `connecting` only before the first connection; afterwards a drop is `reconnecting`. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting';

/** A local camera or microphone: what the user wants (`enabled`) and what is open (`track`). */
export interface LocalSource {
  enabled: boolean;
  track: MediaStreamTrack | null;
  /** A toggle is in progress; the control waits for it. */
  busy: boolean;
}

export interface ScreenShareSource {
  track: MediaStreamTrack | null;
  busy: boolean;
}

export interface Notice {
  /** Distinguishes two notices with the same code, so each one is shown afresh. */
  id: number;
  code: AppErrorCode;
  message: string;
}

export interface Failure {
  code: AppErrorCode;
  message: string;
  /** Set when the server kicked us (removed by the chair, refused at the lobby, replaced by another tab). */
  kick?: KickReason;
}

/** The server paused our microphone: shown once, with the reason. */
export interface ModerationNotice {
  id: number;
  reason: MuteReason;
  /** Server time (ms, estimated) when it came. */
  at: number;
}

/** An issue missed a time target (an `escalated` issue event; shown to commanders, the chair and operators). */
export interface OverdueAlert {
  /** Distinguishes two alerts about the same issue. */
  id: number;
  issueId: string;
  target: 'acknowledge' | 'decide';
  title: string;
  urgency: Issue['urgency'];
}

/**
 * Who moved our video up or down: the operator or the automatic policy (a `media.mode`
 * entry for our site), or this browser, by what it measures of its own uplink.
 */
export type MediaModeSource = 'operator' | 'auto' | 'uplink';

const VIDEO_ORDER: Record<MediaMode, number> = { full: 0, low: 1, 'audio-only': 2 };

/** The lesser of two video levels (what we send is held to both our site's mode and our uplink). */
export function lesserVideo(a: MediaMode, b: MediaMode): MediaMode {
  return VIDEO_ORDER[a] >= VIDEO_ORDER[b] ? a : b;
}

/** How much video our site sends and receives; `by` is null until the server first says. */
export interface MediaModeState {
  mode: MediaMode;
  by: MediaModeSource | null;
}

/** Our site's media mode changed: shown once, with who changed it. */
export interface MediaModeNotice {
  id: number;
  mode: MediaMode;
  by: MediaModeSource;
}

/** A site alarm raised, shown to the chair once. */
export interface AlarmNotice {
  id: number;
  alarm: Alarm;
}

/** Our site's media mode when the state says nothing about it (or we belong to no site). */
export const FULL_MEDIA_MODE: MediaModeState = { mode: 'full', by: null };

/**
 * What the UI draws. `record` is the session as its log tells it (the shared `SessionState`,
 * folded with the shared `applyEntry`); the fields after it up to `mediaMode` are read from
 * it by `withRecord` and never written otherwise. The rest is this client's own: its media,
 * its devices, its notices.
 */
export interface ViewState {
  phase: SessionPhase;
  connection: ConnectionStatus;
  /** When the link dropped (this client's clock), while it is reconnecting; null otherwise. */
  reconnectingSince: number | null;
  /** What this browser's own uplink allows it to send (`uplinkPolicy`). */
  uplink: MediaMode;
  /** The session's state after the last entry applied; null before the first snapshot. */
  record: SessionState | null;
  /** The UI language: site names are shown in it where the session gives them. */
  language: string;
  /** This invite's identity (the snapshot's `subject`): with the record, it says who holds the chair. */
  subject: string | null;
  // ---- read from `record` ----
  session: Session | null;
  self: Participant | null;
  /** Every participant with a place (connected or reconnecting), self included. */
  participants: ReadonlyMap<ParticipantId, Participant>;
  /** Agenda, floor and settings; null before the first snapshot. */
  proceedings: Proceedings | null;
  /** This participant holds the chair now (`holdsChair`). */
  isChair: boolean;
  /** Participants waiting in the lobby (shown to the chair only; empty for everyone else). */
  lobby: readonly Participant[];
  /** The session's issues by id. Order with `orderIssues`. */
  issues: ReadonlyMap<IssueId, Issue>;
  /** Categories and time targets of the issue queue. */
  issueSettings: IssueSettings;
  /** Our site's media mode: full video, the lowest layer only, or audio only. */
  mediaMode: MediaModeState;
  // ---- this client's own ----
  /** Every published producer of the session, by producer id (own ones included). */
  producers: ReadonlyMap<string, ProducerInfo>;
  /** Consumed tracks of other participants, by producer id. */
  remoteTracks: ReadonlyMap<string, RemoteTrack>;
  activeSpeaker: ActiveSpeaker | null;
  mic: LocalSource;
  camera: LocalSource;
  screen: ScreenShareSource;
  /** The media transports are up and the local tracks published. */
  mediaReady: boolean;
  /** A passing error, shown and dismissed. */
  notice: Notice | null;
  /** The server's clock minus ours (ms): every timer is computed from server timestamps plus this. */
  clockOffsetMs: number;
  /** Turn the microphone on by itself when the floor is given to us (a local preference). */
  unmuteOnFloor: boolean;
  /** The last time the server paused our microphone (cleared when the notice is dismissed). */
  moderation: ModerationNotice | null;
  /** When (server ms) the server last cut our microphone because the turn ran out. */
  timeUpAt: number | null;
  /** Why the session ended (`kicked` or `failed`). */
  failure: Failure | null;
  /** Missed targets not yet dismissed, newest last. */
  overdueAlerts: readonly OverdueAlert[];
  /** The last change of our media mode, until dismissed. */
  mediaModeNotice: MediaModeNotice | null;
  /** Every site's connection status ('health:summary'); null until the first. */
  siteSummary: SiteSummary | null;
  /** The last site alarm raised (shown to the chair), until dismissed. */
  alarmNotice: AlarmNotice | null;
}

export function initialViewState(options: {
  micEnabled: boolean;
  cameraEnabled: boolean;
  unmuteOnFloor: boolean;
  language?: string;
}): ViewState {
  return {
    language: options.language ?? 'en',
    phase: 'joining',
    connection: 'connecting',
    reconnectingSince: null,
    uplink: 'full',
    record: null,
    subject: null,
    session: null,
    self: null,
    participants: new Map(),
    proceedings: null,
    isChair: false,
    lobby: [],
    issues: new Map(),
    issueSettings: DEFAULT_ISSUE_SETTINGS,
    mediaMode: FULL_MEDIA_MODE,
    producers: new Map(),
    remoteTracks: new Map(),
    activeSpeaker: null,
    mic: { enabled: options.micEnabled, track: null, busy: false },
    camera: { enabled: options.cameraEnabled, track: null, busy: false },
    screen: { track: null, busy: false },
    mediaReady: false,
    notice: null,
    clockOffsetMs: 0,
    unmuteOnFloor: options.unmuteOnFloor,
    moderation: null,
    timeUpAt: null,
    failure: null,
    overdueAlerts: [],
    mediaModeNotice: null,
    siteSummary: null,
    alarmNotice: null,
  };
}

/**
 * The view with a new record: the fields read from it follow. A part of the record that the
 * entry did not touch keeps its object (the reducer copies only what changes), and so does
 * what is read from it, so that a screen memoised on `issues` is not redrawn by a floor change.
 */
export function withRecord(v: ViewState, record: SessionState, selfId: ParticipantId, subject: string): ViewState {
  const prev = v.record;
  const self = record.participants[selfId] ?? v.self;
  const participants =
    prev?.participants === record.participants && self === v.self
      ? v.participants
      : participantsOf(record.participants, self);
  const isChair = self !== null && holdsChair(record.proceedings, subject, self.role);
  const lobby =
    prev?.lobby === record.lobby && isChair === v.isChair ? v.lobby : isChair ? Object.values(record.lobby) : [];
  const issues =
    prev?.issues === record.issues ? v.issues : new Map(Object.values(record.issues).map((i) => [i.id, i]));
  const siteMode = self !== null && self.siteId !== null ? record.mediaModes[self.siteId] : undefined;
  const mediaMode =
    siteMode === undefined
      ? FULL_MEDIA_MODE
      : siteMode.mode === v.mediaMode.mode && siteMode.by === v.mediaMode.by
        ? v.mediaMode
        : { mode: siteMode.mode, by: siteMode.by };
  return {
    ...v,
    record,
    subject,
    session: localizedSession(record.session, v.language),
    self,
    participants,
    proceedings: record.proceedings,
    isChair,
    lobby,
    issues,
    issueSettings: record.issueSettings,
    mediaMode,
  };
}

function participantsOf(
  record: SessionState['participants'],
  self: Participant | null,
): ReadonlyMap<ParticipantId, Participant> {
  const participants = new Map<ParticipantId, Participant>(Object.values(record).map((p) => [p.id, p]));
  if (self !== null && !participants.has(self.id)) {
    participants.set(self.id, self);
  }
  return participants;
}

// Copy-on-write helpers for the maps in the state.
export function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> {
  const next = new Map(map);
  next.set(key, value);
  return next;
}

export function withoutEntries<K, V>(map: ReadonlyMap<K, V>, keys: Iterable<K>): ReadonlyMap<K, V> {
  const next = new Map(map);
  let changed = false;
  for (const key of keys) {
    changed = next.delete(key) || changed;
  }
  return changed ? next : map;
}

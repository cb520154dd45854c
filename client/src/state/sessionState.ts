import {
  DEFAULT_ISSUE_SETTINGS,
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

/** An issue missed a time target ('issue:overdue', sent to commanders, the chair and operators). */
export interface OverdueAlert {
  /** Distinguishes two alerts about the same issue. */
  id: number;
  issueId: string;
  target: 'acknowledge' | 'decide';
  title: string;
  urgency: Issue['urgency'];
}

/** Who moved our site's video up or down ('media:mode'). */
export type MediaModeSource = 'operator' | 'auto';

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

export interface SessionState {
  phase: SessionPhase;
  connection: ConnectionStatus;
  session: Session | null;
  self: Participant | null;
  /** Every participant, self included. */
  participants: ReadonlyMap<ParticipantId, Participant>;
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
  /** Agenda, floor and settings, replaced whole by every update; null before the first snapshot. */
  proceedings: Proceedings | null;
  /** The server's clock minus ours (ms): every timer is computed from server timestamps plus this. */
  clockOffsetMs: number;
  /** This participant holds the chair now. */
  isChair: boolean;
  /** Participants waiting in the lobby (known to the chair only). */
  lobby: readonly Participant[];
  /** Turn the microphone on by itself when the floor is given to us (a local preference). */
  unmuteOnFloor: boolean;
  /** The last time the server paused our microphone (cleared when the notice is dismissed). */
  moderation: ModerationNotice | null;
  /** When (server ms) the server last cut our microphone because the turn ran out. */
  timeUpAt: number | null;
  /** Why the session ended (`kicked` or `failed`). */
  failure: Failure | null;
  /** The session's issues by id; each is replaced only by a higher version. Order with `orderIssues`. */
  issues: ReadonlyMap<IssueId, Issue>;
  /** Categories and time targets of the issue queue. */
  issueSettings: IssueSettings;
  /** Missed targets not yet dismissed, newest last. */
  overdueAlerts: readonly OverdueAlert[];
  /** Our site's media mode: full video, the lowest layer only, or audio only. */
  mediaMode: MediaModeState;
  /** The last change of our media mode, until dismissed. */
  mediaModeNotice: MediaModeNotice | null;
  /** Every site's connection status ('health:summary'); null until the first. */
  siteSummary: SiteSummary | null;
  /** The last site alarm raised (shown to the chair), until dismissed. */
  alarmNotice: AlarmNotice | null;
}

export function initialSessionState(options: {
  micEnabled: boolean;
  cameraEnabled: boolean;
  unmuteOnFloor: boolean;
}): SessionState {
  return {
    phase: 'joining',
    connection: 'connecting',
    session: null,
    self: null,
    participants: new Map(),
    producers: new Map(),
    remoteTracks: new Map(),
    activeSpeaker: null,
    mic: { enabled: options.micEnabled, track: null, busy: false },
    camera: { enabled: options.cameraEnabled, track: null, busy: false },
    screen: { track: null, busy: false },
    mediaReady: false,
    notice: null,
    proceedings: null,
    clockOffsetMs: 0,
    isChair: false,
    lobby: [],
    unmuteOnFloor: options.unmuteOnFloor,
    moderation: null,
    timeUpAt: null,
    failure: null,
    issues: new Map(),
    issueSettings: DEFAULT_ISSUE_SETTINGS,
    overdueAlerts: [],
    mediaMode: { mode: 'full', by: null },
    mediaModeNotice: null,
    siteSummary: null,
    alarmNotice: null,
  };
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

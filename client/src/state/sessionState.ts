import type { ActiveSpeaker, Participant, ParticipantId, ProducerInfo, Session } from '@concord/shared';
import type { RemoteTrack } from '../media/MediaClient';
import type { AppErrorCode } from './errors';

/**
 * joining → joined → leaving → left; `kicked` and `failed` end the session from any state.
 * A dropped connection does not change the phase: the participant keeps their place.
 */
export type SessionPhase = 'joining' | 'joined' | 'leaving' | 'left' | 'kicked' | 'failed';

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
  /** Why the session ended (`kicked` or `failed`). */
  failure: Failure | null;
}

export function initialSessionState(options: { micEnabled: boolean; cameraEnabled: boolean }): SessionState {
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
    failure: null,
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

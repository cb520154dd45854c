import type { ProducerInfo } from './domain.js';
import type { HealthUpdate, SiteStatus } from './health.js';
import type { LogEntry } from './log.js';
import type { ActiveSpeaker } from './requests.js';

export type { ClientToServerEvents } from './requests.js';

export type MuteReason = 'chair' | 'floor_mode' | 'time_up';

/**
 * Server → client. Every change to the session arrives as one `session:entry`, in log
 * order, every sequence number once; the other events are about media and connections,
 * which are not part of the session's record.
 */
export interface ServerToClientEvents {
  /** The next entry of the session log (`seq` is the previous one's plus one). */
  'session:entry': (e: LogEntry) => void;
  'producer:new': (e: ProducerInfo) => void;
  'producer:updated': (e: { producerId: string; paused: boolean }) => void;
  'producer:closed': (e: { producerId: string }) => void;
  'consumer:closed': (e: { consumerId: string }) => void;
  /** The dominant speaker, or null when nobody speaks. */
  'speaker:active': (e: ActiveSpeaker | null) => void;
  /**
   * The media server under this session was lost (e.g. a worker died). Every transport of
   * the client is gone; it must load a new device and publish and subscribe again.
   */
  'media:reset': (e: { reason: string }) => void;
  /** Sent just before the server disconnects this socket on purpose. */
  'session:kicked': (e: { code: 'REPLACED' | 'REMOVED' | 'REFUSED'; message: string }) => void;
  /** To a participant whose microphone the server paused. */
  'moderation:muted': (e: { reason: MuteReason }) => void;
  /** To a waiting participant: join again now. */
  'lobby:admitted': (e: Record<string, never>) => void;
  /** To operators and the chair, twice a second. */
  'health:update': (e: HealthUpdate) => void;
  /** To everyone, when a site's status changes (the chair shows it as a badge). */
  'health:summary': (e: { sites: { siteId: string; status: SiteStatus; reasons: string[] }[] }) => void;
}

/** Between the nodes of a deployment (through the Socket.IO adapter): requests and their answers. */
export interface InterServerEvents {
  'concord:rpc': (msg: unknown) => void;
  'concord:rpc:reply': (msg: unknown) => void;
}

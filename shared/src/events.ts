import type { Ack } from './errors.js';
import type { Participant, ProducerInfo, Session } from './domain.js';
import type { JoinSession } from './auth.js';
import type {
  ConsumerOptionsWire,
  RouterRtpCapabilitiesOut,
  TransportOptionsWire,
} from './media.js';
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

/** Everything a newly joined client needs to draw the session. */
export interface SessionSnapshot {
  session: Session;
  self: Participant;
  participants: Participant[];
  producers: ProducerInfo[];
  activeSpeaker: ActiveSpeaker | null;
  /** Per-session sequence number of the last broadcast the snapshot includes. */
  seq: number;
}

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
  'media:getRouterRtpCapabilities': (
    payload: Record<string, never>,
    ack: Ack<RouterRtpCapabilitiesOut>,
  ) => void;
  'media:createTransport': (
    payload: In<typeof CreateTransportSchema>,
    ack: Ack<TransportOptionsWire>,
  ) => void;
  'media:connectTransport': (payload: In<typeof ConnectTransportSchema>, ack: Ack<null>) => void;
  'media:restartIce': (
    payload: In<typeof RestartIceSchema>,
    ack: Ack<TransportOptionsWire['iceParameters']>,
  ) => void;
  'media:produce': (payload: In<typeof ProduceSchema>, ack: Ack<{ producerId: string }>) => void;
  'media:closeProducer': (payload: In<typeof ProducerRefSchema>, ack: Ack<null>) => void;
  'media:pauseProducer': (payload: In<typeof ProducerRefSchema>, ack: Ack<null>) => void;
  'media:resumeProducer': (payload: In<typeof ProducerRefSchema>, ack: Ack<null>) => void;
  'media:consume': (payload: In<typeof ConsumeSchema>, ack: Ack<ConsumerOptionsWire>) => void;
  'media:resumeConsumer': (payload: In<typeof ConsumerRefSchema>, ack: Ack<null>) => void;
  'media:setConsumerLayers': (payload: In<typeof ConsumerLayersSchema>, ack: Ack<null>) => void;
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
  'session:kicked': (e: { code: string; message: string }) => void;
}

export type InterServerEvents = Record<string, never>;

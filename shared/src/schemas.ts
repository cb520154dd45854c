import type { z } from 'zod';
import { JoinSessionSchema } from './auth.js';
import { EmptySchema } from './common.js';
import {
  ConnectTransportSchema,
  ConsumeSchema,
  ConsumerLayersSchema,
  ConsumerRefSchema,
  CreateTransportSchema,
  ProduceSchema,
  ProducerRefSchema,
  RestartIceSchema,
} from './media.js';
import type { ClientToServerEvents } from './events.js';

/**
 * The schema for every client → server event. The `satisfies` clause makes the compiler
 * refuse an event that has no schema, so no payload can reach a handler unchecked.
 */
export const clientSchemas = {
  'session:join': JoinSessionSchema,
  'session:leave': EmptySchema,
  'media:getRouterRtpCapabilities': EmptySchema,
  'media:createTransport': CreateTransportSchema,
  'media:connectTransport': ConnectTransportSchema,
  'media:restartIce': RestartIceSchema,
  'media:produce': ProduceSchema,
  'media:closeProducer': ProducerRefSchema,
  'media:pauseProducer': ProducerRefSchema,
  'media:resumeProducer': ProducerRefSchema,
  'media:consume': ConsumeSchema,
  'media:resumeConsumer': ConsumerRefSchema,
  'media:setConsumerLayers': ConsumerLayersSchema,
} as const satisfies { [K in keyof ClientToServerEvents]: z.ZodType };

export type ClientEvent = keyof typeof clientSchemas;
export type ClientPayload<E extends ClientEvent> = z.output<(typeof clientSchemas)[E]>;

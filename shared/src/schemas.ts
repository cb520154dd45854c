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
  'proceedings:get': EmptySchema,
  'agenda:add': AgendaAddSchema,
  'agenda:edit': AgendaEditSchema,
  'agenda:reorder': AgendaReorderSchema,
  'agenda:delete': AgendaItemRefSchema,
  'agenda:start': AgendaItemRefSchema,
  'agenda:finish': AgendaFinishSchema,
  'floor:request': FloorRequestPayloadSchema,
  'floor:withdraw': FloorRequestRefSchema,
  'floor:yield': EmptySchema,
  'floor:grant': FloorGrantSchema,
  'floor:move': FloorMoveSchema,
  'floor:remove': FloorChairRefSchema,
  'floor:extend': FloorExtendSchema,
  'floor:end': FloorEndSchema,
  'floor:settings': FloorSettingsPatchSchema,
  'moderation:mute': MuteSchema,
  'moderation:remove': ParticipantRefSchema,
  'session:lock': LockSchema,
  'lobby:setEnabled': LobbySettingSchema,
  'lobby:admit': ParticipantRefSchema,
  'lobby:refuse': ParticipantRefSchema,
  'chair:handOver': HandOverSchema,
} as const satisfies { [K in keyof ClientToServerEvents]: z.ZodType };

export type ClientEvent = keyof typeof clientSchemas;
export type ClientPayload<E extends ClientEvent> = z.output<(typeof clientSchemas)[E]>;

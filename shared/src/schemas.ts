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
import { z as zod } from 'zod';
import { SessionStatusSchema } from './domain.js';
import { AutoPolicySchema, ClientStatsSchema, SetMediaModeSchema } from './health.js';
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
} from './issues.js';
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
  'session:setStatus': zod.strictObject({ status: SessionStatusSchema }),
  'issue:raise': RaiseIssueSchema,
  'issue:support': IssueRefSchema,
  'issue:acknowledge': IssueRefSchema,
  'issue:review': IssueRefSchema,
  'issue:decide': DecideIssueSchema,
  'issue:close': CloseIssueSchema,
  'issue:refer': ReferIssueSchema,
  'issue:reject': RejectIssueSchema,
  'issue:pin': PinIssueSchema,
  'issue:assign': AssignIssueSchema,
  'issue:link': LinkIssueSchema,
  'issues:list': EmptySchema,
  'issues:carryOver': EmptySchema,
  'issues:importCarryOver': EmptySchema,
  'stats:report': ClientStatsSchema,
  'health:get': EmptySchema,
  'health:setMediaMode': SetMediaModeSchema,
  'health:setAutoPolicy': AutoPolicySchema,
} as const satisfies { [K in keyof ClientToServerEvents]: z.ZodType };

export type ClientEvent = keyof typeof clientSchemas;
export type ClientPayload<E extends ClientEvent> = z.output<(typeof clientSchemas)[E]>;

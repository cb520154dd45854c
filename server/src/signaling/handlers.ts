import type { RequestName } from '@concord/shared';
import { ConcordError } from '../errors.js';
import { ErrorCode, type ParticipantId } from '@concord/shared';
import type { Caller } from '../services/caller.js';
import type { HealthService } from '../services/health.js';
import type { IssueService } from '../services/issues.js';
import type { ProceedingsService } from '../services/proceedings.js';
import type { SessionLogs } from '../services/sessionLog.js';
import type { SessionService } from '../services/sessions.js';
import type { Handlers } from './router.js';

export interface ServiceDeps {
  logs: SessionLogs;
  sessions: SessionService;
  proceedings: ProceedingsService;
  issues: IssueService;
  health: HealthService;
}

type SessionAndMedia =
  Extract<RequestName, `media:${string}`> | 'session:join' | 'session:leave' | 'session:snapshot' | 'session:since';

/** The socket replies to agenda changes carry no data (the entry brings the new version). */
const nothing = (_: unknown): null => null;

const joined = (c: Caller): Caller & { participantId: ParticipantId } => {
  if (c.participantId === null) {
    throw new ConcordError(ErrorCode.NOT_JOINED, 'join the session first');
  }
  return { ...c, participantId: c.participantId };
};

/**
 * Every request that is a plain service call: the socket only translates. (Joining and the
 * media, which touch the connection itself, are in their own files.)
 */
export function serviceHandlers(d: ServiceDeps): Omit<Handlers, SessionAndMedia> {
  const { sessions, proceedings: floor, issues, health } = d;
  return {
    'session:setStatus': (data, c) => sessions.setStatus(c, data.status),

    'proceedings:get': async (_data, c) => {
      const log = await d.logs.get(c.sessionId);
      return { proceedings: log.state.proceedings, seq: log.head.seq, serverNow: Date.now() };
    },
    'agenda:add': async (data, c) => ({ itemId: (await floor.addItem(c, data)).itemId }),
    'agenda:edit': async (data, c) => nothing(await floor.editItem(c, data)),
    'agenda:reorder': async (data, c) => nothing(await floor.reorder(c, data)),
    'agenda:delete': async (data, c) => nothing(await floor.deleteItem(c, data)),
    'agenda:start': (data, c) => floor.startItem(c, data),
    'agenda:finish': (data, c) => floor.finishItem(c, data),

    'floor:request': (data, c) => floor.request(c, data),
    'floor:withdraw': (data, c) => floor.withdraw(c, data),
    'floor:yield': (_data, c) => floor.yield(c),
    'floor:grant': (data, c) => floor.grant(c, data),
    'floor:move': (data, c) => floor.move(c, data),
    'floor:remove': (data, c) => floor.remove(c, data),
    'floor:extend': (data, c) => floor.extend(c, data),
    'floor:end': (data, c) => floor.end(c, data),
    'floor:settings': (data, c) => floor.settings(c, data),

    'moderation:mute': (target, c) => sessions.mute(c, target),
    'moderation:remove': ({ participantId }, c) => sessions.remove(joined(c), participantId),
    'session:lock': ({ locked }, c) => sessions.lock(c, locked),
    'lobby:setEnabled': ({ enabled }, c) => sessions.setLobby(c, enabled),
    'lobby:admit': ({ participantId }, c) => sessions.admit(c, participantId),
    'lobby:refuse': ({ participantId }, c) => sessions.refuse(c, participantId),
    'chair:handOver': (data, c) => sessions.handOver(c, data),

    'issue:raise': (data, c) => issues.raise(c, data),
    'issue:support': (data, c) => issues.support(c, data),
    'issue:acknowledge': ({ issueId }, c) => issues.step(c, issueId, 'issue.decide', () => ({ kind: 'acknowledge' })),
    'issue:review': ({ issueId }, c) => issues.step(c, issueId, 'issue.decide', () => ({ kind: 'review' })),
    'issue:decide': ({ issueId, decision }, c) =>
      issues.step(c, issueId, 'issue.decide', () => ({ kind: 'decide', decision })),
    'issue:refer': ({ issueId, body, note }, c) =>
      issues.step(c, issueId, 'issue.decide', () => ({ kind: 'refer', body, note })),
    'issue:reject': ({ issueId, reason }, c) =>
      issues.step(c, issueId, 'issue.decide', () => ({ kind: 'reject', reason })),
    'issue:close': ({ issueId, note }, c) => issues.step(c, issueId, 'issue.close', () => ({ kind: 'close', note })),
    'issue:pin': ({ issueId, pinned }, c) => issues.step(c, issueId, 'issue.triage', () => ({ kind: 'pin', pinned })),
    'issue:assign': (data, c) => issues.assign(c, data),
    'issue:link': (data, c) => issues.link(c, data),
    'issues:list': async (_data, c) => {
      const log = await d.logs.get(c.sessionId);
      const s = log.state;
      return { issues: Object.values(s.issues), settings: s.issueSettings, seq: log.head.seq, serverNow: Date.now() };
    },
    'issues:carryOver': async (_data, c) => ({
      items: (await issues.pendingCarryOver(c)).map(({ fromSessionId, fromSessionTitle, issue }) => ({
        fromSessionId,
        fromSessionTitle,
        issue,
      })),
    }),
    'issues:importCarryOver': async (_data, c) => ({ imported: await issues.importCarryOver(c) }),

    'stats:report': (stats, c) => health.report(c, stats),
    'health:get': (_data, c) => health.board(c),
    'health:setMediaMode': (data, c) => health.setMediaMode(c, data),
    'health:setAutoPolicy': (data, c) => health.setAutoPolicy(c, data),
  };
}

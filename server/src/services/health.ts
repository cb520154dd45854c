import type { ClientStats, HealthUpdate, RequestData, SessionId, SiteId } from '@concord/shared';
import { findSite } from '../domain/session.js';
import { ValidationError } from '../errors.js';
import { actorOf, authorize, type Caller } from './caller.js';
import type { SessionLogs } from './sessionLog.js';

/** What the services need of the health monitor (implemented in health/). */
export interface HealthPort {
  /** The board as it is now, with the alarm history. */
  board(sessionId: SessionId): Promise<HealthUpdate>;
  /** A sign of life (a stats report, a join), with the client's view of its link if it sent one. */
  heartbeat(sessionId: SessionId, participantId: string, siteId: SiteId | null, stats?: ClientStats): void;
  /** Audio above the loudness threshold came from a site. */
  heard(sessionId: SessionId, siteId: SiteId | null): void;
}

/** Connection health: the clients' heartbeats, the board for operators and the chair, media modes. */
export class HealthService {
  constructor(
    private readonly logs: SessionLogs,
    private readonly port: HealthPort,
  ) {}

  report(c: Caller, stats: ClientStats): null {
    if (c.participantId !== null) {
      this.port.heartbeat(c.sessionId, c.participantId, c.siteId, stats);
    }
    return null;
  }

  /** A packet from a joined participant's connection: a sign of life, nothing else. */
  alive(sessionId: SessionId, participantId: string, siteId: SiteId | null): void {
    this.port.heartbeat(sessionId, participantId, siteId);
  }

  joined(c: Caller): void {
    if (c.participantId !== null) {
      this.port.heartbeat(c.sessionId, c.participantId, c.siteId);
    }
  }

  heard(sessionId: SessionId, siteId: SiteId | null): void {
    this.port.heard(sessionId, siteId);
  }

  async board(c: Caller): Promise<HealthUpdate> {
    authorize((await this.logs.get(c.sessionId)).state, c, 'health.view');
    return this.port.board(c.sessionId);
  }

  /** An operator moves a site's video down (lowest layer, or none) or back to full. */
  async setMediaMode(c: Caller, { siteId, mode }: RequestData<'health:setMediaMode'>): Promise<null> {
    const log = await this.logs.get(c.sessionId);
    return log.change(actorOf(log.state, c), (state) => {
      authorize(state, c, 'health.control');
      if (findSite(state.session, siteId) === null) {
        throw new ValidationError(`siteId: ${siteId} is not a site of this session`);
      }
      return { changes: [{ type: 'media.mode', payload: { siteId, mode, by: 'operator' } }], result: null };
    });
  }

  /** Operators let the server move degraded sites down (and back up) by itself. */
  async setAutoPolicy(c: Caller, { enabled }: RequestData<'health:setAutoPolicy'>): Promise<null> {
    const log = await this.logs.get(c.sessionId);
    return log.change(actorOf(log.state, c), (state) => {
      authorize(state, c, 'health.control');
      return { changes: [{ type: 'health.autoPolicy', payload: { enabled } }], result: null };
    });
  }
}

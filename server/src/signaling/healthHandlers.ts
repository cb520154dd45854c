import { holdsChair } from '../domain/chair.js';
import { findSite } from '../domain/session.js';
import { ForbiddenError, ValidationError } from '../errors.js';
import type { HealthMonitor } from '../health/monitor.js';
import type { SessionStore } from '../store/sessionStore.js';
import type { ConnectionContext } from './context.js';
import type { ProceedingsService } from './proceedingsService.js';

/** Client stats reports (the heartbeat), and the operators' board and media controls. */
export function registerHealthHandlers(
  ctx: ConnectionContext,
  monitor: HealthMonitor,
  sessions: SessionStore,
  proceedings: ProceedingsService,
): void {
  const { on, claims, self } = ctx;
  const sid = claims.sid;
  const asOperator = (action: string) => {
    self();
    if (claims.role !== 'operator') {
      throw new ForbiddenError(`only operators may ${action}`);
    }
  };

  on('stats:report', (stats) => {
    monitor.report(sid, self(), claims.site, stats);
    return null;
  });

  on('health:get', async () => {
    self();
    if (claims.role !== 'operator' && !holdsChair(await proceedings.get(sid), claims.sub, claims.role)) {
      throw new ForbiddenError('the health board is for operators and the chair');
    }
    return monitor.snapshot(sid);
  });

  on('health:setMediaMode', async ({ siteId, mode }) => {
    asOperator("change a site's media");
    if (findSite(await sessions.require(sid), siteId) === null) {
      throw new ValidationError(`siteId: ${siteId} is not a site of this session`);
    }
    await monitor.setMediaMode(sid, siteId, mode, 'operator');
    return null;
  });

  on('health:setAutoPolicy', ({ enabled }) => {
    asOperator('switch the automatic policy');
    monitor.setAutoPolicy(sid, enabled);
    return null;
  });
}

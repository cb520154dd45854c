import type { InviteWire, Session } from '@concord/shared';
import type { InviteService } from '../auth/invites.js';

/** The links a new session needs: one member link per site, plus chair, commander and operator. */
export function defaultInvites(invites: InviteService, session: Session): InviteWire[] {
  return [
    ...session.sites.map((site) =>
      invites.invite({ sessionId: session.id, siteId: site.id, role: 'member', displayName: site.name }),
    ),
    invites.invite({ sessionId: session.id, siteId: null, role: 'chair', displayName: 'Chair' }),
    invites.invite({ sessionId: session.id, siteId: null, role: 'commander', displayName: 'Commander' }),
    invites.invite({ sessionId: session.id, siteId: null, role: 'operator', displayName: 'Operations' }),
  ];
}

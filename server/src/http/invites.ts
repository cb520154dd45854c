import type { InviteWire, Session } from '@concord/shared';
import type { InviteService } from '../auth/invites.js';

/**
 * The links a new session needs: one member link per site, plus chair, commander and operator.
 * `seats`: each link keeps its identity whenever it is issued again (`inv_seat_<session>_<who>`),
 * as the demo does at every start: links printed again open the same places, and the chair's
 * link still holds the chair.
 */
export function defaultInvites(invites: InviteService, session: Session, seats = false): InviteWire[] {
  const subject = (who: string) => (seats ? `inv_seat_${session.id}_${who}` : undefined);
  return [
    ...session.sites.map((site) =>
      invites.invite({
        sessionId: session.id,
        siteId: site.id,
        role: 'member',
        displayName: site.name,
        subject: subject(site.id),
      }),
    ),
    invites.invite({
      sessionId: session.id,
      siteId: null,
      role: 'chair',
      displayName: 'Chair',
      subject: subject('chair'),
    }),
    invites.invite({
      sessionId: session.id,
      siteId: null,
      role: 'commander',
      displayName: 'Commander',
      subject: subject('commander'),
    }),
    invites.invite({
      sessionId: session.id,
      siteId: null,
      role: 'operator',
      displayName: 'Operations',
      subject: subject('operator'),
    }),
  ];
}

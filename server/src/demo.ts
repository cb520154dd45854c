import { SessionIdSchema, type InviteWire, type Session } from '@concord/shared';
import { defaultInvites } from './http/invites.js';
import type { Concord } from './app.js';

export const DEMO_SESSION_ID = 'demo';
export const DEMO_TITLE = 'Joint session of the reconciliation committees';
export const DEMO_SITES = ['Daraa', 'Damascus', 'Homs', 'Latakia'] as const;

/**
 * Creates the demo session unless it is already in Redis, and issues its links again: the same
 * seats every start (the chair's link holds the chair of a kept session too).
 */
export async function ensureDemoSession(concord: Concord): Promise<{ session: Session; invites: InviteWire[] }> {
  const existing = await concord.logs.find(SessionIdSchema.parse(DEMO_SESSION_ID));
  // A previous run's demo session (in the embedded Redis) is kept, with its record.
  const session =
    existing?.state.session ??
    (await concord.sessions.create({ id: DEMO_SESSION_ID, title: DEMO_TITLE, siteNames: DEMO_SITES }));
  return { session, invites: defaultInvites(concord.invites, session, true) };
}

/** The join links as a person reads them in the terminal. */
export function formatInvites(session: Session, invites: InviteWire[]): string {
  const siteName = (id: string | null) => session.sites.find((s) => s.id === id)?.name ?? null;
  const lines = invites.map((i) => {
    const who = i.role === 'member' ? `${siteName(i.siteId) ?? '?'} (member)` : `${i.displayName} (${i.role})`;
    return `  ${who.padEnd(24)} ${i.url}`;
  });
  return [``, `Concord is running: "${session.title}"`, `Open a link per browser tab:`, ...lines, ``].join('\n');
}

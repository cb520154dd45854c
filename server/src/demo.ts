import type { InviteWire, Session } from '@concord/shared';
import { newSession } from './domain/session.js';
import { defaultInvites } from './http/invites.js';
import type { Concord } from './app.js';

export const DEMO_SESSION_ID = 'demo';
export const DEMO_TITLE = 'Joint session of the reconciliation committees';
export const DEMO_SITES = ['Daraa', 'Damascus', 'Homs', 'Latakia'] as const;

/** Creates the demo session unless it is already in Redis, and issues fresh invite links. */
export async function ensureDemoSession(concord: Concord): Promise<{ session: Session; invites: InviteWire[] }> {
  const demo = newSession({ id: DEMO_SESSION_ID, title: DEMO_TITLE, siteNames: DEMO_SITES }, Date.now());
  await concord.store.create(demo); // false when a previous run created it: keep that one
  const session = await concord.store.require(demo.id);
  return { session, invites: defaultInvites(concord.invites, session) };
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

import type { MediaSource, Role } from './domain.js';
import type { Proceedings } from './proceedings.js';

// Who may do what: one table, role × action, plus the chair-identity rule. The server
// enforces it on every request; the client uses it to show or hide controls.

/**
 * The chair belongs to an invite identity, not a role: until someone holds it, any
 * chair-role invite may take it; after that only its holder (or whoever it was handed to).
 * The one way to ask "is this the chair".
 */
export function holdsChair(p: Pick<Proceedings, 'chair'>, subject: string, role: Role): boolean {
  return p.chair === null ? role === 'chair' : p.chair.subject === subject;
}

export interface Permission {
  /** Roles that may, whoever holds the chair. */
  roles: readonly Role[];
  /** Whoever holds the chair may, whatever their role. */
  chair: boolean;
}

const ALL_BUT_OBSERVERS: readonly Role[] = ['member', 'chair', 'commander', 'operator', 'interpreter'];
const EVERYONE: readonly Role[] = [...ALL_BUT_OBSERVERS, 'observer'];
const roles = (...r: Role[]): Permission => ({ roles: r, chair: false });
const chairOnly: Permission = { roles: [], chair: true };

export const PERMISSIONS = {
  /** Read the proceedings, the issue queue and the log. */
  read: { roles: EVERYONE, chair: true },
  /** Send stats reports (the heartbeat). */
  report: { roles: EVERYONE, chair: true },
  'publish.mic': roles('member', 'chair', 'commander', 'operator', 'interpreter'),
  'publish.camera': roles('member', 'chair', 'commander', 'operator'),
  'publish.screen': roles('member', 'chair', 'commander', 'operator'),
  /** Receive media. */
  listen: { roles: EVERYONE, chair: true },
  'agenda.edit': chairOnly,
  'agenda.run': chairOnly,
  /** Ask for the floor, withdraw one's own request, yield. */
  'floor.request': { roles: ALL_BUT_OBSERVERS, chair: true },
  /** Grant, reorder, remove, extend, end; the floor settings; withdraw anyone's request. */
  'floor.run': chairOnly,
  /** Mute, remove, lock, the lobby, hand over the chair, the session's status. */
  moderate: chairOnly,
  /** Raise issues in one's site's name and support other sites' issues (a site is needed too). */
  'issue.raise': roles('member'),
  /** Acknowledge, review, decide, refer and reject issues. */
  'issue.decide': roles('commander'),
  'issue.close': { roles: ['commander'], chair: true },
  /** Pin, link to the agenda, assign; carry-over. */
  'issue.triage': chairOnly,
  /** The issue reports (JSON, CSV). */
  'issue.report': { roles: ['commander', 'operator'], chair: true },
  /** Alerted (sound, banner) when an issue misses a time target: the desks that answer for it. */
  'issue.alerts': { roles: ['commander', 'operator'], chair: true },
  /** The health board and alarms. */
  'health.view': { roles: ['operator'], chair: true },
  /** Media modes and the automatic policy. */
  'health.control': roles('operator'),
} as const satisfies Record<string, Permission>;

export type Action = keyof typeof PERMISSIONS;

/** Who is asking: their role, and whether they hold the chair now (`holdsChair`). */
export interface Asker {
  role: Role;
  isChair: boolean;
}

export function may(who: Asker, action: Action): boolean {
  const p: Permission = PERMISSIONS[action];
  return p.roles.includes(who.role) || (p.chair && who.isChair);
}

const PUBLISH_ACTION: Record<MediaSource, Action> = {
  mic: 'publish.mic',
  camera: 'publish.camera',
  screen: 'publish.screen',
};
export const publishAction = (source: MediaSource): Action => PUBLISH_ACTION[source];

/** What the refusal says: "only the chair may …", "a member may not …". */
export const ACTION_WORDS: Record<Action, string> = {
  read: 'read the session',
  report: 'send stats reports',
  'publish.mic': 'publish a microphone',
  'publish.camera': 'publish a camera',
  'publish.screen': 'share a screen',
  listen: 'receive media',
  'agenda.edit': 'edit the agenda',
  'agenda.run': 'run the agenda',
  'floor.request': 'take the floor',
  'floor.run': 'run the floor',
  moderate: 'moderate the session',
  'issue.raise': "raise or support issues in a site's name",
  'issue.decide': 'acknowledge, decide, refer or reject issues',
  'issue.close': 'close issues',
  'issue.triage': 'triage issues',
  'issue.report': 'read the issue reports',
  'issue.alerts': 'receive overdue alerts',
  'health.view': 'see the health board',
  'health.control': "change a site's media",
};

import {
  ErrorCode,
  applyIssueEvent,
  assertUnreachable,
  mayTakeStep,
  type Actor,
  type Issue,
  type IssueEvent,
  type IssueStep,
  type SiteId,
} from '@concord/shared';
import { ConcordError } from '../errors.js';

// The issue lifecycle: raised → acknowledged → in_review → decided → closed, or referred /
// rejected while still open. A command is checked against the issue's status and turns
// into events; the shared reducer applies them, here and when the stream is replayed.

export type IssueCommand =
  | { kind: 'acknowledge' }
  | { kind: 'review' }
  | { kind: 'decide'; decision: string }
  | { kind: 'close'; note: string | null }
  | { kind: 'refer'; body: string; note: string }
  | { kind: 'reject'; reason: string }
  | { kind: 'support'; siteId: SiteId }
  | { kind: 'pin'; pinned: boolean }
  | { kind: 'assign'; assignee: { participantId: Actor['participantId']; displayName: string } | null }
  | { kind: 'link'; agendaItemId: Issue['agendaItemId'] };

const refuse = (issue: Issue, step: string): never => {
  throw new ConcordError(
    ErrorCode.INVALID_TRANSITION,
    `an issue that is ${issue.status.replace('_', ' ')} cannot be ${step}`,
  );
};

/** Refuses a step the issue's status does not allow (the table is `mayTakeStep` in shared/). */
const requireStep = (issue: Issue, step: IssueStep, words: string): void => {
  if (!mayTakeStep(issue.status, step)) {
    refuse(issue, words);
  }
};

/** The events a command produces on this issue, or INVALID_TRANSITION. */
export function eventsFor(issue: Issue, cmd: IssueCommand, by: Actor, at: number): IssueEvent[] {
  const base = { issueId: issue.id, at, by };
  switch (cmd.kind) {
    case 'acknowledge':
      requireStep(issue, 'acknowledge', 'acknowledged');
      return [{ type: 'acknowledged', ...base }];
    case 'review':
      requireStep(issue, 'review', 'put in review');
      return [{ type: 'review_started', ...base }];
    case 'decide':
      requireStep(issue, 'decide', 'decided');
      return [
        ...(issue.status === 'acknowledged' ? [{ type: 'review_started' as const, ...base }] : []),
        { type: 'decided', ...base, decision: cmd.decision },
      ];
    case 'close':
      requireStep(issue, 'close', 'closed');
      return [{ type: 'closed', ...base, note: cmd.note }];
    case 'refer':
      requireStep(issue, 'refer', 'referred');
      return [{ type: 'referred', ...base, body: cmd.body, note: cmd.note }];
    case 'reject':
      requireStep(issue, 'reject', 'rejected');
      return [{ type: 'rejected', ...base, reason: cmd.reason }];
    case 'support':
      requireStep(issue, 'support', 'supported');
      if (cmd.siteId === issue.siteId) {
        throw new ConcordError(ErrorCode.OWN_ISSUE, 'a site does not support its own issue');
      }
      if (issue.supporters.includes(cmd.siteId)) {
        throw new ConcordError(ErrorCode.ALREADY_SUPPORTED, 'your site already supports this issue');
      }
      return [{ type: 'supported', ...base, siteId: cmd.siteId }];
    case 'pin':
      return [{ type: 'pinned', ...base, pinned: cmd.pinned }];
    case 'assign':
      return [{ type: 'assigned', ...base, assignee: cmd.assignee }];
    case 'link':
      return [{ type: 'linked', ...base, agendaItemId: cmd.agendaItemId }];
    default:
      return assertUnreachable(cmd);
  }
}

/** Applies a command: the new issue and the events to append to the stream. */
export function applyCommand(
  issue: Issue,
  cmd: IssueCommand,
  by: Actor,
  at: number,
): { issue: Issue; events: IssueEvent[] } {
  const events = eventsFor(issue, cmd, by, at);
  return { issue: events.reduce<Issue>((i, e) => applyIssueEvent(i, e), issue), events };
}

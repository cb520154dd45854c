import express from 'express';
import {
  IssueSettingsSchema,
  SessionIdSchema,
  dueTimes,
  issueTimes,
  ok,
  orderIssues,
  overdue,
  summarizeIssues,
  type Issue,
  type IssueSettings,
  type SessionId,
} from '@concord/shared';
import type { TokenService } from '../auth/tokens.js';
import { authorize, callerOf } from '../services/caller.js';
import type { IssueService } from '../services/issues.js';
import type { SessionLogs } from '../services/sessionLog.js';
import { inviteAccess, isAdmin, requireAdmin } from './middleware.js';
import { parse } from './parse.js';

export interface IssuesApiDeps {
  logs: SessionLogs;
  tokens: TokenService;
  issues: IssueService;
  adminSecret: string;
}

const CSV_COLUMNS = [
  'id',
  'title',
  'site',
  'category',
  'urgency',
  'status',
  'raised_by',
  'supporters',
  'assignee',
  'agenda_item',
  'raised_at',
  'acknowledged_at',
  'decided_at',
  'ended_at',
  'time_to_acknowledge_s',
  'time_to_decision_s',
  'acknowledge_due',
  'decide_due',
  'overdue',
  'escalated',
  'resolution',
  'timeline',
] as const;

const iso = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString());
const seconds = (ms: number | null): string => (ms === null ? '' : (ms / 1000).toFixed(1));

/** One CSV field: quoted when needed, and defused against spreadsheet formula injection. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function issuesCsv(issues: Issue[], settings: IssueSettings, now: number): string {
  const rows = orderIssues(issues).map((i) => {
    const t = issueTimes(i);
    const due = dueTimes(i, settings);
    const late = overdue(i, settings, now);
    const values: Record<(typeof CSV_COLUMNS)[number], string> = {
      id: i.id,
      title: i.title,
      site: i.siteId,
      category: i.category,
      urgency: i.urgency,
      status: i.status,
      raised_by: i.raisedBy.displayName,
      supporters: i.supporters.join(' '),
      assignee: i.assignee?.displayName ?? '',
      agenda_item: i.agendaItemId ?? '',
      raised_at: iso(i.raisedAt),
      acknowledged_at: iso(i.acknowledgedAt),
      decided_at: iso(i.decidedAt),
      ended_at: iso(i.endedAt),
      time_to_acknowledge_s: seconds(t.timeToAcknowledgeMs),
      time_to_decision_s: seconds(t.timeToDecisionMs),
      acknowledge_due: iso(due.acknowledgeBy),
      decide_due: iso(due.decideBy),
      overdue: [late.acknowledge ? 'acknowledge' : '', late.decide ? 'decide' : ''].filter(Boolean).join(' '),
      escalated: [i.escalated.acknowledge ? 'acknowledge' : '', i.escalated.decide ? 'decide' : '']
        .filter(Boolean)
        .join(' '),
      resolution: i.resolution
        ? `${i.resolution.kind}: ${i.resolution.body ? `${i.resolution.body} — ` : ''}${i.resolution.text}`
        : '',
      timeline: i.timeline
        .map((e) => `${iso(e.at)} ${e.type}${e.by ? ` by ${e.by}` : ''}${e.note ? ` (${e.note})` : ''}`)
        .join('; '),
    };
    return CSV_COLUMNS.map((c) => csvField(values[c])).join(',');
  });
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

/**
 * Reporting on a session's issues: JSON and CSV with timelines and measured times.
 * For the chair, commanders and operators of the session (or the admin secret).
 */
export function issuesRouter(deps: IssuesApiDeps): express.Router {
  const router = express.Router({ mergeParams: true });
  const sessionOf = (req: express.Request): SessionId => parse(SessionIdSchema, req.params['sessionId']);

  /** The session's issues, for the chair, commanders and operators of the session (or the admin). */
  const load = async (req: express.Request) => {
    const sid = sessionOf(req);
    const { state } = await deps.logs.get(sid);
    if (!isAdmin(req, deps.adminSecret)) {
      const { claims } = await inviteAccess(req, deps.tokens, deps.logs, sid);
      authorize(state, callerOf(claims, null), 'issue.report');
    }
    return { sid, issues: Object.values(state.issues), settings: state.issueSettings, now: Date.now() };
  };

  router.get('/issues', async (req, res) => {
    const { issues, settings, now } = await load(req);
    res.json(
      ok({
        generatedAt: now,
        settings,
        summary: summarizeIssues(issues, settings, now),
        issues: orderIssues(issues).map((i) => ({
          ...i,
          times: issueTimes(i),
          due: dueTimes(i, settings),
          overdue: overdue(i, settings, now),
        })),
      }),
    );
  });

  router.get('/issues.csv', async (req, res) => {
    const { sid, issues, settings, now } = await load(req);
    res.type('text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="concord-${sid}-issues.csv"`);
    // A byte-order mark so spreadsheet programs read Arabic and Russian text as UTF-8.
    res.send(`\uFEFF${issuesCsv(issues, settings, now)}`);
  });

  router.put('/issue-settings', requireAdmin(deps.adminSecret), async (req, res) => {
    const settings = parse(IssueSettingsSchema, req.body);
    await deps.issues.setSettings(sessionOf(req), settings);
    res.json(ok(settings));
  });

  return router;
}

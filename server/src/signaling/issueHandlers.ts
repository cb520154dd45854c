import { ErrorCode, type Actor, type Role } from '@concord/shared';
import { canTransition } from '../domain/session.js';
import type { IssueCommand } from '../domain/issues.js';
import { ConcordError, ForbiddenError, NotFoundError } from '../errors.js';
import type { SessionStore } from '../store/sessionStore.js';
import type { ConnectionContext } from './context.js';
import type { IssueService } from './issueService.js';
import { updateSession, type ModerationDeps } from './moderationHandlers.js';
import type { ProceedingsService } from './proceedingsService.js';

/** Who may do what with issues; checked on the server for every request. */
const COMMANDER_ROLES: readonly Role[] = ['commander'];

export function registerIssueHandlers(
  ctx: ConnectionContext,
  issues: IssueService,
  sessions: SessionStore,
  proceedings: ProceedingsService,
  moderation: ModerationDeps,
): void {
  const { on, claims, self } = ctx;
  const sid = claims.sid;

  const actor = async (): Promise<Actor> => {
    const id = self();
    const me = await sessions.getParticipant(sid, id);
    return { participantId: id, displayName: me?.displayName ?? claims.name, role: claims.role, siteId: claims.site };
  };
  const asCommander = async (step: string): Promise<Actor> => {
    const by = await actor();
    if (!COMMANDER_ROLES.includes(claims.role)) {
      throw new ForbiddenError(`only a commander may ${step} an issue`);
    }
    return by;
  };
  const asChair = async (step: string): Promise<Actor> => {
    const by = await actor();
    if (!proceedings.isChair(await proceedings.get(sid), by.participantId)) {
      throw new ForbiddenError(`only the chair may ${step}`);
    }
    return by;
  };
  /** A member speaking for its own site; the site always comes from the invite, never the payload. */
  const asSiteMember = async (step: string) => {
    const by = await actor();
    if (claims.role !== 'member' || claims.site === null) {
      throw new ForbiddenError(`only members at a site may ${step} issues in the site's name`);
    }
    return { by, siteId: claims.site };
  };
  const run = async (issueId: string, cmd: IssueCommand, by: Actor) => {
    await issues.command(sid, issueId, cmd, by);
    return null;
  };

  on('issue:raise', async (input) => {
    const { by, siteId } = await asSiteMember('raise');
    const { issueId, created } = await issues.raise(sid, by, siteId, input);
    return { issueId, created };
  });
  on('issue:support', async ({ issueId }) => {
    const { by, siteId } = await asSiteMember('support');
    return run(issueId, { kind: 'support', siteId }, by);
  });
  on('issue:acknowledge', async ({ issueId }) =>
    run(issueId, { kind: 'acknowledge' }, await asCommander('acknowledge')),
  );
  on('issue:review', async ({ issueId }) => run(issueId, { kind: 'review' }, await asCommander('review')));
  on('issue:decide', async ({ issueId, decision }) =>
    run(issueId, { kind: 'decide', decision }, await asCommander('decide')),
  );
  on('issue:refer', async ({ issueId, body, note }) =>
    run(issueId, { kind: 'refer', body, note }, await asCommander('refer')),
  );
  on('issue:reject', async ({ issueId, reason }) =>
    run(issueId, { kind: 'reject', reason }, await asCommander('reject')),
  );
  on('issue:close', async ({ issueId, note }) => {
    const by = await actor();
    if (!COMMANDER_ROLES.includes(claims.role) && !proceedings.isChair(await proceedings.get(sid), by.participantId)) {
      throw new ForbiddenError('only a commander or the chair may close an issue');
    }
    return run(issueId, { kind: 'close', note }, by);
  });

  // ---- triage (chair) ----
  on('issue:pin', async ({ issueId, pinned }) => run(issueId, { kind: 'pin', pinned }, await asChair('pin issues')));
  on('issue:link', async ({ issueId, agendaItemId }) => {
    const by = await asChair('link issues to the agenda');
    if (agendaItemId !== null && !(await proceedings.get(sid)).agenda.some((i) => i.id === agendaItemId)) {
      throw new NotFoundError('agenda item');
    }
    return run(issueId, { kind: 'link', agendaItemId }, by);
  });
  on('issue:assign', async ({ issueId, participantId }) => {
    const by = await asChair('assign issues');
    if (participantId === null) {
      return run(issueId, { kind: 'assign', assignee: null }, by);
    }
    const target = await sessions.getParticipant(sid, participantId);
    if (!target || target.role !== 'commander') {
      throw new ConcordError(
        ErrorCode.INVALID_PAYLOAD,
        'participantId: issues are assigned to a commander of this session',
      );
    }
    return run(issueId, { kind: 'assign', assignee: { participantId, displayName: target.displayName } }, by);
  });

  on('issues:list', async () => {
    self();
    const [list, settings, seq] = await Promise.all([issues.list(sid), issues.settings(sid), sessions.currentSeq(sid)]);
    return { issues: list, settings, seq, serverNow: Date.now() };
  });

  // ---- session lifecycle and carry-over (chair) ----
  on('session:setStatus', async ({ status }) => {
    await asChair('change the session status');
    const current = await sessions.require(sid);
    if (!canTransition(current.status, status)) {
      throw new ConcordError(
        ErrorCode.INVALID_TRANSITION,
        `a session that is ${current.status} cannot become ${status}`,
      );
    }
    const session = await updateSession(moderation, sid, (s) => {
      if (!canTransition(s.status, status)) {
        throw new ConcordError(ErrorCode.INVALID_TRANSITION, `a session that is ${s.status} cannot become ${status}`);
      }
      return { ...s, status };
    });
    if (status === 'closed') {
      const carried = await issues.carryOver(session);
      moderation.log.info({ sessionId: sid, carried }, 'session closed; unresolved issues carried over');
    }
    return null;
  });
  on('issues:carryOver', async () => {
    await asChair('see carried-over issues');
    const items = await issues.pendingCarryOver(await sessions.require(sid));
    return {
      items: items.map(({ fromSessionId, fromSessionTitle, issue }) => ({ fromSessionId, fromSessionTitle, issue })),
    };
  });
  on('issues:importCarryOver', async () => {
    const by = await asChair('import carried-over issues');
    return { imported: await issues.importCarryOver(await sessions.require(sid), by) };
  });
}

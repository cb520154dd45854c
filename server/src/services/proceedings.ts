import { randomBytes } from 'node:crypto';
import {
  AgendaItemIdSchema,
  DomainError,
  ErrorCode,
  FloorRequestIdSchema,
  cutOffAt,
  isOwnRequest,
  type Action,
  type AgendaItem,
  type FloorRequest,
  type LogChange,
  type RequestData,
  type SessionState,
  type SiteId,
} from '@concord/shared';
import { findSite } from '../domain/session.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { actorOf, authorize, isChair, system, type Caller, type Who } from './caller.js';
import type { Change, SessionLogs } from './sessionLog.js';

const newId = (prefix: string) => `${prefix}_${randomBytes(8).toString('base64url')}`;

const one = (change: LogChange): Change<null> => ({ changes: [change], result: null });

/** STALE_VERSION unless the chair saw the proceedings as they are (the HTTP API may leave it out). */
function fresh(state: SessionState, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== state.proceedings.version) {
    throw new DomainError(
      ErrorCode.STALE_VERSION,
      `someone changed the proceedings first (now at version ${state.proceedings.version}); review and try again`,
    );
  }
}

function checkSite(state: SessionState, siteId: SiteId | null | undefined): void {
  if (siteId !== null && siteId !== undefined && findSite(state.session, siteId) === null) {
    throw new ValidationError(`presentingSiteId: ${siteId} is not a site of this session`);
  }
}

function joined(c: Caller): NonNullable<Caller['participantId']> {
  if (c.participantId === null) {
    throw new DomainError(ErrorCode.NOT_JOINED, 'join the session first');
  }
  return c.participantId;
}

/** Over HTTP a change may leave the version out: it then applies to whatever is current. */
type Versioned<T> = T & { expectedVersion?: number | undefined };
type AgendaAdd = Versioned<Omit<RequestData<'agenda:add'>, 'expectedVersion'>>;
type AgendaEdit = Versioned<Omit<RequestData<'agenda:edit'>, 'expectedVersion'>>;

/** One proceedings entry, answered with the version it makes. */
const versioned = (state: SessionState, change: LogChange): Change<{ version: number }> => ({
  changes: [change],
  result: { version: state.proceedings.version + 1 },
});

/**
 * The agenda and the floor: each command is checked on the session's current state and
 * becomes entries of its log. What follows from them (the floor clock, floor mode on the
 * microphones, the broadcast) reacts to the entries, wherever they were written.
 */
export class ProceedingsService {
  constructor(private readonly logs: SessionLogs) {}

  /** Runs a command for a caller with the permission it needs, checked on the state it acts on. */
  private async run<T>(c: Who, action: Action, decide: (state: SessionState, now: number) => Change<T>): Promise<T> {
    const log = await this.logs.get(c.sessionId);
    return log.change(actorOf(log.state, c), (state, now) => {
      authorize(state, c, action);
      return decide(state, now);
    });
  }

  // ---- agenda ----
  // Agenda changes answer with the proceedings version they made (the HTTP API returns it).
  addItem(c: Who, input: AgendaAdd): Promise<{ itemId: string; version: number }> {
    return this.run(c, 'agenda.edit', (state) => {
      fresh(state, input.expectedVersion);
      checkSite(state, input.presentingSiteId);
      const item: AgendaItem = {
        id: AgendaItemIdSchema.parse(newId('item')),
        title: input.title,
        description: input.description,
        presentingSiteId: input.presentingSiteId,
        allotmentSec: input.allotmentSec,
        speakingTimeSec: input.speakingTimeSec,
        status: 'pending',
        outcome: null,
        startedAt: null,
        elapsedMs: 0,
      };
      return {
        changes: [{ type: 'agenda.added', payload: { item, atIndex: input.atIndex ?? null } }],
        result: { itemId: item.id, version: state.proceedings.version + 1 },
      };
    });
  }

  editItem(c: Who, { expectedVersion, itemId, ...changes }: AgendaEdit): Promise<{ version: number }> {
    return this.run(c, 'agenda.edit', (state) => {
      fresh(state, expectedVersion);
      checkSite(state, changes.presentingSiteId);
      return versioned(state, { type: 'agenda.edited', payload: { itemId, changes } });
    });
  }

  reorder(c: Who, input: Versioned<{ itemIds: RequestData<'agenda:reorder'>['itemIds'] }>) {
    return this.run(c, 'agenda.edit', (state) => {
      fresh(state, input.expectedVersion);
      return versioned(state, { type: 'agenda.reordered', payload: { itemIds: input.itemIds } });
    });
  }

  deleteItem(c: Who, input: Versioned<{ itemId: RequestData<'agenda:delete'>['itemId'] }>) {
    return this.run(c, 'agenda.edit', (state) => {
      fresh(state, input.expectedVersion);
      return versioned(state, { type: 'agenda.deleted', payload: { itemId: input.itemId } });
    });
  }

  startItem(c: Caller, { expectedVersion, itemId }: RequestData<'agenda:start'>): Promise<null> {
    return this.run(c, 'agenda.run', (state) => {
      fresh(state, expectedVersion);
      return one({ type: 'agenda.started', payload: { itemId } });
    });
  }

  finishItem(c: Caller, { expectedVersion, itemId, status, outcome }: RequestData<'agenda:finish'>): Promise<null> {
    return this.run(c, 'agenda.run', (state) => {
      fresh(state, expectedVersion);
      return one({ type: 'agenda.finished', payload: { itemId, status, outcome } });
    });
  }

  // ---- floor: members ----
  request(c: Caller, { type, forSite }: RequestData<'floor:request'>): Promise<{ requestId: string }> {
    return this.run(c, 'floor.request', (state, now) => {
      const participantId = joined(c);
      if (forSite && c.siteId === null) {
        throw new ForbiddenError('only a participant at a site can ask for the whole site');
      }
      const request: FloorRequest = {
        id: FloorRequestIdSchema.parse(newId('fr')),
        siteId: c.siteId,
        participantId,
        displayName: state.participants[participantId]?.displayName ?? c.name,
        forSite,
        type,
        requestedAt: now,
      };
      return { changes: [{ type: 'floor.requested', payload: { request } }], result: { requestId: request.id } };
    });
  }

  withdraw(c: Caller, { requestId }: RequestData<'floor:withdraw'>): Promise<null> {
    return this.run(c, 'floor.request', (state) => {
      const participantId = joined(c);
      const request = state.proceedings.queue.find((q) => q.id === requestId);
      if (request === undefined) {
        throw new NotFoundError('floor request');
      }
      // Checked on the state being changed: the request may have been granted meanwhile.
      if (!isOwnRequest(request, { participantId, siteId: c.siteId }) && !isChair(state, c)) {
        throw new ForbiddenError("only the chair may withdraw another participant's request");
      }
      return one({ type: 'floor.withdrawn', payload: { requestId } });
    });
  }

  yield(c: Caller): Promise<null> {
    return this.run(c, 'floor.request', (state) => {
      const participantId = joined(c);
      const r = state.proceedings.speaker?.request;
      if (r === undefined || !isOwnRequest(r, { participantId, siteId: c.siteId })) {
        throw new DomainError(ErrorCode.NOT_SPEAKER, 'you do not have the floor');
      }
      return one({ type: 'floor.ended', payload: { reason: 'yielded' } });
    });
  }

  // ---- floor: the chair ----
  grant(c: Caller, { expectedVersion, requestId }: RequestData<'floor:grant'>): Promise<null> {
    return this.run(c, 'floor.run', (state) => {
      fresh(state, expectedVersion);
      const next = requestId ?? state.proceedings.queue[0]?.id;
      if (next === undefined) {
        throw new DomainError(ErrorCode.QUEUE_EMPTY, 'nobody is waiting for the floor');
      }
      return one({ type: 'floor.granted', payload: { requestId: next } });
    });
  }

  move(c: Caller, { expectedVersion, requestId, toIndex }: RequestData<'floor:move'>): Promise<null> {
    return this.run(c, 'floor.run', (state) => {
      fresh(state, expectedVersion);
      return one({ type: 'floor.moved', payload: { requestId, toIndex } });
    });
  }

  remove(c: Caller, { expectedVersion, requestId }: RequestData<'floor:remove'>): Promise<null> {
    return this.run(c, 'floor.run', (state) => {
      fresh(state, expectedVersion);
      return one({ type: 'floor.withdrawn', payload: { requestId } });
    });
  }

  extend(c: Caller, { expectedVersion, seconds }: RequestData<'floor:extend'>): Promise<null> {
    return this.run(c, 'floor.run', (state) => {
      fresh(state, expectedVersion);
      return one({ type: 'floor.extended', payload: { seconds } });
    });
  }

  end(c: Caller, { expectedVersion }: RequestData<'floor:end'>): Promise<null> {
    return this.run(c, 'floor.run', (state) => {
      fresh(state, expectedVersion);
      return state.proceedings.speaker === null
        ? { changes: [], result: null }
        : one({ type: 'floor.ended', payload: { reason: 'ended' } });
    });
  }

  settings(c: Caller, { expectedVersion, ...changes }: RequestData<'floor:settings'>): Promise<null> {
    return this.run(c, 'floor.run', (state) => {
      fresh(state, expectedVersion);
      return one({ type: 'floor.settings', payload: { changes } });
    });
  }

  /**
   * The floor clock's due moment came on the node that runs the session (`fence`): cut the
   * speaker off if time and grace are still out. Written once, whichever node's clock fired.
   */
  async cutOffIfDue(sessionId: SessionState['session']['id'], fence: number): Promise<void> {
    const log = await this.logs.get(sessionId);
    await log.change(
      system('floor-clock'),
      (state, now) => {
        const due = cutOffAt(state.proceedings);
        const speaker = state.proceedings.speaker;
        return due === null || speaker === null || now < due
          ? { changes: [], result: null }
          : one({ type: 'floor.cutOff', payload: { participantId: speaker.request.participantId, dueAt: due } });
      },
      { fence },
    );
  }
}

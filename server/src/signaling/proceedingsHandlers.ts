import { randomBytes } from 'node:crypto';
import {
  AgendaItemIdSchema,
  ErrorCode,
  type FloorRequest,
  type Proceedings,
  type Session,
  type SiteId,
} from '@concord/shared';
import { addItem, deleteItem, editItem, finishItem, reorder, startItem } from '../domain/agenda.js';
import { endTurn, extend, grant, moveRequest, removeRequest, requestFloor } from '../domain/floor.js';
import { findSite } from '../domain/session.js';
import { ConcordError, ForbiddenError, ValidationError } from '../errors.js';
import type { SessionStore } from '../store/sessionStore.js';
import type { ConnectionContext } from './context.js';
import type { ProceedingsService } from './proceedingsService.js';

const newId = (prefix: string) => `${prefix}_${randomBytes(8).toString('base64url')}`;

/** Agenda and floor requests. Chair commands are checked against who holds the chair now. */
export function registerProceedingsHandlers(
  ctx: ConnectionContext,
  service: ProceedingsService,
  sessions: SessionStore,
): void {
  const { on, claims, self } = ctx;
  const sid = claims.sid;

  /** The current proceedings, if this participant holds the chair; FORBIDDEN otherwise. */
  const asChair = async (action: string): Promise<Proceedings> => {
    const p = await service.get(sid);
    if (!service.isChair(p, self())) {
      throw new ForbiddenError(`only the chair may ${action}`);
    }
    return p;
  };
  /** A chair command: refused unless the caller holds the chair, applied if `expectedVersion` is current. */
  const chairChange = async (
    action: string,
    expectedVersion: number,
    change: (p: Proceedings) => Proceedings,
  ): Promise<null> => {
    await asChair(action);
    await service.change(sid, change, expectedVersion);
    return null;
  };
  const checkSite = (session: Session, siteId: SiteId | null | undefined): void => {
    if (siteId !== null && siteId !== undefined && findSite(session, siteId) === null) {
      throw new ValidationError(`presentingSiteId: ${siteId} is not a site of this session`);
    }
  };

  on('proceedings:get', async () => {
    self();
    const [proceedings, seq] = await Promise.all([service.get(sid), sessions.currentSeq(sid)]);
    return { proceedings, seq, serverNow: Date.now() };
  });

  // ---- agenda ----
  on('agenda:add', async ({ expectedVersion, atIndex, ...fields }) => {
    await asChair('edit the agenda');
    checkSite(await sessions.require(sid), fields.presentingSiteId);
    const itemId = AgendaItemIdSchema.parse(newId('item'));
    await service.change(sid, (p) => addItem(p, itemId, fields, atIndex), expectedVersion);
    return { itemId };
  });
  on('agenda:edit', async ({ expectedVersion, itemId, ...fields }) => {
    await asChair('edit the agenda');
    checkSite(await sessions.require(sid), fields.presentingSiteId);
    await service.change(sid, (p) => editItem(p, itemId, fields), expectedVersion);
    return null;
  });
  on('agenda:reorder', ({ expectedVersion, itemIds }) =>
    chairChange('reorder the agenda', expectedVersion, (p) => reorder(p, itemIds)),
  );
  on('agenda:delete', ({ expectedVersion, itemId }) =>
    chairChange('edit the agenda', expectedVersion, (p) => deleteItem(p, itemId)),
  );
  on('agenda:start', ({ expectedVersion, itemId }) =>
    chairChange('start agenda items', expectedVersion, (p) => startItem(p, itemId, Date.now())),
  );
  on('agenda:finish', ({ expectedVersion, itemId, status, outcome }) =>
    chairChange('close agenda items', expectedVersion, (p) => finishItem(p, itemId, status, outcome, Date.now())),
  );

  // ---- floor: members ----
  on('floor:request', async ({ type, forSite }) => {
    const participantId = self();
    if (claims.role === 'observer') {
      throw new ForbiddenError('observers do not take the floor');
    }
    if (forSite && claims.site === null) {
      throw new ForbiddenError('only a participant at a site can ask for the whole site');
    }
    const me = await sessions.getParticipant(sid, participantId);
    const request: FloorRequest = {
      id: newId('fr'),
      siteId: claims.site,
      participantId,
      displayName: me?.displayName ?? claims.name,
      forSite,
      type,
      requestedAt: Date.now(),
    };
    await service.change(sid, (p) => requestFloor(p, request));
    return { requestId: request.id };
  });
  on('floor:withdraw', async ({ requestId }) => {
    const participantId = self();
    await service.change(sid, (p) => {
      const req = p.queue.find((q) => q.id === requestId);
      // Checked on the state being changed: the request may have been granted meanwhile.
      const own =
        req !== undefined &&
        (req.participantId === participantId || (req.forSite && req.siteId !== null && req.siteId === claims.site));
      if (req !== undefined && !own && !service.isChair(p, participantId)) {
        throw new ForbiddenError("only the chair may withdraw another participant's request");
      }
      return removeRequest(p, requestId);
    });
    return null;
  });
  on('floor:yield', async () => {
    const participantId = self();
    await service.change(sid, (p) => {
      const r = p.speaker?.request;
      const mine =
        r !== undefined &&
        (r.participantId === participantId || (r.forSite && r.siteId !== null && r.siteId === claims.site));
      if (!mine) {
        throw new ConcordError(ErrorCode.CONFLICT, 'you do not have the floor');
      }
      return endTurn(p, Date.now());
    });
    return null;
  });

  // ---- floor: chair ----
  on('floor:grant', ({ expectedVersion, requestId }) =>
    chairChange('give the floor', expectedVersion, (p) => grant(p, requestId, Date.now())),
  );
  on('floor:move', ({ expectedVersion, requestId, toIndex }) =>
    chairChange('reorder the queue', expectedVersion, (p) => moveRequest(p, requestId, toIndex)),
  );
  on('floor:remove', ({ expectedVersion, requestId }) =>
    chairChange('remove requests', expectedVersion, (p) => removeRequest(p, requestId)),
  );
  on('floor:extend', ({ expectedVersion, seconds }) =>
    chairChange('extend speaking time', expectedVersion, (p) => extend(p, seconds)),
  );
  on('floor:end', ({ expectedVersion }) => chairChange('end a turn', expectedVersion, (p) => endTurn(p, Date.now())));
  on('floor:settings', async ({ expectedVersion, ...patch }) => {
    await asChair('change floor settings');
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    await service.change(sid, (p) => ({ ...p, settings: { ...p.settings, ...defined } }), expectedVersion);
    return null;
  });
}

import express from 'express';
import {
  AgendaAddBodySchema,
  AgendaEditBodySchema,
  AgendaItemIdSchema,
  AgendaReorderBodySchema,
  SessionIdSchema,
  ok,
  type Proceedings,
  type SessionId,
  type SiteId,
} from '@concord/shared';
import { randomBytes } from 'node:crypto';
import { addItem, deleteItem, editItem, reorder } from '../domain/agenda.js';
import { holdsChair } from '../domain/chair.js';
import { findSite } from '../domain/session.js';
import { ForbiddenError, ValidationError } from '../errors.js';
import type { TokenService } from '../auth/tokens.js';
import type { ProceedingsService } from '../signaling/proceedingsService.js';
import type { SessionStore } from '../store/sessionStore.js';
import { inviteAccess, isAdmin } from './middleware.js';
import { parse } from './parse.js';

export interface AgendaApiDeps {
  store: SessionStore;
  tokens: TokenService;
  proceedings: () => ProceedingsService;
  adminSecret: string;
}

/**
 * The agenda over HTTP, for preparing a session before it starts. Reading needs any
 * invite of the session; changes need the chair's invite (or the admin secret).
 * Changes go through the same service as the chair screen, so everyone sees them live.
 */
export function agendaRouter(deps: AgendaApiDeps): express.Router {
  const router = express.Router({ mergeParams: true });

  const sessionOf = (req: express.Request): SessionId => parse(SessionIdSchema, req.params['sessionId']);
  const asReader = async (req: express.Request, sid: SessionId): Promise<void> => {
    if (!isAdmin(req, deps.adminSecret)) {
      await inviteAccess(req, deps.tokens, deps.store, sid);
    }
  };
  const asChair = async (req: express.Request, sid: SessionId): Promise<void> => {
    if (isAdmin(req, deps.adminSecret)) {
      return;
    }
    const { claims } = await inviteAccess(req, deps.tokens, deps.store, sid);
    const p: Proceedings = await deps.proceedings().get(sid);
    if (!holdsChair(p, claims.sub, claims.role)) {
      throw new ForbiddenError('only the chair may change the agenda');
    }
  };
  const checkSite = async (sid: SessionId, siteId: SiteId | null | undefined) => {
    if (siteId !== null && siteId !== undefined && findSite(await deps.store.require(sid), siteId) === null) {
      throw new ValidationError(`presentingSiteId: ${siteId} is not a site of this session`);
    }
  };

  router.get('/', async (req, res) => {
    const sid = sessionOf(req);
    await asReader(req, sid);
    await deps.store.require(sid);
    const p = await deps.proceedings().get(sid);
    res.json(ok({ agenda: p.agenda, currentItemId: p.currentItemId, version: p.version }));
  });

  router.post('/', async (req, res) => {
    const sid = sessionOf(req);
    await asChair(req, sid);
    const { expectedVersion, atIndex, ...fields } = parse(AgendaAddBodySchema, req.body);
    await checkSite(sid, fields.presentingSiteId);
    const itemId = AgendaItemIdSchema.parse(`item_${randomBytes(8).toString('base64url')}`);
    const p = await deps.proceedings().change(sid, (cur) => addItem(cur, itemId, fields, atIndex), expectedVersion);
    res.status(201).json(ok({ itemId, version: p.version }));
  });

  router.patch('/:itemId', async (req, res) => {
    const sid = sessionOf(req);
    await asChair(req, sid);
    const itemId = parse(AgendaItemIdSchema, req.params['itemId']);
    const { expectedVersion, ...fields } = parse(AgendaEditBodySchema, req.body);
    await checkSite(sid, fields.presentingSiteId);
    const p = await deps.proceedings().change(sid, (cur) => editItem(cur, itemId, fields), expectedVersion);
    res.json(ok({ version: p.version }));
  });

  router.put('/order', async (req, res) => {
    const sid = sessionOf(req);
    await asChair(req, sid);
    const { expectedVersion, itemIds } = parse(AgendaReorderBodySchema, req.body);
    const p = await deps.proceedings().change(sid, (cur) => reorder(cur, itemIds), expectedVersion);
    res.json(ok({ version: p.version }));
  });

  router.delete('/:itemId', async (req, res) => {
    const sid = sessionOf(req);
    await asChair(req, sid);
    const itemId = parse(AgendaItemIdSchema, req.params['itemId']);
    const p = await deps.proceedings().change(sid, (cur) => deleteItem(cur, itemId));
    res.json(ok({ version: p.version }));
  });

  return router;
}

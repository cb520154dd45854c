import express from 'express';
import {
  AgendaAddBodySchema,
  AgendaEditBodySchema,
  AgendaItemIdSchema,
  AgendaReorderBodySchema,
  SessionIdSchema,
  ok,
  type SessionId,
} from '@concord/shared';
import type { TokenService } from '../auth/tokens.js';
import { adminCaller, callerOf, type Who } from '../services/caller.js';
import type { ProceedingsService } from '../services/proceedings.js';
import type { SessionLogs } from '../services/sessionLog.js';
import { inviteAccess, isAdmin } from './middleware.js';
import { parse } from './parse.js';

export interface AgendaApiDeps {
  logs: SessionLogs;
  tokens: TokenService;
  proceedings: ProceedingsService;
  adminSecret: string;
}

/**
 * The agenda over HTTP, for preparing a session before it starts. Reading needs any
 * invite of the session; changes need the chair's invite (or the admin secret). Changes go
 * through the same service as the chair screen, so everyone sees them live.
 */
export function agendaRouter(deps: AgendaApiDeps): express.Router {
  const router = express.Router({ mergeParams: true });

  const sessionOf = (req: express.Request): SessionId => parse(SessionIdSchema, req.params['sessionId']);
  /** The admin acts as the chair would (the service's permission check is on the invite). */
  const callerFor = async (req: express.Request, sid: SessionId): Promise<Who> => {
    if (isAdmin(req, deps.adminSecret)) {
      return adminCaller(sid);
    }
    const { claims } = await inviteAccess(req, deps.tokens, deps.logs, sid);
    return callerOf(claims, null);
  };

  router.get('/', async (req, res) => {
    const sid = sessionOf(req);
    if (!isAdmin(req, deps.adminSecret)) {
      await inviteAccess(req, deps.tokens, deps.logs, sid);
    }
    const log = await deps.logs.get(sid);
    const p = log.state.proceedings;
    res.json(ok({ agenda: p.agenda, currentItemId: p.currentItemId, version: p.version }));
  });

  router.post('/', async (req, res) => {
    const sid = sessionOf(req);
    const who = await callerFor(req, sid);
    res.status(201).json(ok(await deps.proceedings.addItem(who, parse(AgendaAddBodySchema, req.body))));
  });

  router.patch('/:itemId', async (req, res) => {
    const sid = sessionOf(req);
    const who = await callerFor(req, sid);
    const itemId = parse(AgendaItemIdSchema, req.params['itemId']);
    res.json(ok(await deps.proceedings.editItem(who, { ...parse(AgendaEditBodySchema, req.body), itemId })));
  });

  router.put('/order', async (req, res) => {
    const sid = sessionOf(req);
    const who = await callerFor(req, sid);
    res.json(ok(await deps.proceedings.reorder(who, parse(AgendaReorderBodySchema, req.body))));
  });

  router.delete('/:itemId', async (req, res) => {
    const sid = sessionOf(req);
    const who = await callerFor(req, sid);
    const itemId = parse(AgendaItemIdSchema, req.params['itemId']);
    res.json(ok(await deps.proceedings.deleteItem(who, { itemId })));
  });

  return router;
}

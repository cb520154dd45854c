import fs from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response, type NextFunction } from 'express';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import {
  CreateInviteBodySchema,
  CreateSessionBodySchema,
  ErrorCode,
  SessionIdSchema,
  canonicalEntry,
  ok,
  type NodeWire,
  type NodesWire,
  type SessionInfoWire,
} from '@concord/shared';
import { randomBytes } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { InviteService } from '../auth/invites.js';
import type { TokenService } from '../auth/tokens.js';
import { findSite } from '../domain/session.js';
import { ConcordError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { IssueService } from '../services/issues.js';
import type { ProceedingsService } from '../services/proceedings.js';
import type { SessionLogs } from '../services/sessionLog.js';
import type { SessionService } from '../services/sessions.js';
import type { LogStore } from '../store/logStore.js';
import { errorMiddleware, inviteAccess, requireAdmin } from './middleware.js';
import { parse } from './parse.js';
import { agendaRouter } from './agenda.js';
import { issuesRouter } from './issues.js';
import { defaultInvites } from './invites.js';

const JSON_BODY_LIMIT = '64kb';

/** What the health endpoints read (implemented by health/). */
export interface HealthReporter {
  report(): Promise<{ status: 'ok' | 'degraded' }>;
}

export interface HttpDeps {
  logs: SessionLogs;
  logStore: LogStore;
  sessions: SessionService;
  proceedings: ProceedingsService;
  issues: IssueService;
  tokens: TokenService;
  invites: InviteService;
  /** The live nodes of the deployment. */
  nodes: () => NodeWire[];
  health: HealthReporter;
  metrics: Registry;
  /** Requests per client address, counted across nodes. */
  apiLimiter: RateLimiterAbstract;
  adminSecret: string;
  /** Proxies trusted to say the client's address (Express `trust proxy`). */
  trustProxy: string[] | number;
  clientDist: string;
  log: Logger;
}

type Async = (req: Request, res: Response, next: NextFunction) => Promise<void>;
/** Express 5 forwards rejected promises to the error middleware; this keeps handlers typed. */
const route = (fn: Async) => fn;

export function createHttpApp(deps: HttpDeps): express.Express {
  const { logs, invites, health } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  // A path with an empty segment ('//api/admin/…') is nobody's address: not the API, and not
  // a page of the client either (the client would otherwise be served for it).
  app.use((req, _res, next) => {
    next(req.path.includes('//') ? new ConcordError(ErrorCode.NOT_FOUND, 'no such path') : undefined);
  });

  app.get(
    '/healthz',
    route(async (_req, res) => {
      res.json(await health.report());
    }),
  );
  app.get(
    '/readyz',
    route(async (_req, res) => {
      const report = await health.report();
      res.status(report.status === 'ok' ? 200 : 503).json(report);
    }),
  );

  app.get(
    '/metrics',
    route(async (_req, res) => {
      const registry = deps.metrics;
      res.type(registry.contentType).send(await registry.metrics());
    }),
  );

  const limiter = deps.apiLimiter;
  const api = express.Router();
  api.use((req, _res, next) => {
    limiter.consume(req.ip ?? 'unknown').then(
      () => next(),
      () => next(new ConcordError(ErrorCode.RATE_LIMITED, 'too many requests; slow down')),
    );
  });
  api.use(express.json({ limit: JSON_BODY_LIMIT }));
  // The API serves no cross-origin callers, so OPTIONS is none of its methods. Refused the same
  // way on every path (admin paths check the secret first), instead of Express's automatic
  // 200 with an Allow list on some paths and 404 on others.
  const noOptions: express.RequestHandler = (req, _res, next) => {
    next(
      req.method === 'OPTIONS' ? new ConcordError(ErrorCode.METHOD_NOT_ALLOWED, 'OPTIONS is not served') : undefined,
    );
  };

  // ---- admin ----
  const admin = express.Router();
  admin.use(requireAdmin(deps.adminSecret));
  admin.use(noOptions);
  admin.post(
    '/sessions',
    route(async (req, res) => {
      const body = parse(CreateSessionBodySchema, req.body);
      const session = await deps.sessions.create({
        id: body.id ?? `s_${randomBytes(6).toString('base64url')}`,
        title: body.title,
        siteNames: body.sites.map((s) => s.name),
        localNames: body.sites.map((s) => s.names),
        ...(body.floorMode === undefined ? {} : { floorMode: body.floorMode }),
      });
      res.status(201).json(ok({ session, invites: defaultInvites(invites, session) }));
    }),
  );
  admin.get(
    '/sessions',
    route(async (_req, res) => {
      const found = await Promise.all((await deps.logStore.sessionIds()).map((id) => logs.find(id)));
      res.json(ok(found.flatMap((l) => (l === null ? [] : [l.state.session]))));
    }),
  );
  admin.get(
    '/sessions/:sessionId',
    route(async (req, res) => {
      const log = await logs.get(parse(SessionIdSchema, req.params['sessionId']));
      const { session, participants } = log.state;
      res.json(ok({ session, participants: Object.values(participants), head: log.head }));
    }),
  );
  admin.get(
    '/sessions/:sessionId/log',
    route(async (req, res) => {
      // Read from Redis, not this node's memory: the export is what is stored.
      const id = parse(SessionIdSchema, req.params['sessionId']);
      await logs.get(id);
      res.type('application/x-ndjson; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="concord-${id}-log.jsonl"`);
      for await (const { hash, ...body } of deps.logStore.all(id)) {
        res.write(`{"entry":${canonicalEntry(body)},"hash":"${hash}"}\n`);
      }
      res.end();
    }),
  );
  admin.post(
    '/sessions/:sessionId/invites',
    route(async (req, res) => {
      const id = parse(SessionIdSchema, req.params['sessionId']);
      const body = parse(CreateInviteBodySchema, req.body);
      const { session } = (await logs.get(id)).state;
      if (body.siteId !== null && findSite(session, body.siteId) === null) {
        throw new ValidationError(`siteId: ${body.siteId} is not a site of this session`);
      }
      if (body.role === 'member' && body.siteId === null) {
        throw new ValidationError('siteId: a member invite must name a site');
      }
      res.status(201).json(ok(invites.invite({ sessionId: id, ...body })));
    }),
  );
  api.use('/admin', admin);
  api.use(noOptions);

  // ---- participants ----
  api.get(
    '/session',
    route(async (req, res) => {
      const { claims, state } = await inviteAccess(req, deps.tokens, logs);
      const session = state.session;
      const site = findSite(session, claims.site);
      const info: SessionInfoWire = {
        session,
        invite: {
          role: claims.role,
          siteId: claims.site,
          siteName: site?.name ?? null,
          displayName: claims.name,
          region: claims.region ?? null,
          expiresAt: claims.exp * 1000,
        },
        nodes: deps.nodes(),
      };
      res.json(ok(info));
    }),
  );

  api.get('/nodes', (_req, res) => {
    // Read by the pages of every node (a page refreshes its list from the node it is connected to).
    res.setHeader('access-control-allow-origin', '*');
    const body: NodesWire = { nodes: deps.nodes() };
    res.json(ok(body));
  });

  api.use(
    '/sessions/:sessionId/agenda',
    agendaRouter({ logs, tokens: deps.tokens, proceedings: deps.proceedings, adminSecret: deps.adminSecret }),
  );

  api.use(
    '/sessions/:sessionId',
    issuesRouter({ logs, tokens: deps.tokens, issues: deps.issues, adminSecret: deps.adminSecret }),
  );

  api.use((_req, _res, next) => next(new ConcordError(ErrorCode.NOT_FOUND, 'no such endpoint')));
  app.use('/api', api);

  // ---- the built client (a single-page app: every other path serves index.html) ----
  const index = path.join(deps.clientDist, 'index.html');
  app.use(express.static(deps.clientDist, { index: false, maxAge: '1h' }));
  app.get(/.*/, (_req, res) => {
    if (fs.existsSync(index)) {
      res.setHeader('cache-control', 'no-cache');
      res.sendFile(index);
    } else {
      res.status(503).type('text').send('The Concord client is not built. Run `npm start`, or `npm run build:client`.');
    }
  });

  app.use(errorMiddleware(deps.log));
  return app;
}

import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type LogChangeType,
  type LogEntry,
  type ClientToServerEvents,
  type InviteWire,
  type Result,
  type Role,
  type ServerToClientEvents,
  type Session,
  type SessionSnapshot,
} from '@concord/shared';
import { TokenService } from '../../server/src/auth/tokens.js';
import { TEST_ADMIN_SECRET, TEST_JWT_SECRET } from './env.js';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Ack waits in tests; far above what a healthy local server needs. */
const REQUEST_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 10_000;

type AckResult<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends (
  r: infer R,
) => void
  ? R
  : never;

/** Sends one request and resolves with the server's `{ ok, ... }` reply. */
export async function request<E extends keyof ClientToServerEvents>(
  socket: TestSocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
): Promise<AckResult<E>> {
  // socket.io-client's emitWithAck types cannot follow a generic event name.
  const emit = socket.timeout(REQUEST_TIMEOUT_MS).emitWithAck.bind(socket.timeout(REQUEST_TIMEOUT_MS)) as (
    ev: E,
    p: typeof payload,
  ) => Promise<AckResult<E>>;
  return emit(event, payload);
}

/** Like `request`, but sends raw, untyped data: for malformed-payload tests. */
export async function requestRaw(socket: TestSocket, event: string, payload: unknown): Promise<Result<unknown>> {
  const raw = socket as unknown as Socket;
  return raw.timeout(REQUEST_TIMEOUT_MS).emitWithAck(event, payload) as Promise<Result<unknown>>;
}

export function data<T>(result: Result<T>): T {
  if (!result.ok) {
    throw new Error(`request failed: ${result.error.code} ${result.error.message}`);
  }
  return result.data;
}

export interface ConnectOptions {
  protocolVersion?: number;
  auth?: unknown;
}

/** A connected Socket.IO client, or the connect_error's `data` when the server refuses it. */
export async function connect(url: string, token: string, opts: ConnectOptions = {}): Promise<TestSocket> {
  const socket: TestSocket = io(url, {
    auth: (opts.auth as Record<string, unknown> | undefined) ?? {
      token,
      protocolVersion: opts.protocolVersion ?? PROTOCOL_VERSION,
    },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timeout')), CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      clearTimeout(timer);
      socket.close();
      reject(Object.assign(new Error(err.message), { data: err.data }));
    });
  });
  return socket;
}

let instanceCounter = 0;
export const newInstanceId = (): string => `test-instance-${process.pid}-${++instanceCounter}`;

/** Connects with `token` and joins its session. */
export async function join(
  url: string,
  token: string,
  displayName?: string,
): Promise<{ socket: TestSocket; snapshot: SessionSnapshot; instanceId: string }> {
  const socket = await connect(url, token);
  const instanceId = newInstanceId();
  const snapshot = data(
    await request(socket, 'session:join', displayName ? { instanceId, displayName } : { instanceId }),
  );
  return { socket, snapshot, instanceId };
}

/** Waits for the next log entry of one type (and matching `predicate`) on a joined socket. */
export function nextEntry<T extends LogChangeType>(
  socket: TestSocket,
  type: T,
  predicate: (e: Extract<LogEntry, { type: T }>) => boolean = () => true,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Extract<LogEntry, { type: T }>> {
  return nextEvent(
    socket,
    'session:entry',
    (e) => e.type === type && predicate(e as Extract<LogEntry, { type: T }>),
    timeoutMs,
  ).then(([e]) => e as Extract<LogEntry, { type: T }>);
}

/** Waits for one server event. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
  predicate: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Parameters<ServerToClientEvents[E]>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      (socket.off as (e: string, l: unknown) => void)(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: Parameters<ServerToClientEvents[E]>) => {
      if (predicate(...args)) {
        clearTimeout(timer);
        (socket.off as (e: string, l: unknown) => void)(event, listener);
        resolve(args);
      }
    };
    (socket.on as (e: string, l: unknown) => void)(event, listener);
  });
}

/** One HTTP API call with a bearer token (an invite or the admin secret); the status and the JSON reply. */
export async function httpAs(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Result<Record<string, unknown>> }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Result<Record<string, unknown>> };
}

/** The admin HTTP API, as a script or the CLI uses it. */
export class AdminApi {
  constructor(
    private readonly baseUrl: string,
    private readonly secret = TEST_ADMIN_SECRET,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Result<unknown> }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.secret}`, 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Result<unknown> };
  }

  /**
   * A session as the admin API makes it. Floor mode is off unless asked for: joint sessions
   * start with it on, but most tests are about something else and let members open their
   * microphones; the tests of the floor turn it on, and one checks the default.
   */
  async createSession(
    title: string,
    sites: string[],
    id?: string,
    { floorMode = false }: { floorMode?: boolean } = {},
  ): Promise<{ session: Session; invites: InviteWire[] }> {
    const { status, json } = await this.call('POST', '/api/admin/sessions', {
      title,
      sites: sites.map((name) => ({ name })),
      floorMode,
      ...(id ? { id } : {}),
    });
    if (status !== 201 || !json.ok) {
      throw new Error(`createSession failed: ${status} ${JSON.stringify(json)}`);
    }
    return json.data as { session: Session; invites: InviteWire[] };
  }
}

/** The invite token for a role (and site name, for members) among a new session's invites. */
export function inviteFor(created: { session: Session; invites: InviteWire[] }, role: Role, siteName?: string): string {
  const siteId = siteName ? created.session.sites.find((s) => s.name === siteName)?.id : null;
  const invite = created.invites.find((i) => i.role === role && (siteName === undefined || i.siteId === siteId));
  if (!invite) {
    throw new Error(`no ${role} invite${siteName ? ` for ${siteName}` : ''}`);
  }
  return invite.token;
}

/**
 * A new invite of its own for one more participant of a role (and site): one invite holds one
 * place, so a test with several people of one site gives each a seat, as a chair issues
 * separate invites for a site's several devices. Signed like the admin API's, with the test
 * servers' secret.
 */
export function seatFor(
  created: { session: Session; invites: InviteWire[] },
  role: Role,
  siteName?: string,
  displayName = siteName ?? role,
): string {
  const site = siteName === undefined ? null : created.session.sites.find((s) => s.name === siteName);
  if (site === undefined) {
    throw new Error(`no site ${siteName}`);
  }
  return new TokenService(TEST_JWT_SECRET).issue({
    sessionId: created.session.id,
    siteId: site?.id ?? null,
    role,
    displayName,
    ttlSeconds: 3_600,
  }).token;
}

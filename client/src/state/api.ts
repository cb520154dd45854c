import { z } from 'zod';
import {
  ErrorCode,
  NodeWireSchema,
  RoleSchema,
  SessionSchema,
  type NodeWire,
  type SessionInfoWire,
} from '@concord/shared';
import { AppError, ClientErrorCode, ErrorCodeSchema } from './errors';

const SESSION_INFO_PATH = '/api/session';
export const HTTP_TIMEOUT_MS = 10_000;

// shared/ declares SessionInfoWire as an interface only; this schema checks the reply at the
// boundary, and `satisfies` makes the compiler refuse it if it drifts from the interface.
const SessionInfoSchema = z.object({
  session: SessionSchema,
  invite: z.object({
    role: RoleSchema,
    siteId: z.string().nullable(),
    siteName: z.string().nullable(),
    displayName: z.string(),
    region: z.string().nullable(),
    expiresAt: z.number(),
  }),
  nodes: z.array(NodeWireSchema),
}) satisfies z.ZodType<SessionInfoWire>;

const SessionInfoBodySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: SessionInfoSchema }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: ErrorCodeSchema.catch(ErrorCode.INTERNAL), message: z.string() }),
  }),
]);

/** GET /api/session: what the join screen shows about the invite. */
export async function fetchSessionInfo(token: string, signal: AbortSignal): Promise<SessionInfoWire> {
  let response: Response;
  try {
    response = await fetch(SESSION_INFO_PATH, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      signal: AbortSignal.any([signal, AbortSignal.timeout(HTTP_TIMEOUT_MS)]),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'TimeoutError') {
      throw new AppError(ClientErrorCode.REQUEST_TIMEOUT, 'the server did not answer in time');
    }
    if (signal.aborted) {
      throw err;
    }
    throw new AppError(ClientErrorCode.NETWORK_ERROR, err instanceof Error ? err.message : String(err));
  }

  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new AppError(ErrorCode.INTERNAL, `unexpected reply (HTTP ${response.status})`);
  }
  const body = SessionInfoBodySchema.safeParse(json);
  if (!body.success) {
    throw new AppError(ErrorCode.INTERNAL, `malformed reply (HTTP ${response.status})`);
  }
  if (!body.data.ok) {
    throw new AppError(body.data.error.code, body.data.error.message);
  }
  return body.data.data;
}

const NodesBodySchema = z.object({ ok: z.literal(true), data: z.object({ nodes: z.array(NodeWireSchema) }) });

/** GET <server>/api/nodes: the live nodes, as a server sees them now; null when it cannot say. */
export async function fetchNodes(server: string): Promise<NodeWire[] | null> {
  try {
    const response = await fetch(`${server}/api/nodes`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    const body = NodesBodySchema.safeParse(await response.json());
    return body.success ? body.data.data.nodes : null;
  } catch {
    return null;
  }
}

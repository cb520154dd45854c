import type { SessionId } from '@concord/shared';

// All keys of one session share the hash tag {sessionId}, so they stay on one slot
// and one Lua script or MULTI can touch them together (Redis Cluster included).
export const keys = {
  sessions: 'concord:sessions',
  session: (id: SessionId) => `concord:session:{${id}}`,
  participants: (id: SessionId) => `concord:session:{${id}}:participants`,
  seq: (id: SessionId) => `concord:session:{${id}}:seq`,
  proceedings: (id: SessionId) => `concord:session:{${id}}:proceedings`,
} as const;

import type { SessionId } from '@concord/shared';

// All keys of one session share the hash tag {sessionId}, so they stay on one slot
// and one Lua script or MULTI can touch them together (Redis Cluster included).
export const keys = {
  sessions: 'concord:sessions',
  session: (id: SessionId) => `concord:session:{${id}}`,
  participants: (id: SessionId) => `concord:session:{${id}}:participants`,
  seq: (id: SessionId) => `concord:session:{${id}}:seq`,
  proceedings: (id: SessionId) => `concord:session:{${id}}:proceedings`,
  /** participant id → invite subject (who holds which place; chair rights follow subjects). */
  subjects: (id: SessionId) => `concord:session:{${id}}:subjects`,
  /** participant id → JSON Participant waiting for the chair. */
  lobby: (id: SessionId) => `concord:session:{${id}}:lobby`,
  /** participant ids the chair admitted from the lobby. */
  admitted: (id: SessionId) => `concord:session:{${id}}:admitted`,
  /** invite subjects the chair removed: they cannot come back. */
  banned: (id: SessionId) => `concord:session:{${id}}:banned`,
} as const;

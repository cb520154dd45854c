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
  /** issue id → JSON Issue. */
  issues: (id: SessionId) => `concord:session:{${id}}:issues`,
  /** "<participant>:<idempotency key>" → issue id, so a retried raise finds its issue. */
  issueKeys: (id: SessionId) => `concord:session:{${id}}:issue-keys`,
  /** Append-only stream of issue events; the queue is a fold of it. */
  issueEvents: (id: SessionId) => `concord:session:{${id}}:issue-events`,
  issueSettings: (id: SessionId) => `concord:session:{${id}}:issue-settings`,
  /** Append-only log of alarm records (raised and cleared), newest first, trimmed. */
  alarms: (id: SessionId) => `concord:session:{${id}}:alarms`,
  /** site id → JSON Alarm for the alarms still open. */
  openAlarms: (id: SessionId) => `concord:session:{${id}}:alarms-open`,
  /** Unresolved issues of closed sessions of one committee (the same set of sites), waiting to be imported. */
  carryOver: (committee: string) => `concord:committee:{${committee}}:carry-over`,
} as const;

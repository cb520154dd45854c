import {
  ParticipantSchema,
  SessionSchema,
  type Participant,
  type ParticipantId,
  type Session,
  type SessionId,
} from '@concord/shared';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Redis } from './redis.js';
import { keys } from './keys.js';

// Compare-and-set on the session's version: a writer that read an older version loses
// with CONFLICT instead of overwriting a change it never saw. Bumps the session's
// broadcast sequence in the same step so the change and its number are one atomic write.
const UPDATE_SESSION_LUA = `
local cur = redis.call('GET', KEYS[1])
if not cur then return redis.error_reply('NOT_FOUND') end
local version = cjson.decode(cur)['version']
if tonumber(version) ~= tonumber(ARGV[1]) then return redis.error_reply('CONFLICT') end
redis.call('SET', KEYS[1], ARGV[2])
return redis.call('INCR', KEYS[2])
`;

export interface Versioned<T> {
  value: T;
  seq: number;
}

/** Sessions, their sites and participants' presence, in Redis. */
export class SessionStore {
  constructor(private readonly redis: Redis) {}

  /** Creates the session; false when one with that id already exists (nothing is changed). */
  async create(session: Session): Promise<boolean> {
    const created = await this.redis
      .multi()
      .set(keys.session(session.id), JSON.stringify(session), 'NX')
      .sadd(keys.sessions, session.id)
      .exec();
    return created?.[0]?.[1] === 'OK';
  }

  async get(id: SessionId): Promise<Session | null> {
    const raw = await this.redis.get(keys.session(id));
    return raw === null ? null : SessionSchema.parse(JSON.parse(raw));
  }

  async require(id: SessionId): Promise<Session> {
    const session = await this.get(id);
    if (!session) {
      throw new NotFoundError('session');
    }
    return session;
  }

  async list(): Promise<Session[]> {
    const ids = await this.redis.smembers(keys.sessions);
    if (ids.length === 0) {
      return [];
    }
    const raws = await this.redis.mget(ids.map((id) => `concord:session:{${id}}`));
    return raws.flatMap((raw) => (raw === null ? [] : [SessionSchema.parse(JSON.parse(raw))]));
  }

  /** Applies `change` to the session if nobody changed it since `expectedVersion`. */
  async update(id: SessionId, expectedVersion: number, change: (s: Session) => Session): Promise<Versioned<Session>> {
    const current = await this.require(id);
    if (current.version !== expectedVersion) {
      throw new ConflictError('the session was changed by someone else; reload and try again');
    }
    const next = SessionSchema.parse({ ...change(current), version: expectedVersion + 1 });
    try {
      const seq = await this.redis.eval(
        UPDATE_SESSION_LUA,
        2,
        keys.session(id),
        keys.seq(id),
        String(expectedVersion),
        JSON.stringify(next),
      );
      return { value: next, seq: Number(seq) };
    } catch (err) {
      if (err instanceof Error && err.message.includes('CONFLICT')) {
        throw new ConflictError('the session was changed by someone else; reload and try again');
      }
      if (err instanceof Error && err.message.includes('NOT_FOUND')) {
        throw new NotFoundError('session');
      }
      throw err;
    }
  }

  /** Stores the participant and returns the sequence number of the change. */
  async putParticipant(p: Participant): Promise<number> {
    const res = await this.redis
      .multi()
      .hset(keys.participants(p.sessionId), p.id, JSON.stringify(p))
      .incr(keys.seq(p.sessionId))
      .exec();
    return Number(res?.[1]?.[1]);
  }

  async getParticipant(sessionId: SessionId, id: ParticipantId): Promise<Participant | null> {
    const raw = await this.redis.hget(keys.participants(sessionId), id);
    return raw === null ? null : ParticipantSchema.parse(JSON.parse(raw));
  }

  /** Removes the participant; the sequence number of the change, or null if it was not there. */
  async removeParticipant(sessionId: SessionId, id: ParticipantId): Promise<number | null> {
    const res = await this.redis.multi().hdel(keys.participants(sessionId), id).incr(keys.seq(sessionId)).exec();
    return Number(res?.[0]?.[1]) === 1 ? Number(res?.[1]?.[1]) : null;
  }

  async listParticipants(sessionId: SessionId): Promise<Participant[]> {
    const all = await this.redis.hvals(keys.participants(sessionId));
    return all.map((raw) => ParticipantSchema.parse(JSON.parse(raw)));
  }

  async setSubject(sessionId: SessionId, id: ParticipantId, subject: string): Promise<void> {
    await this.redis.hset(keys.subjects(sessionId), id, subject);
  }

  async subjectOf(sessionId: SessionId, id: ParticipantId): Promise<string | null> {
    return this.redis.hget(keys.subjects(sessionId), id);
  }

  // ---- lobby and removal ----
  async putWaiting(p: Participant): Promise<void> {
    await this.redis.hset(keys.lobby(p.sessionId), p.id, JSON.stringify(p));
  }

  async takeWaiting(sessionId: SessionId, id: ParticipantId): Promise<Participant | null> {
    const [[, raw], [, removed]] = (await this.redis
      .multi()
      .hget(keys.lobby(sessionId), id)
      .hdel(keys.lobby(sessionId), id)
      .exec()) as [[Error | null, string | null], [Error | null, number]];
    return removed === 1 && raw !== null ? ParticipantSchema.parse(JSON.parse(raw)) : null;
  }

  async listWaiting(sessionId: SessionId): Promise<Participant[]> {
    return (await this.redis.hvals(keys.lobby(sessionId))).map((raw) => ParticipantSchema.parse(JSON.parse(raw)));
  }

  async admit(sessionId: SessionId, id: ParticipantId): Promise<void> {
    await this.redis.sadd(keys.admitted(sessionId), id);
  }

  async isAdmitted(sessionId: SessionId, id: ParticipantId): Promise<boolean> {
    return (await this.redis.sismember(keys.admitted(sessionId), id)) === 1;
  }

  async ban(sessionId: SessionId, subject: string): Promise<void> {
    await this.redis.sadd(keys.banned(sessionId), subject);
  }

  async isBanned(sessionId: SessionId, subject: string): Promise<boolean> {
    return (await this.redis.sismember(keys.banned(sessionId), subject)) === 1;
  }

  async currentSeq(sessionId: SessionId): Promise<number> {
    return Number((await this.redis.get(keys.seq(sessionId))) ?? 0);
  }
}

import type { Alarm, SessionId } from '@concord/shared';
import { z } from 'zod';
import type { Redis } from './redis.js';
import { keys } from './keys.js';

/** Alarm records kept per session (raise and clear records together). */
const ALARM_LOG_LENGTH = 1000;

const AlarmSchema = z.strictObject({
  id: z.string(),
  siteId: z.string(),
  siteName: z.string(),
  level: z.enum(['degraded', 'down']),
  reasons: z.array(z.string()),
  raisedAt: z.number(),
  clearedAt: z.number().nullable(),
});

/** Alarms in Redis: the open ones by site, and a trimmed log of every raise and clear. */
export class AlarmStore {
  constructor(private readonly redis: Redis) {}

  async record(sessionId: SessionId, raised: Alarm[], cleared: Alarm[]): Promise<void> {
    if (raised.length === 0 && cleared.length === 0) {
      return;
    }
    const m = this.redis.multi();
    for (const a of cleared) {
      m.hdel(keys.openAlarms(sessionId), a.siteId);
      m.lpush(keys.alarms(sessionId), JSON.stringify(a));
    }
    for (const a of raised) {
      m.hset(keys.openAlarms(sessionId), a.siteId, JSON.stringify(a));
      m.lpush(keys.alarms(sessionId), JSON.stringify(a));
    }
    m.ltrim(keys.alarms(sessionId), 0, ALARM_LOG_LENGTH - 1);
    await m.exec();
  }

  async open(sessionId: SessionId): Promise<Alarm[]> {
    return (await this.redis.hvals(keys.openAlarms(sessionId))).map((raw) => AlarmSchema.parse(JSON.parse(raw)));
  }

  /** The newest alarm records first. */
  async log(sessionId: SessionId, limit = 100): Promise<Alarm[]> {
    return (await this.redis.lrange(keys.alarms(sessionId), 0, limit - 1)).map((raw) =>
      AlarmSchema.parse(JSON.parse(raw)),
    );
  }
}

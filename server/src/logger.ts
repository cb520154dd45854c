import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/** The one structured logger; modules take child loggers bound to their context. */
export function createLogger(config: Config['log']): Logger {
  return pino({
    level: config.level,
    base: { service: 'concord' },
    redact: ['token', '*.token', 'auth.token', 'req.headers.authorization'],
    ...(config.pretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname,service' } } }
      : {}),
  });
}

import { loadConfig, ConfigError } from './config.js';
import { createLogger } from './logger.js';
import { startConcord } from './app.js';
import { ensureDemoSession, formatInvites } from './demo.js';

/** Lets in-flight work finish on shutdown, but never hangs the process. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.log);
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

  const concord = await startConcord(config, log);

  if (process.argv.includes('--demo')) {
    const { session, invites } = await ensureDemoSession(concord);
    // The links are for the person at the terminal, not for the log.
    process.stdout.write(`${formatInvites(session, invites)}\n`);
  }

  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
    concord.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`concord failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

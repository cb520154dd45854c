import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { startConcord, type Concord } from '../../server/src/app.js';
import { testEnv } from './env.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The real server, in this process, on a free port. */
export async function startTestServer(redisUrl: string, extra: Record<string, string> = {}): Promise<Concord> {
  const config = loadConfig(testEnv(redisUrl, extra));
  return startConcord(config, createLogger(config.log));
}

/** Waiting for a child server to print that it listens. */
const CHILD_START_TIMEOUT_MS = 30_000;

/** The real server as its own process (node server/src/main.ts), for restart and crash tests. */
export class ChildServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /**
   * `run` starts the process (by default here; the network test bed starts it inside a city),
   * and `host` is the address its URL names (by default loopback).
   */
  static async start(
    env: NodeJS.ProcessEnv,
    where: { run?: (command: string, args: string[], options: SpawnOptions) => ChildProcess; host?: string } = {},
  ): Promise<ChildServer> {
    const run = where.run ?? spawn;
    const child = run(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/src/main.ts')], {
      cwd: repoRoot,
      env: { ...process.env, ...env, LOG_LEVEL: 'info', LOG_PRETTY: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), CHILD_START_TIMEOUT_MS);
      let buf = '';
      child.stdout?.on('data', (d: Buffer) => {
        buf += d.toString();
        for (const line of buf.split('\n')) {
          const m = /"msg":"concord listening"/.test(line) ? /"port":(\d+)/.exec(line) : null;
          if (m?.[1]) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        }
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
    });
    child.stdout?.resume();
    return new ChildServer(child, `http://${where.host ?? '127.0.0.1'}:${port}`);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill(signal);
    });
  }
}

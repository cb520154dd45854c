import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Redis must answer PING within this long after start. */
const REDIS_START_TIMEOUT_MS = 10_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A real redis-server on a free loopback port, append-only, its data in a temp folder. */
export class RedisServer {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    readonly dir: string,
    /** The address it listens on: loopback, or the host's address in the network test bed. */
    readonly host: string,
  ) {}

  get url(): string {
    return `redis://${this.host}:${this.port}`;
  }

  static async start(host = '127.0.0.1'): Promise<RedisServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-redis-'));
    const server = new RedisServer(await freePort(), dir, host);
    await server.spawn();
    return server;
  }

  private async spawn(): Promise<void> {
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        this.host,
        // Protected mode refuses every caller not on loopback when there is no password; the
        // test bed's nodes call from their cities, and the address exists only on this machine.
        '--protected-mode',
        this.host === '127.0.0.1' ? 'yes' : 'no',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + REDIS_START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (await this.ping()) {
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  private ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const sock = net.connect(this.port, this.host);
      sock.once('error', () => resolve(false));
      sock.once('connect', () => sock.write('PING\r\n'));
      sock.once('data', (d) => {
        sock.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
    });
  }

  /** Stops Redis the hard way (SIGKILL) or cleanly, then starts it again on the same data. */
  async restart(hard = false): Promise<void> {
    await this.stop(hard ? 'SIGKILL' : 'SIGTERM');
    await this.spawn();
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) {
      return;
    }
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  async destroy(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

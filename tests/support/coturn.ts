/**
 * A real coturn for tests, configured by the same script as `npm start`'s (scripts/turn.sh `run`: the same lock-down,
 * the same credentials scheme), with its config in a temp folder and a throwaway self-signed certificate.
 * It runs where `run` starts it: here by default, or inside a city of the network test bed
 * (`run: (cmd, args, opts) => bed.spawnIn(city, cmd, args, opts)`, with `listenIp: CITY_ADDRESS[city]`).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './redisServer.js';
import { repoRoot } from './server.js';

const TURN_SCRIPT = path.join(repoRoot, 'scripts/turn.sh');
/** turnserver answers on all its ports within this long after it starts. */
const START_TIMEOUT_MS = 15_000;
/** How often readiness is probed while it starts. */
const PROBE_INTERVAL_MS = 100;
/** A stopped turnserver exits within this long, or is killed. */
const STOP_TIMEOUT_MS = 5_000;
/** Relay ports come from a window of this size, chosen at random above `npm start`'s default (50000-50999). */
const RELAY_WINDOW = 100;
const RELAY_WINDOW_BASE = 51_000;
const RELAY_WINDOW_COUNT = 89;
/** The log kept for error messages is cut to its last this many characters. */
const LOG_LIMIT = 20_000;

export type Spawner = (command: string, args: string[], options: SpawnOptions) => ChildProcess;

export interface CoturnOptions {
  /** Starts the process: plain `spawn` by default; the network test bed's `spawnIn` to run it inside a city. */
  run?: Spawner;
  /** The IPv4 address it listens and relays on. Default 127.0.0.1. */
  listenIp?: string;
  /** The host name or address in its URLs (and its certificate). Default `listenIp`. */
  host?: string;
  /** UDP and TCP port. Default: a free one. */
  port?: number;
  /** TLS port (TCP). Default: a free one. */
  tlsPort?: number;
  /** The shared secret credentials are made from. Default: random. */
  secret?: string;
  /**
   * Loopback and private addresses it may relay to anyway (the deployment's Concord nodes), IPs or `first-last`
   * ranges. Default none: only public addresses.
   */
  allowedPeers?: readonly string[];
  /** Relay ports. Default: a random window of 100 ports within 51000-59999. */
  relayPorts?: { min: number; max: number };
  /** Allocations one username may hold at once (coturn's user-quota). Default scripts/turn.sh's (12). */
  userQuota?: number;
  /** A certificate and key to serve on the TLS port; default: a self-signed one made for `host` in `certDir`. */
  tls?: { cert: string; key: string };
  /**
   * Where the self-signed certificate is made: kept after stop, and reused while it is valid for `host` (so a browser
   * can be told to trust it before the server starts). Default: the temp folder, removed on stop.
   */
  certDir?: string;
}

/**
 * TURN credentials as Concord hands them out (coturn's `use-auth-secret`): username `<expiry>:<subject>`, expiry in
 * Unix seconds; password base64(HMAC-SHA1(secret, username)). A negative `ttlSeconds` makes an expired one.
 */
export function turnCredential(
  secret: string,
  subject: string,
  ttlSeconds: number,
  nowMs: number = Date.now(),
): { username: string; credential: string } {
  const username = `${Math.floor(nowMs / 1000) + ttlSeconds}:${subject}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

export class Coturn {
  private output = '';
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    /** Its temp folder: turnserver.conf, and the certificate unless `certDir` was given. */
    readonly dir: string,
    /** The ICE server URLs, as TURN_URLS: `turn:` over UDP, `turn:` over TCP, `turns:` over TLS. */
    readonly urls: string[],
    readonly secret: string,
    readonly listenIp: string,
    readonly port: number,
    readonly tlsPort: number,
    /** The certificate served on the TLS port (PEM); trust it to reach `turns:`. */
    readonly certFile: string,
    readonly relayPorts: { min: number; max: number },
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const keep = (d: Buffer) => {
      this.output = (this.output + d.toString()).slice(-LOG_LIMIT);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static async start(options: CoturnOptions = {}): Promise<Coturn> {
    const run = options.run ?? spawn;
    const listenIp = options.listenIp ?? '127.0.0.1';
    const host = options.host ?? listenIp;
    const port = options.port ?? (await freePort());
    let tlsPort = options.tlsPort ?? (await freePort());
    while (tlsPort === port) {
      tlsPort = await freePort();
    }
    const secret = options.secret ?? randomBytes(24).toString('base64url');
    const window = RELAY_WINDOW_BASE + RELAY_WINDOW * Math.floor(Math.random() * RELAY_WINDOW_COUNT);
    const relayPorts = options.relayPorts ?? { min: window, max: window + RELAY_WINDOW - 1 };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-coturn-'));

    let tlsFiles = options.tls;
    if (!tlsFiles) {
      const certDir = options.certDir ?? path.join(dir, 'tls');
      await runScript(spawn, ['cert', certDir, host, listenIp], {});
      tlsFiles = { cert: path.join(certDir, 'cert.pem'), key: path.join(certDir, 'key.pem') };
    }

    const env: NodeJS.ProcessEnv = {
      // turn.sh needs node (this one) and turnserver; nothing of the caller's TURN_* or ANNOUNCED_IP leaks in.
      PATH: `${path.dirname(process.execPath)}:${process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin'}`,
      HOME: process.env['HOME'] ?? '/root',
      TURN_SECRET: secret,
      TURN_HOST: host,
      TURN_LISTEN_IP: listenIp,
      TURN_PORT: String(port),
      TURN_TLS_PORT: String(tlsPort),
      TURN_RELAY_MIN_PORT: String(relayPorts.min),
      TURN_RELAY_MAX_PORT: String(relayPorts.max),
      TURN_ALLOWED_PEERS: options.allowedPeers?.length ? options.allowedPeers.join(',') : 'none',
      TURN_TLS_CERT: tlsFiles.cert,
      TURN_TLS_KEY: tlsFiles.key,
      ...(options.userQuota === undefined ? {} : { TURN_USER_QUOTA: String(options.userQuota) }),
    };
    const child = run('bash', [TURN_SCRIPT, 'run', dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const urls = [
      `turn:${host}:${port}?transport=udp`,
      `turn:${host}:${port}?transport=tcp`,
      `turns:${host}:${tlsPort}?transport=tcp`,
    ];
    const turn = new Coturn(child, dir, urls, secret, listenIp, port, tlsPort, tlsFiles.cert, relayPorts);
    try {
      await turn.waitListening(run);
    } catch (err) {
      await turn.stop();
      throw err;
    }
    return turn;
  }

  /** Probes from where it runs (inside the city, for the bed): a STUN answer over UDP, TCP, and a TLS handshake. */
  private async waitListening(run: Spawner): Promise<void> {
    let gone = false;
    void this.exited.then(() => (gone = true));
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline && !gone) {
      const ok = await runScript(run, ['probe', this.listenIp, String(this.port), String(this.tlsPort)], {}).then(
        () => true,
        () => false,
      );
      if (ok) {
        return;
      }
      await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
    }
    throw new Error(
      `turnserver ${gone ? 'exited' : 'did not answer'} on ${this.listenIp} (UDP/TCP ${this.port}, TLS ${this.tlsPort}):\n${this.log()}`,
    );
  }

  /** What turnserver printed (its log goes to standard output), the last 20 000 characters. */
  log(): string {
    return this.output;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await this.exited;
      clearTimeout(timer);
    }
    // A certificate made in `certDir` stays; the temp folder (config, secret) goes.
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A HOME whose NSS database trusts `certFile` (a self-signed TURN certificate): Chromium launched with it in its
 * environment accepts that `turns:` server as it would one with a real certificate, name checks included. Needs
 * certutil (Debian package libnss3-tools). The caller removes the folder.
 */
export async function nssHomeTrusting(certFile: string): Promise<string> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-nss-home-'));
  const db = `sql:${path.join(home, '.pki/nssdb')}`;
  fs.mkdirSync(path.join(home, '.pki/nssdb'), { recursive: true });
  await runCommand('certutil', ['-d', db, '-N', '--empty-password']);
  await runCommand('certutil', ['-d', db, '-A', '-t', 'C,,', '-n', 'concord-turn', '-i', certFile]);
  return home;
}

function runCommand(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${file} ${args.join(' ')} exited with ${code}: ${err.trim()}`)),
    );
  });
}

/** Runs `bash scripts/turn.sh ARGS…` to its end; rejects with its output on a non-zero exit. */
function runScript(run: Spawner, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = run('bash', [TURN_SCRIPT, ...args], {
      env: { PATH: `${path.dirname(process.execPath)}:${process.env['PATH'] ?? ''}`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`turn.sh ${args[0]} exited with ${code}: ${out.trim()}`)),
    );
  });
}

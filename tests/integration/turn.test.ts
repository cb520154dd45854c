import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TurnCredentials } from '../../server/src/auth/turn.js';
import { Coturn, turnCredential } from '../support/coturn.js';
import { freePort } from '../support/redisServer.js';
import { repoRoot } from '../support/server.js';
import { TurnClient, TurnError, type Address } from '../support/turnClient.js';

// A real coturn, configured by scripts/turn.sh as `npm start` and the deployment run it, and a small TURN client
// that speaks to it as a browser does (allocate, permission, send), over UDP, TCP and TLS.

/** The Concord node's media address in these tests: a loopback address other than the TURN server's own. */
const NODE_MEDIA_IP = '127.0.0.2';
/** Addresses a TURN user must never reach through the relay: this host, private and link-local networks. */
const FORBIDDEN_PEERS = [
  '127.0.0.1', // the TURN host itself (Redis, Concord's admin port…)
  '10.77.0.99', // a private network behind the TURN server
  '192.168.1.10',
  '172.17.0.1', // Docker's bridge
  '100.64.0.1', // carrier-grade NAT
  '169.254.169.254', // cloud metadata
  '0.0.0.0',
];
/** What a relay that does not deliver is given before it counts as not delivering. */
const SILENCE_MS = 500;
/** An answer through the relay arrives within this long on loopback. */
const DATA_TIMEOUT_MS = 3_000;
/** A freed allocation leaves its user's quota within this long (coturn deletes sessions on a timer of ~1 s). */
const QUOTA_RELEASE_TIMEOUT_MS = 5_000;

/** A UDP peer that echoes every datagram and remembers who sent it (the relay's address, seen from the peer). */
async function echoPeer(address: string): Promise<{ addr: Address; senders: Address[]; close(): void }> {
  const sock = dgram.createSocket('udp4');
  const senders: Address[] = [];
  sock.on('message', (msg, rinfo) => {
    senders.push({ address: rinfo.address, port: rinfo.port });
    sock.send(msg, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => sock.bind(0, address, () => resolve()));
  return { addr: { address, port: sock.address().port }, senders, close: () => sock.close() };
}

/** Sends `text` from the relay to `peer` and returns what came back through the relay (null: nothing in time). */
async function roundTrip(
  client: TurnClient,
  peer: Address,
  text: string,
  timeoutMs: number = DATA_TIMEOUT_MS,
): Promise<{ data: string; from: Address } | null> {
  client.send(peer, Buffer.from(text));
  const got = await client.nextData(timeoutMs);
  return got ? { data: got.data.toString(), from: got.peer } : null;
}

describe('TURN server (coturn)', () => {
  let turn: Coturn;
  let node: Awaited<ReturnType<typeof echoPeer>>;
  let ca: Buffer;
  const clients: TurnClient[] = [];
  const connect = async (url: string): Promise<TurnClient> => {
    const c = await TurnClient.connect(url, { ca });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    node = await echoPeer(NODE_MEDIA_IP);
    turn = await Coturn.start({ allowedPeers: [NODE_MEDIA_IP], userQuota: 3 });
    ca = fs.readFileSync(turn.certFile);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    node?.close();
    await turn?.stop();
  });

  it('a TURN credential made from the shared secret allocates a relay over UDP, TCP and TLS, which carries media to the node', async () => {
    // Exactly what a participant's browser is given by the Concord server.
    const given = new TurnCredentials({ urls: turn.urls, secret: turn.secret, ttlSeconds: 3600 }).forSubject('p-1');
    const server = given.iceServers[0]!;
    expect(server.urls).toEqual(turn.urls);
    for (const url of server.urls) {
      // The TLS client trusts only the certificate the server was configured with, and checks it names the host.
      const client = await connect(url);
      // No open relay: without credentials the answer is a 401 challenge.
      const challenge = await client.allocateWithoutCredentials();
      expect(challenge.cls, url).toBe('error');
      const allocation = await client.allocate(server.username, server.credential);
      expect(allocation.relayed.address, url).toBe(turn.listenIp);
      expect(allocation.relayed.port, url).toBeGreaterThanOrEqual(turn.relayPorts.min);
      expect(allocation.relayed.port, url).toBeLessThanOrEqual(turn.relayPorts.max);
      await client.createPermission(NODE_MEDIA_IP);
      const answer = await roundTrip(client, node.addr, `media over ${url}`);
      expect(answer, url).toEqual({ data: `media over ${url}`, from: node.addr });
      // The node sees the relay, not the browser.
      expect(node.senders.at(-1), url).toEqual(allocation.relayed);
      await client.close();
    }
  });

  it('an expired TURN credential, a wrong password and a credential made from another secret are refused', async () => {
    const expired = turnCredential(turn.secret, 'p-expired', -60);
    const valid = turnCredential(turn.secret, 'p-2', 600);
    const otherSecret = turnCredential('not-the-shared-secret-0123', 'p-3', 600);
    const cases = [
      { what: 'expired', username: expired.username, password: expired.credential },
      { what: 'wrong password', username: valid.username, password: `${valid.credential}x` },
      { what: 'another secret', username: otherSecret.username, password: otherSecret.credential },
    ];
    for (const url of turn.urls) {
      for (const c of cases) {
        const client = await connect(url);
        const refused = await client.allocate(c.username, c.password).then(
          () => null,
          (e: unknown) => e,
        );
        expect(refused, `${c.what} over ${url}`).toBeInstanceOf(TurnError);
        expect((refused as TurnError).code, `${c.what} over ${url}`).toBe(401);
        await client.close();
      }
    }
  });

  it('TURN relays to the allowed node address, never to loopback, private or link-local addresses', async () => {
    const host = await echoPeer('127.0.0.1');
    try {
      const { username, credential } = turnCredential(turn.secret, 'p-4', 600);
      for (const url of turn.urls) {
        const client = await connect(url);
        await client.allocate(username, credential);
        for (const peer of FORBIDDEN_PEERS) {
          const refused = await client.createPermission(peer).then(
            () => null,
            (e: unknown) => e,
          );
          expect(refused, `${peer} over ${url}`).toBeInstanceOf(TurnError);
          expect((refused as TurnError).code, `${peer} over ${url}`).toBe(403);
        }
        // Sent anyway, without a permission, nothing reaches the TURN host's own loopback service.
        expect(await roundTrip(client, host.addr, 'to the host', SILENCE_MS), url).toBeNull();
        // The allowed node address, inside the same denied range, works from the same allocation.
        await client.createPermission(NODE_MEDIA_IP);
        expect(await roundTrip(client, node.addr, 'to the node'), url).toEqual({
          data: 'to the node',
          from: node.addr,
        });
        await client.close();
      }
      expect(host.senders).toEqual([]);
    } finally {
      host.close();
    }
  });

  it('one TURN credential holds no more relays at once than the per-user quota', async () => {
    // This server's quota is 3 (the default is 12: two transports of a browser, three URLs each, and a restart).
    const { username, credential } = turnCredential(turn.secret, 'p-5', 600);
    const held: TurnClient[] = [];
    for (let i = 0; i < 3; i++) {
      const client = await connect(turn.urls[0]!);
      await client.allocate(username, credential);
      held.push(client);
    }
    const fourth = await connect(turn.urls[1]!);
    const refused = await fourth.allocate(username, credential).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TurnError);
    expect((refused as TurnError).code).toBe(486);
    // Another participant's credential is not affected.
    const other = turnCredential(turn.secret, 'p-6', 600);
    await fourth.close();
    const client = await connect(turn.urls[0]!);
    await expect(client.allocate(other.username, other.credential)).resolves.toMatchObject({
      relayed: { address: turn.listenIp },
    });
    // A freed relay makes room again (coturn counts it out within about a second).
    await held[0]!.close();
    await expect
      .poll(
        async () => {
          const again = await connect(turn.urls[2]!);
          return again.allocate(username, credential).then(
            (a) => a.relayed.address,
            (e: unknown) => (e instanceof TurnError ? e.code : String(e)),
          );
        },
        { timeout: QUOTA_RELEASE_TIMEOUT_MS, interval: 200 },
      )
      .toBe(turn.listenIp);
  });
});

describe('npm start with its embedded TURN server', () => {
  it('runs coturn on loopback, exports TURN_URLS that allocate over UDP, TCP and TLS, relays only to the local node, and stops it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-embedded-turn-'));
    const secret = 'embedded-turn-secret-0123456789';
    const port = await freePort();
    const tlsPort = await freePort();
    const relayMin = 59_000 + 100 * Math.floor(Math.random() * 9);
    // What scripts/start.sh does, without the rest of `npm start`; it waits on stdin, then stops coturn.
    const script = [
      'source scripts/turn.sh',
      'start_embedded_turn "$1" || exit 1',
      'echo "TURN_URLS=$TURN_URLS pid=$EMBEDDED_TURN_PID"',
      'read -r _ || true',
      'stop_embedded_turn',
    ].join('\n');
    const child = spawn('bash', ['-c', script, 'start', dir], {
      cwd: repoRoot,
      env: {
        PATH: `${path.dirname(process.execPath)}:${process.env['PATH'] ?? ''}`,
        TURN_SECRET: secret,
        TURN_PORT: String(port),
        TURN_TLS_PORT: String(tlsPort),
        TURN_RELAY_MIN_PORT: String(relayMin),
        TURN_RELAY_MAX_PORT: String(relayMin + 99),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const local = await echoPeer('127.0.0.1');
    let turnPid: number | undefined;
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /TURN_URLS=(\S+) pid=(\d+)/.exec(out);
          if (m) {
            resolve(out);
          }
        });
        void exited.then((code) => reject(new Error(`start_embedded_turn exited with ${code}: ${stderr}`)));
      });
      const [, urlList, pid] = /TURN_URLS=(\S+) pid=(\d+)/.exec(line)!;
      turnPid = Number(pid);
      const urls = urlList!.split(',');
      expect(urls).toEqual([
        `turn:127.0.0.1:${port}?transport=udp`,
        `turn:127.0.0.1:${port}?transport=tcp`,
        `turns:127.0.0.1:${tlsPort}?transport=tcp`,
      ]);
      // The trial certificate was made for 127.0.0.1 in the state folder.
      const ca = fs.readFileSync(path.join(dir, 'tls/cert.pem'));
      const { username, credential } = turnCredential(secret, 'p-embedded', 600);
      for (const url of urls) {
        const client = await TurnClient.connect(url, { ca });
        try {
          await client.allocate(username, credential);
          // Without ANNOUNCED_IP the node's media is on 127.0.0.1: that one address, and no other loopback one.
          await client.createPermission('127.0.0.1');
          expect(await roundTrip(client, local.addr, url)).toEqual({ data: url, from: local.addr });
          await expect(client.createPermission(NODE_MEDIA_IP)).rejects.toMatchObject({ code: 403 });
        } finally {
          await client.close();
        }
      }
      child.stdin.end();
      expect(await exited).toBe(0);
      // turnserver is gone with it.
      expect(() => process.kill(turnPid!, 0)).toThrow();
      turnPid = undefined;
    } finally {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
      }
      // setsid put turnserver in its own session: a failed test must stop it itself.
      if (turnPid !== undefined) {
        try {
          process.kill(turnPid, 'SIGTERM');
        } catch {
          // Already gone.
        }
      }
      local.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the compose file', () => {
  it("runs coturn locked down like npm start's, with the same defaults", async () => {
    // Options that differ by design: where it listens and what it reads, which are the compose file's own.
    const placement = new Set(['listening-ip', 'relay-ip', 'external-ip', 'static-auth-secret', 'cert', 'pkey']);
    const local = new Set(['allowed-peer-ip', 'allow-loopback-peers', 'log-file', 'simple-log', 'pidfile']);
    const privileges = new Set(['proc-user', 'proc-group']);
    const directives = (text: string) =>
      text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'))
        .filter((l) => ![placement, local, privileges].some((set) => set.has(l.split('=')[0]!)));

    const compose = fs.readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8');
    const block = /\n {4}content: \|\n((?: {6}.*\n|\n)+)/.exec(compose)?.[1];
    expect(block, 'the turnserver config in docker-compose.yml').toBeDefined();
    // Compose's ${VAR:-default} with the variables unset: the defaults.
    const withDefaults = block!.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-turn-config-'));
    try {
      const written = await new Promise<string>((resolve, reject) => {
        const child = spawn('bash', [path.join(repoRoot, 'scripts/turn.sh'), 'config', dir], {
          env: {
            PATH: `${path.dirname(process.execPath)}:${process.env['PATH'] ?? ''}`,
            TURN_SECRET: 'compose-comparison-secret',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.once('close', (code) =>
          code === 0 ? resolve(fs.readFileSync(path.join(dir, 'turnserver.conf'), 'utf8')) : reject(new Error(err)),
        );
      });
      expect(directives(withDefaults).sort()).toEqual(directives(written).sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import type http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import {
  CITIES,
  CITY_ADDRESS,
  HOST_ADDRESS,
  cleanupNetbeds,
  createNetbed,
  type City,
  type Netbed,
} from '../support/netbed.js';

// The four cities on one machine: these tests prove that the bed connects what it should, and that each
// impairment does what it says in the direction it says, so later suites can lean on it.

/** A helper process in a city prints "ready" within this long. */
const READY_TIMEOUT_MS = 10_000;
/** What a blocked or cut connection attempt is given before it counts as failed. */
const PROBE_TIMEOUT_MS = 1_000;
/** Throughput is measured after this much of slow start and tbf burst, over TRANSFER_SECONDS in all. */
const WARMUP_MS = 500;
const TRANSFER_SECONDS = 2.5;
/** Datagrams sent per loss and burst measurement. */
const DATAGRAMS = 2_000;

let bed: Netbed;

beforeAll(async () => {
  bed = await createNetbed();
});

afterAll(async () => {
  if (bed === undefined) {
    return;
  }
  await bed.destroy();
  // Nothing of this file may outlive it.
  expect(await listNamespaces()).not.toContain(bed.prefix);
  expect(await hostLinks()).not.toContain(bed.hostInterface);
});

// --- helpers ----------------------------------------------------------------------------------------------------

async function run(file: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', () => resolve(out));
  });
}

function listNamespaces(): Promise<string> {
  return run('ip', ['netns', 'list']);
}

function hostLinks(): Promise<string> {
  return run('ip', ['-o', 'link', 'show']);
}

/**
 * The smallest ping RTT in ms from a city, or null if no reply came back. The minimum, not the mean: a delay
 * can only add to it, while a busy machine adds scheduling noise to the mean.
 */
async function pingRtt(city: City, target: string, count = 5): Promise<number | null> {
  const r = await bed.exec(city, 'ping', ['-n', '-q', '-c', String(count), '-i', '0.05', '-W', '1', target]);
  const m = /rtt min\/avg\/max\/mdev = ([\d.]+)\//.exec(r.stdout);
  return m ? Number(m[1]) : null;
}

async function reaches(city: City, target: string): Promise<boolean> {
  return (await pingRtt(city, target, 1)) !== null;
}

/** Runs a Node script inside a city to its end and parses the JSON of its last line. */
async function nodeIn(city: City, code: string, args: readonly string[] = []): Promise<unknown> {
  const r = await bed.exec(city, process.execPath, ['-e', code, ...args], { timeoutMs: 30_000 });
  if (r.code !== 0) {
    throw new Error(`node in ${city} exited ${r.code ?? r.signal}: ${r.stderr}`);
  }
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null');
}

/** Starts a Node script inside a city and waits for it to print "ready". */
async function startNodeIn(city: City, code: string, args: readonly string[] = []): Promise<ChildProcess> {
  const child = bed.spawnIn(city, process.execPath, ['-e', code, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`helper in ${city} did not start`)), READY_TIMEOUT_MS);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`helper in ${city} exited ${code}`));
    });
  });
  return child;
}

function listen(server: net.Server | http.Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST_ADDRESS, () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : 0);
    });
  });
}

function closeServer(server: net.Server | http.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A process counts as gone once it is a zombie: its parent, not us, has to reap it. */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Counts received bytes after the warm-up and turns them into kbit/s. */
class RateMeter {
  private first: number | null = null;
  private last = 0;
  private bytes = 0;

  add(n: number): void {
    const now = performance.now();
    this.first ??= now;
    if (now - this.first >= WARMUP_MS) {
      this.bytes += n;
      this.last = now;
    }
  }

  kbit(): number {
    const seconds = (this.last - (this.first ?? 0) - WARMUP_MS) / 1000;
    return seconds > 0 ? (this.bytes * 8) / seconds / 1000 : 0;
  }
}

// Scripts run with `node -e` inside the cities; argv[1..] are their arguments.

/** Sends as fast as TCP lets it for the given seconds. */
const TCP_SEND = `
const [host, port, seconds] = process.argv.slice(1);
const chunk = Buffer.alloc(64 * 1024, 7);
const end = Date.now() + Number(seconds) * 1000;
const sock = require('node:net').connect(Number(port), host, function pump() {
  while (Date.now() < end) { if (!sock.write(chunk)) { sock.once('drain', pump); return; } }
  sock.end();
});
sock.on('close', () => console.log('{}'));
`;

/** Connects, reads what the server sends and prints the rate after the warm-up. */
const TCP_RECEIVE = `
const [host, port, warmupMs] = process.argv.slice(1);
let first = null, last = 0, bytes = 0;
const sock = require('node:net').connect(Number(port), host);
sock.on('data', (d) => {
  const now = performance.now();
  if (first === null) first = now;
  if (now - first >= Number(warmupMs)) { bytes += d.length; last = now; }
});
sock.on('end', () => {
  const seconds = (last - first - Number(warmupMs)) / 1000;
  console.log(JSON.stringify({ kbit: seconds > 0 ? (bytes * 8) / seconds / 1000 : 0 }));
});
`;

/** Sends numbered datagrams, paced so that no socket buffer on the way overflows, each with its send time. */
const UDP_SEND = `
const [host, port, count] = process.argv.slice(1);
const sock = require('node:dgram').createSocket('udp4');
let seq = 0;
const timer = setInterval(() => {
  for (let i = 0; i < 4 && seq < Number(count); i++, seq++) {
    sock.send(JSON.stringify({ seq, sent: performance.timeOrigin + performance.now() }), Number(port), host);
  }
  if (seq >= Number(count)) { clearInterval(timer); setTimeout(() => { sock.close(); console.log('{}'); }, 100); }
}, 1);
`;

/**
 * Receives numbered datagrams until none has come for half a second (or none at all for ten), then prints how many
 * arrived, whether in order, and their one-way delays. A process of its own, so that a busy test worker cannot
 * overflow the socket buffer and pass for loss.
 */
const UDP_RECEIVE = `
const [host, port] = process.argv.slice(1);
const seqs = [], oneWay = [];
const sock = require('node:dgram').createSocket('udp4');
const done = () => {
  oneWay.sort((a, b) => a - b);
  console.log(JSON.stringify({
    received: new Set(seqs).size,
    inOrder: seqs.every((s, i) => i === 0 || s > seqs[i - 1]),
    min: oneWay[0] ?? null,
    median: oneWay[Math.floor(oneWay.length / 2)] ?? null,
    max: oneWay[oneWay.length - 1] ?? null,
  }));
  process.exit(0);
};
let quiet = setTimeout(done, 10000);
sock.on('message', (m) => {
  const now = performance.timeOrigin + performance.now();
  const { seq, sent } = JSON.parse(m.toString());
  seqs.push(seq);
  oneWay.push(now - sent);
  clearTimeout(quiet);
  quiet = setTimeout(done, 500);
});
sock.bind(Number(port), host, () => console.log('ready'));
`;

/** TCP and UDP echo on one address and port. */
const ECHO_SERVER = `
const [host, port] = process.argv.slice(1);
require('node:net').createServer((s) => s.pipe(s)).listen(Number(port), host, () => {
  const udp = require('node:dgram').createSocket('udp4');
  udp.on('message', (m, from) => udp.send(m, from.port, from.address));
  udp.bind(Number(port), host, () => console.log('ready'));
});
`;

/** Tries each echo (TCP or UDP) once, in parallel, and prints which answered within the timeout. */
const ECHO_PROBE = `
const [targetsJson, timeoutMs] = process.argv.slice(1);
const probe = ({ proto, host, port }) => new Promise((resolve) => {
  const done = (ok) => { clearTimeout(timer); sock.destroy?.(); if (proto === 'udp') sock.close(); resolve(ok); };
  const timer = setTimeout(() => done(false), Number(timeoutMs));
  let sock;
  if (proto === 'tcp') {
    sock = require('node:net').connect(port, host, () => sock.write('hello'));
    sock.on('data', (d) => done(d.toString() === 'hello'));
    sock.on('error', () => undefined);
  } else {
    sock = require('node:dgram').createSocket('udp4');
    sock.on('message', (d) => done(d.toString() === 'hello'));
    sock.send('hello', port, host);
  }
});
Promise.all(JSON.parse(targetsJson).map(probe)).then((r) => console.log(JSON.stringify(r)));
`;

interface Target {
  proto: 'tcp' | 'udp';
  host: string;
  port: number;
}

async function probeFrom(city: City, targets: readonly Target[]): Promise<boolean[]> {
  const result = await nodeIn(city, ECHO_PROBE, [JSON.stringify(targets), String(PROBE_TIMEOUT_MS)]);
  if (!Array.isArray(result)) {
    throw new Error(`probe printed ${JSON.stringify(result)}`);
  }
  return result.map((x) => x === true);
}

/** A TCP and UDP echo on the host's bed address. */
async function hostEcho(port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const tcp = net.createServer((s) => s.pipe(s));
  const bound = await listen(tcp, port);
  const udp = dgram.createSocket('udp4');
  udp.on('message', (m, from) => udp.send(m, from.port, from.address));
  await new Promise<void>((resolve) => udp.bind(bound, HOST_ADDRESS, () => resolve()));
  return {
    port: bound,
    close: async () => {
      udp.close();
      await closeServer(tcp);
    },
  };
}

async function uploadKbit(city: City, seconds = TRANSFER_SECONDS): Promise<number> {
  const meter = new RateMeter();
  const server = net.createServer((s) => s.on('data', (d: Buffer) => meter.add(d.length)));
  const port = await listen(server);
  try {
    await nodeIn(city, TCP_SEND, [HOST_ADDRESS, String(port), String(seconds)]);
    return meter.kbit();
  } finally {
    await closeServer(server);
  }
}

async function downloadKbit(city: City): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 7);
  const server = net.createServer((s) => {
    const end = Date.now() + TRANSFER_SECONDS * 1000;
    const pump = (): void => {
      while (Date.now() < end) {
        if (!s.write(chunk)) {
          s.once('drain', pump);
          return;
        }
      }
      s.end();
    };
    s.on('error', () => undefined);
    pump();
  });
  const port = await listen(server);
  try {
    const result = await nodeIn(city, TCP_RECEIVE, [HOST_ADDRESS, String(port), String(WARMUP_MS)]);
    return typeof result === 'object' && result !== null && 'kbit' in result ? Number(result.kbit) : 0;
  } finally {
    await closeServer(server);
  }
}

interface UdpStats {
  /** Distinct datagrams received, of DATAGRAMS sent. */
  received: number;
  lossPct: number;
  inOrder: boolean;
  /** One-way delays in ms. */
  min: number;
  median: number;
  max: number;
}

const UDP_PORT = 40_000;

/** Sends DATAGRAMS from a city (or the host) to a receiver in another city. */
async function udpTransfer(from: City | 'host', to: City): Promise<UdpStats> {
  const receiver = bed.spawnIn(to, process.execPath, ['-e', UDP_RECEIVE, CITY_ADDRESS[to], String(UDP_PORT)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => receiver.once('exit', () => resolve()));
  receiver.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await expect.poll(() => out, { timeout: READY_TIMEOUT_MS }).toContain('ready');
    if (from === 'host') {
      const sock = dgram.createSocket('udp4');
      // Paced like UDP_SEND: four datagrams a millisecond.
      for (let first = 0; first < DATAGRAMS; first += 4) {
        for (let seq = first; seq < Math.min(first + 4, DATAGRAMS); seq++) {
          const sent = performance.timeOrigin + performance.now();
          sock.send(JSON.stringify({ seq, sent }), UDP_PORT, CITY_ADDRESS[to]);
        }
        await sleep(1);
      }
      sock.close();
    } else {
      await nodeIn(from, UDP_SEND, [CITY_ADDRESS[to], String(UDP_PORT), String(DATAGRAMS)]);
    }
    await exited;
  } finally {
    receiver.kill('SIGKILL');
  }
  const stats = JSON.parse(out.slice(out.indexOf('{'))) as Omit<UdpStats, 'lossPct'>;
  return { ...stats, lossPct: (100 * (DATAGRAMS - stats.received)) / DATAGRAMS };
}

// --- tests ----------------------------------------------------------------------------------------------------

describe('netbed: four cities on one machine', () => {
  it('every city reaches the host and every other city, and its own loopback', async () => {
    const checks: Array<Promise<[string, boolean]>> = [];
    for (const from of CITIES) {
      checks.push(reaches(from, '127.0.0.1').then((ok) => [`${from} -> lo`, ok]));
      checks.push(reaches(from, HOST_ADDRESS).then((ok) => [`${from} -> host`, ok]));
      for (const to of CITIES) {
        if (to !== from) {
          checks.push(reaches(from, CITY_ADDRESS[to]).then((ok) => [`${from} -> ${to}`, ok]));
        }
      }
    }
    const results = await Promise.all(checks);
    expect(results.filter(([, ok]) => !ok).map(([name]) => name)).toEqual([]);
  });

  it('the host reaches a server inside a city, which sees the host address', async () => {
    const server = await startNodeIn(
      'homs',
      `require('node:http').createServer((q, s) => s.end(q.socket.remoteAddress))
         .listen(8080, process.argv[1], () => console.log('ready'));`,
      [CITY_ADDRESS.homs],
    );
    try {
      const res = await fetch(`http://${CITY_ADDRESS.homs}:8080/`);
      expect(await res.text()).toBe(HOST_ADDRESS);
    } finally {
      server.kill('SIGKILL');
    }
  });

  it("a city's uplink rate cap holds, and its downlink cap separately", async () => {
    // Unimpaired, a veth carries gigabits; capped, TCP goodput sits just under the cap (headers take ~5 %).
    await bed.setLink('daraa', { up: { rateKbit: 4_000 }, down: { rateKbit: 12_000 } });
    try {
      const up = await uploadKbit('daraa');
      const down = await downloadKbit('daraa');
      process.stdout.write(
        `[netbed] capped 4000 up / 12000 down kbit/s: measured ${up.toFixed(0)} / ${down.toFixed(0)}\n`,
      );
      expect(up).toBeGreaterThan(4_000 * 0.75);
      expect(up).toBeLessThan(4_000 * 1.1);
      expect(down).toBeGreaterThan(12_000 * 0.75);
      expect(down).toBeLessThan(12_000 * 1.1);
    } finally {
      await bed.clearLink('daraa');
    }
    // And the cap is gone once cleared.
    expect(await uploadKbit('daraa', 1)).toBeGreaterThan(50_000);
  });

  it('delay adds the configured round trip, each direction on its own, changeable at run time', async () => {
    const base = await pingRtt('damascus', HOST_ADDRESS);
    expect(base).not.toBeNull();
    expect(base!).toBeLessThan(5);

    const rtt = async (): Promise<number> => (await pingRtt('damascus', HOST_ADDRESS)) ?? Infinity;
    try {
      await bed.setLink('damascus', { up: { delayMs: 60 } });
      const up = await rtt();
      await bed.setLink('damascus', { down: { delayMs: 40 } });
      const down = await rtt();
      await bed.setLink('damascus', { up: { delayMs: 30 }, down: { delayMs: 50 } });
      const both = await rtt();
      // The running delayers are told the new value: no restart, and the next packets see it.
      await bed.setLink('damascus', { up: { delayMs: 10 }, down: { delayMs: 15 } });
      const changed = await rtt();
      // Other cities' links are untouched.
      const other = (await pingRtt('latakia', HOST_ADDRESS)) ?? Infinity;
      process.stdout.write(
        `[netbed] ping RTT ms: base ${base} up60 ${up} down40 ${down} up30+down50 ${both} up10+down15 ${changed} other ${other}\n`,
      );
      expect(up).toBeGreaterThanOrEqual(60);
      expect(up).toBeLessThan(60 + 10);
      expect(down).toBeGreaterThanOrEqual(40);
      expect(down).toBeLessThan(40 + 10);
      expect(both).toBeGreaterThanOrEqual(80);
      expect(both).toBeLessThan(80 + 10);
      expect(changed).toBeGreaterThanOrEqual(25);
      expect(changed).toBeLessThan(25 + 10);
      expect(other).toBeLessThan(5);
    } finally {
      await bed.clearLink('damascus');
    }
    expect(await rtt()).toBeLessThan(5);
  });

  it('the delayer holds every packet of a burst for the delay and loses or reorders none', async () => {
    await bed.setLink('homs', { up: { delayMs: 50 } });
    let burst: UdpStats;
    try {
      // Four datagrams a millisecond: about 200 are held at once.
      burst = await udpTransfer('homs', 'damascus');
    } finally {
      await bed.clearLink('homs');
    }
    process.stdout.write(
      `[netbed] burst of ${DATAGRAMS} at 50 ms: received ${burst.received}, in order ${burst.inOrder}, one-way min ${burst.min.toFixed(1)} median ${burst.median.toFixed(1)} max ${burst.max.toFixed(1)} ms\n`,
    );
    expect(burst.received).toBe(DATAGRAMS);
    expect(burst.inOrder).toBe(true);
    // Timestamps come from two processes on one clock: allow a millisecond of rounding.
    expect(burst.min).toBeGreaterThanOrEqual(49);
    expect(burst.median).toBeLessThan(60);
  });

  it('loss drops about the configured share, each direction on its own', async () => {
    const base = await udpTransfer('latakia', 'damascus');
    await bed.setLink('latakia', { up: { lossPct: 20 }, down: { lossPct: 10 } });
    let up: UdpStats;
    let down: UdpStats;
    try {
      up = await udpTransfer('latakia', 'damascus');
      down = await udpTransfer('host', 'latakia');
    } finally {
      await bed.clearLink('latakia');
    }
    process.stdout.write(
      `[netbed] loss of ${DATAGRAMS} datagrams: unimpaired ${base.lossPct}%, up at 20% ${up.lossPct}%, down at 10% ${down.lossPct}%\n`,
    );
    expect(base.lossPct).toBeLessThan(1);
    // Binomial standard deviation over 2000 datagrams is under 0.9 points; these bounds are more than four of them.
    expect(up.lossPct).toBeGreaterThan(15);
    expect(up.lossPct).toBeLessThan(25);
    expect(down.lossPct).toBeGreaterThan(6);
    expect(down.lossPct).toBeLessThan(14);
  });

  it('a cut city cannot reach anyone until restored, and its open connections then carry on', async () => {
    const echo = await startNodeIn('daraa', ECHO_SERVER, [CITY_ADDRESS.daraa, '7000']);
    const conn = net.connect(7000, CITY_ADDRESS.daraa);
    let echoed = '';
    conn.on('data', (d: Buffer) => (echoed += d.toString()));
    await new Promise<void>((resolve) => conn.once('connect', () => resolve()));
    try {
      await bed.cut('daraa');
      const during = await Promise.all([
        reaches('daraa', HOST_ADDRESS),
        reaches('daraa', CITY_ADDRESS.homs),
        reaches('homs', CITY_ADDRESS.daraa),
        probeFrom('homs', [{ proto: 'tcp', host: CITY_ADDRESS.daraa, port: 7000 }]).then((r) => r[0]),
        // The rest of the bed is unaffected.
        reaches('homs', HOST_ADDRESS),
        reaches('homs', CITY_ADDRESS.latakia),
      ]);
      // A cut is silent: writing on an open connection does not fail, the data just does not arrive.
      conn.write('during-cut');
      await sleep(300);
      expect(echoed).toBe('');
      expect(during).toEqual([false, false, false, false, true, true]);

      await bed.restore('daraa');
      const after = await Promise.all([
        reaches('daraa', HOST_ADDRESS),
        reaches('daraa', CITY_ADDRESS.homs),
        reaches('homs', CITY_ADDRESS.daraa),
      ]);
      expect(after).toEqual([true, true, true]);
      // TCP retransmits what was written during the cut.
      await expect.poll(() => echoed, { timeout: 10_000 }).toBe('during-cut');
    } finally {
      conn.destroy();
      echo.kill('SIGKILL');
      await bed.restore('daraa');
    }
  });

  it('the firewall rule lets only TCP to the given address and port through, and no-UDP stops only UDP', async () => {
    // The allowed service stands for a TURN server on 443; everything else must be stopped both ways.
    const allowed = await hostEcho(443);
    const other = await hostEcho();
    const cityEcho = await startNodeIn('homs', ECHO_SERVER, [CITY_ADDRESS.homs, '7001']);
    const targets: Target[] = [
      { proto: 'tcp', host: HOST_ADDRESS, port: 443 },
      { proto: 'tcp', host: HOST_ADDRESS, port: other.port },
      { proto: 'udp', host: HOST_ADDRESS, port: other.port },
      { proto: 'udp', host: HOST_ADDRESS, port: 443 },
      { proto: 'tcp', host: CITY_ADDRESS.homs, port: 7001 },
      { proto: 'udp', host: CITY_ADDRESS.homs, port: 7001 },
    ];
    try {
      expect(await probeFrom('daraa', targets)).toEqual([true, true, true, true, true, true]);
      await bed.block('daraa', { kind: 'tcp-only-to', address: HOST_ADDRESS, port: 443 });
      const blocked = await probeFrom('daraa', targets);
      const neighbour = await probeFrom('latakia', targets);
      // ICMP is not part of the rule.
      const pingable = await reaches('daraa', HOST_ADDRESS);
      await bed.block('daraa', { kind: 'no-udp' });
      const noUdp = await probeFrom('daraa', targets);
      await bed.unblock('daraa');
      const unblocked = await probeFrom('daraa', targets);
      expect(blocked).toEqual([true, false, false, false, false, false]);
      expect(noUdp).toEqual([true, true, false, false, true, false]);
      expect(neighbour).toEqual([true, true, true, true, true, true]);
      expect(pingable).toBe(true);
      expect(unblocked).toEqual([true, true, true, true, true, true]);
    } finally {
      await bed.unblock('daraa');
      cityEcho.kill('SIGKILL');
      await allowed.close();
      await other.close();
    }
  });

  it('Chromium runs inside a city and reaches a server in another city', async () => {
    const server = await startNodeIn(
      'homs',
      `require('node:http').createServer((q, s) => {
         s.setHeader('content-type', 'text/html');
         s.end('<title>homs</title><p id="peer">' + q.socket.remoteAddress + '</p>');
       }).listen(8081, process.argv[1], () => console.log('ready'));`,
      [CITY_ADDRESS.homs],
    );
    const browser = await launchChromium({ executablePath: bed.chromiumIn('daraa') });
    try {
      const page = await browser.newPage();
      await page.goto(`http://${CITY_ADDRESS.homs}:8081/`);
      expect(await page.title()).toBe('homs');
      // The server saw the request come from Daraa's address: the browser really is inside Daraa.
      expect(await page.locator('#peer').textContent()).toBe(CITY_ADDRESS.daraa);
    } finally {
      await browser.close();
      server.kill('SIGKILL');
    }
  });

  it('a bed left by a killed run is removed by the standalone cleanup, with what ran inside it', async () => {
    const netbedModule = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../support/netbed.ts');
    // The fixed addresses allow one bed at a time: this file's goes first (afterAll's destroy is then a no-op).
    await bed.destroy();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { createNetbed } = await import(${JSON.stringify(netbedModule)});
         const bed = await createNetbed();
         const sleeper = bed.spawnIn('daraa', 'sleep', ['600'], { stdio: 'ignore' });
         await bed.setLink('daraa', { up: { delayMs: 20 } });
         console.log(['ready', bed.prefix, bed.hostInterface, sleeper.pid].join(' '));
         setInterval(() => undefined, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await expect.poll(() => out, { timeout: 20_000 }).toMatch(/ready \S+ \S+ \d+/);
    const [, prefix, hostInterface, sleeper] = /ready (\S+) (\S+) (\d+)/.exec(out)!;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    expect(await listNamespaces()).toContain(`${prefix}daraa`);
    expect(await hostLinks()).toContain(hostInterface);
    expect(alive(Number(sleeper))).toBe(true);

    expect(await cleanupNetbeds()).toContain(prefix);
    expect(await listNamespaces()).not.toContain(prefix);
    expect(await hostLinks()).not.toContain(hostInterface);
    expect(alive(Number(sleeper))).toBe(false);
  });
});

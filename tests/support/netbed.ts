/**
 * Four cities on one machine: a network namespace per city (Daraa, Damascus, Homs, Latakia), joined by a router
 * in a core namespace, with the host (root namespace) on the same router. Integration and end-to-end tests run
 * Concord nodes and Chromium inside the cities and impair each city's link, one direction at a time.
 *
 *   city namespace <prefix><city>        core namespace <prefix>core          root namespace
 *   eth0 10.77.0.1x ───── veth ───────── <city>  ┐
 *                                                 router 10.77.0.1 (on every port)
 *                                         host  ─┘ ───── veth ───── <hostInterface> 10.77.0.254
 *
 * Every address is a /32 with a route to 10.77.0.0/24 via the core, so all traffic between cities and the host
 * is forwarded at the IP layer by the core, where iptables sees it without bridge netfilter.
 *
 * Uplink is city → rest, downlink is rest → city. Where each impairment sits, and why:
 *   rate    tbf on the egress of the link's sending end: the city's eth0 (up) and the core's <city> port (down).
 *   loss    nftables `numgen random` in a netdev ingress chain of the receiving end: the core's <city> port (up)
 *           and the city's eth0 (down). Dropping on ingress looks like loss on the wire; dropping in the city's
 *           own output path would instead hand the sender an EPERM.
 *   cut     a drop-everything rule at the head of those two ingress chains (silent, like a pulled cable;
 *           `ip link set down` would instead remove the city's routes and fail sends at once).
 *   block   stateless drop rules in the same chains (a firewall between the city and the rest).
 *   delay   iptables NFQUEUE in the core (mangle PREROUTING -i <city> for up, mangle POSTROUTING -o <city> for
 *           down) and one delayer process per queue (./netbed/delayer.c) that holds each packet and then accepts
 *           it. The kernel has no netem and its nftables lacks the queue expression, hence iptables (see the
 *           network notes). In the core, not in the city: a packet held in the receiver's own PREROUTING already
 *           carries its receive timestamp, so ping would not see the delay; and one held in the sender's OUTPUT
 *           still counts against its socket's TCP small-queue budget, which throttles bulk flows.
 * IPv6 is off in every namespace so that the IPv4 rules above are the whole story.
 *
 * Requires root, iproute2, nftables, iptables, gcc and libnetfilter-queue-dev (scripts/setup.sh --test installs
 * them). Only one bed can be up on a machine at a time, because the addresses are fixed.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CITIES = ['daraa', 'damascus', 'homs', 'latakia'] as const;
export type City = (typeof CITIES)[number];

/** The bed's one subnet: cities, core router and host all sit in it. */
export const NETBED_SUBNET = '10.77.0.0/24';
/** The core router, the same address on each of its ports; every city's and the host's next hop. */
export const CORE_ADDRESS = '10.77.0.1';
/** The host (root namespace), reachable from every city: bind test Redis and helper servers here. */
export const HOST_ADDRESS = '10.77.0.254';
/** Each city's address, on eth0 inside its namespace. */
export const CITY_ADDRESS: Readonly<Record<City, string>> = {
  daraa: '10.77.0.11',
  damascus: '10.77.0.12',
  homs: '10.77.0.13',
  latakia: '10.77.0.14',
};
/** Every bed's prefix starts with this; the default adds a random part so two runs never share names. */
export const NETBED_PREFIX_BASE = 'concord-';

/** Debian's Chromium, the same binary tests/support/browser.ts launches. */
const CHROMIUM_BINARY = '/usr/bin/chromium';
/** Owner records and Chromium wrappers, one folder per bed. Root-only, like the namespaces themselves. */
const STATE_ROOT = '/run/concord-netbed';
/** The city's side of its link. */
const CITY_IF = 'eth0';
/** The core's end of the host's veth. */
const CORE_HOST_PORT = 'host';
/** NFQUEUE numbers in the core namespace: one queue, and one delayer, per direction of each city's link. */
function queueNum(city: City, dir: Direction): number {
  return (dir === 'up' ? 100 : 200) + CITIES.indexOf(city);
}

/** tbf's queue, expressed as the time a full queue takes to drain; keeps a capped link's latency bounded. */
const TBF_LATENCY_MS = 100;
/** tbf's bucket: this much of a second at the configured rate, but never less than a few full-size packets. */
const TBF_BURST_SECONDS = 0.02;
const TBF_MIN_BURST_BYTES = 4_500;
/** Loss is drawn from 0..LOSS_SCALE-1, so shares down to 0.01 % are honoured. */
const LOSS_SCALE = 10_000;
const MAX_DELAY_MS = 60_000;

/** The delayer binds its queue in well under this, even on a loaded machine. */
const DELAYER_START_TIMEOUT_MS = 10_000;
/** A delayer told to stop releases what it holds (at most MAX_DELAY_MS) and then exits; past that it is killed. */
const DELAYER_DRAIN_MARGIN_MS = 2_000;
/** Processes killed before a namespace is deleted must be gone within this long. */
const KILL_TIMEOUT_MS = 5_000;
/** Any single ip/tc/nft/iptables call. */
const COMMAND_TIMEOUT_MS = 30_000;

export type Direction = 'up' | 'down';

/** The impairment of one direction of a link; an absent field means unimpaired in that respect. */
export interface LinkDirection {
  /** Rate cap in kbit/s (1 kbit = 1000 bit), enforced by tbf. */
  rateKbit?: number;
  /** Added one-way delay in milliseconds, held by the NFQUEUE delayer. */
  delayMs?: number;
  /** Share of packets dropped at random, in percent (0..100). */
  lossPct?: number;
}

/** A whole link: a direction left out is unimpaired. */
export interface LinkImpairment {
  up?: LinkDirection;
  down?: LinkDirection;
}

/** A firewall between a city and the rest; ICMP and ARP always pass. */
export type BlockRule =
  /**
   * All UDP dropped; TCP only to (and back from) this port of these addresses, e.g. a site that may reach only
   * port 443 of the deployment's web server and TURN server.
   */
  | { kind: 'tcp-only-to'; address: string | readonly string[]; port: number }
  /** All UDP dropped, TCP untouched. */
  | { kind: 'no-udp' };

export interface NetbedOptions {
  /**
   * Start of every namespace name (`<prefix>daraa`, `<prefix>core`). Default: `concord-<random>-`. Leftovers with
   * the same prefix are removed first, so a fixed prefix is safe to reuse.
   */
  prefix?: string;
}

export interface ExecOptions {
  /** Written to the process's stdin, which is then closed. */
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Killed (SIGKILL) after this long; the result then has signal 'SIGKILL'. */
  timeoutMs?: number;
}

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export class NetbedError extends Error {
  override readonly name = 'NetbedError';
}

interface LinkState {
  impairment: LinkImpairment;
  cut: boolean;
  block: BlockRule | null;
}

// --- commands -------------------------------------------------------------------------------------------------

function runCommand(file: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer =
      options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    // A process that exits without reading its input must not crash us with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a set-up command that must succeed, with the command line and its stderr in the error. */
async function must(file: string, args: readonly string[], input?: string): Promise<string> {
  const result = await runCommand(file, args, { input, timeoutMs: COMMAND_TIMEOUT_MS });
  if (result.code !== 0) {
    const why = result.stderr.trim() || result.stdout.trim() || `exit ${result.code ?? result.signal}`;
    throw new NetbedError(`${file} ${args.join(' ')}: ${why}`);
  }
  return result.stdout;
}

async function commandExists(name: string): Promise<boolean> {
  const result = await runCommand('sh', ['-c', 'command -v "$1"', 'sh', name]);
  return result.code === 0;
}

function nsExec(ns: string, file: string, args: readonly string[], input?: string): Promise<string> {
  return must('ip', ['netns', 'exec', ns, file, ...args], input);
}

// --- names and owner records ----------------------------------------------------------------------------------

function coreNamespace(prefix: string): string {
  return `${prefix}core`;
}

function cityNamespace(prefix: string, city: City): string {
  return `${prefix}${city}`;
}

function bedNamespaces(prefix: string): string[] {
  return [coreNamespace(prefix), ...CITIES.map((c) => cityNamespace(prefix, c))];
}

/** Interface names are at most 15 bytes, so the host's end is named by a hash of the prefix. */
function hostInterfaceName(prefix: string): string {
  return `cnb${crypto.createHash('sha256').update(prefix).digest('hex').slice(0, 10)}`;
}

function stateDir(prefix: string): string {
  return path.join(STATE_ROOT, prefix);
}

const OWNER_FILE = 'owner.json';

interface OwnerRecord {
  prefix: string;
  pid: number;
  /** The owner's start time (clock ticks since boot), so a reused pid is not taken for the owner. */
  start: number;
}

function isOwnerRecord(x: unknown): x is OwnerRecord {
  if (typeof x !== 'object' || x === null) {
    return false;
  }
  const r: Record<string, unknown> = { ...x };
  return typeof r['prefix'] === 'string' && typeof r['pid'] === 'number' && typeof r['start'] === 'number';
}

/** State, parent pid and start time from /proc/<pid>/stat, or null if the process is gone. */
function procStat(pid: number): { state: string; ppid: number; start: number } | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses; the fields after its last ')' are plain.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', ppid: Number(fields[1]), start: Number(fields[19]) };
}

function ownerAlive(owner: OwnerRecord): boolean {
  const stat = procStat(owner.pid);
  return stat !== null && stat.state !== 'Z' && stat.start === owner.start;
}

/** True if pid is this process or one of its descendants (vitest workers are children of the main process). */
function ownedByThisProcess(pid: number): boolean {
  let current = pid;
  for (let hops = 0; hops < 64 && current > 1; hops++) {
    if (current === process.pid) {
      return true;
    }
    const stat = procStat(current);
    if (!stat) {
      return false;
    }
    current = stat.ppid;
  }
  return false;
}

function readOwners(): OwnerRecord[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(STATE_ROOT);
  } catch {
    return [];
  }
  const owners: OwnerRecord[] = [];
  for (const entry of entries) {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(path.join(STATE_ROOT, entry, OWNER_FILE), 'utf8'));
      if (isOwnerRecord(parsed) && parsed.prefix === entry) {
        owners.push(parsed);
      }
    } catch {
      // A folder without a readable record is not a bed this module made; leave it alone.
    }
  }
  return owners;
}

// --- cleanup --------------------------------------------------------------------------------------------------

async function listNamespaces(): Promise<Set<string>> {
  const out = await must('ip', ['-j', 'netns', 'list']);
  const names = new Set<string>();
  const parsed: unknown = out.trim() === '' ? [] : JSON.parse(out);
  if (Array.isArray(parsed)) {
    for (const item of parsed as unknown[]) {
      if (typeof item === 'object' && item !== null && 'name' in item && typeof item.name === 'string') {
        names.add(item.name);
      }
    }
  }
  return names;
}

async function waitGone(pids: readonly number[]): Promise<void> {
  const deadline = Date.now() + KILL_TIMEOUT_MS;
  // A zombie is gone for our purposes: it holds no namespace, and reaping it is its parent's business.
  while (pids.some((pid) => (procStat(pid)?.state ?? 'Z') !== 'Z') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Removes one bed: kills what runs in its namespaces, deletes them (and with them every veth and rule). */
async function removeBed(prefix: string): Promise<void> {
  const existing = await listNamespaces();
  const namespaces = bedNamespaces(prefix).filter((ns) => existing.has(ns));
  // Processes inside (delayers, servers and browsers the tests started there) would keep a deleted namespace, and
  // with it the host's veth, alive.
  const pids: number[] = [];
  for (const ns of namespaces) {
    const out = await runCommand('ip', ['netns', 'pids', ns]);
    for (const word of out.stdout.split(/\s+/)) {
      const pid = Number(word);
      if (Number.isInteger(pid) && pid > 1 && pid !== process.pid) {
        pids.push(pid);
      }
    }
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await waitGone(pids);
  for (const ns of namespaces) {
    await must('ip', ['netns', 'delete', ns]);
  }
  // Deleting the core namespace removes both ends of the host's veth; this catches a half-built bed.
  await runCommand('ip', ['link', 'delete', hostInterfaceName(prefix)]);
  fs.rmSync(stateDir(prefix), { recursive: true, force: true });
}

/**
 * Standalone cleanup, e.g. for a vitest globalSetup teardown. With a prefix: removes that bed whatever its state.
 * Without: removes every bed whose owner process is gone, or is this process or one of its descendants (the test
 * workers of this run), and leaves beds of other live runs alone. Returns the prefixes removed.
 */
export async function cleanupNetbeds(options: { prefix?: string } = {}): Promise<string[]> {
  if (options.prefix !== undefined) {
    validatePrefix(options.prefix);
    await removeBed(options.prefix);
    return [options.prefix];
  }
  const removed = await removeBeds((owner) => !ownerAlive(owner) || ownedByThisProcess(owner.pid));
  const holder = lockHolder();
  if (holder !== null && (!ownerAlive({ prefix: '', ...holder }) || ownedByThisProcess(holder.pid))) {
    fs.rmSync(LOCK_DIR, { recursive: true, force: true });
  }
  return removed;
}

async function removeBeds(shouldGo: (owner: OwnerRecord) => boolean): Promise<string[]> {
  const removed: string[] = [];
  for (const owner of readOwners()) {
    if (shouldGo(owner)) {
      await removeBed(owner.prefix);
      removed.push(owner.prefix);
    }
  }
  return removed;
}

function validatePrefix(prefix: string): void {
  // Namespace names become paths under /run/netns and folder names under STATE_ROOT.
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(prefix)) {
    throw new NetbedError(`netbed prefix must be 1-41 of [a-z0-9-] and not start with '-': '${prefix}'`);
  }
}

// --- delayer --------------------------------------------------------------------------------------------------

const DELAYER_SOURCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'netbed', 'delayer.c');

function cacheRoot(): string {
  // The same place scripts/lib.sh keeps the mediasoup worker.
  const explicit = process.env['CONCORD_CACHE_DIR'];
  if (explicit) {
    return explicit;
  }
  return path.join(process.env['XDG_CACHE_HOME'] ?? path.join(os.homedir(), '.cache'), 'concord');
}

let delayerBuild: Promise<string> | null = null;

/** The delayer binary, compiled once per machine and cached under a hash of its source and build command. */
export function delayerBinary(): Promise<string> {
  delayerBuild ??= buildDelayer().catch((err: unknown) => {
    delayerBuild = null;
    throw err;
  });
  return delayerBuild;
}

async function buildDelayer(): Promise<string> {
  const source = fs.readFileSync(DELAYER_SOURCE);
  const libs = (await runCommand('pkg-config', ['--cflags', '--libs', 'libnetfilter_queue'])).stdout.trim();
  const flags = ['-O2', '-Wall', '-Wextra', ...(libs ? libs.split(/\s+/) : ['-lnetfilter_queue', '-lnfnetlink'])];
  const hash = crypto.createHash('sha256').update(source).update(flags.join(' ')).digest('hex').slice(0, 12);
  const binary = path.join(cacheRoot(), 'netbed-delayer', hash, 'delayer');
  if (fs.existsSync(binary)) {
    return binary;
  }
  fs.mkdirSync(path.dirname(binary), { recursive: true });
  // Built under a unique name and renamed: a concurrent run never executes a half-written file.
  const tmp = `${binary}.${process.pid}.tmp`;
  const result = await runCommand('gcc', ['-o', tmp, DELAYER_SOURCE, ...flags], { timeoutMs: COMMAND_TIMEOUT_MS });
  if (result.code !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new NetbedError(
      `could not build the NFQUEUE delayer (needs gcc and libnetfilter-queue-dev):\n${result.stderr}`,
    );
  }
  fs.renameSync(tmp, binary);
  return binary;
}

/** One delayer process bound to one queue in one namespace. */
class Delayer {
  private stderr = '';
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly label: string,
    public delayMs: number,
  ) {
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString();
      process.stderr.write(`[netbed ${label}] ${d.toString()}`);
    });
    // Its queue rule stays behind and now drops the direction's traffic: say so where the failing test shows.
    child.once('exit', (code, signal) => {
      if (!this.stopping) {
        process.stderr.write(`[netbed ${label}] delayer exited (${code ?? signal}); this direction now drops\n`);
      }
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  static async start(ns: string, queueNum: number, delayMs: number, label: string): Promise<Delayer> {
    const binary = await delayerBinary();
    const child = spawn('ip', ['netns', 'exec', ns, binary, String(queueNum), String(delayMs)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin?.on('error', () => undefined);
    const delayer = new Delayer(child, label, delayMs);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new NetbedError(`delayer ${label} did not start: ${delayer.stderr}`));
      }, DELAYER_START_TIMEOUT_MS);
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new NetbedError(`delayer ${label} exited (${code ?? signal}): ${delayer.stderr}`));
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    child.stdout?.resume();
    return delayer;
  }

  setDelay(delayMs: number): void {
    this.delayMs = delayMs;
    this.child.stdin?.write(`${delayMs}\n`);
  }

  /** Lets it release what it holds, on time, and exit; kills it if that takes too long. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (!this.running) {
      return;
    }
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), this.delayMs + DELAYER_DRAIN_MARGIN_MS);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    this.stopping = true;
    if (this.running) {
      this.child.kill('SIGKILL');
    }
  }
}

// --- rule rendering -------------------------------------------------------------------------------------------

function validateDirection(city: City, dir: Direction, d: LinkDirection | undefined): void {
  if (!d) {
    return;
  }
  const where = `${city} ${dir}`;
  if (d.rateKbit !== undefined && !(Number.isFinite(d.rateKbit) && d.rateKbit > 0)) {
    throw new NetbedError(`${where}: rateKbit must be a positive number, got ${d.rateKbit}`);
  }
  if (d.delayMs !== undefined && !(Number.isFinite(d.delayMs) && d.delayMs >= 0 && d.delayMs <= MAX_DELAY_MS)) {
    throw new NetbedError(`${where}: delayMs must be within 0..${MAX_DELAY_MS}, got ${d.delayMs}`);
  }
  if (d.lossPct !== undefined && !(Number.isFinite(d.lossPct) && d.lossPct >= 0 && d.lossPct <= 100)) {
    throw new NetbedError(`${where}: lossPct must be within 0..100, got ${d.lossPct}`);
  }
}

function validateBlock(rule: BlockRule): void {
  switch (rule.kind) {
    case 'tcp-only-to':
      for (const address of addressesOf(rule)) {
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
          throw new NetbedError(`block: address must be an IPv4 address, got '${address}'`);
        }
      }
      if (addressesOf(rule).length === 0) {
        throw new NetbedError('block: give at least one address');
      }
      if (!(Number.isInteger(rule.port) && rule.port > 0 && rule.port < 65536)) {
        throw new NetbedError(`block: port must be 1..65535, got ${rule.port}`);
      }
      return;
    case 'no-udp':
      return;
    default:
      assertUnreachable(rule);
  }
}

function addressesOf(rule: { address: string | readonly string[] }): readonly string[] {
  return typeof rule.address === 'string' ? [rule.address] : rule.address;
}

function assertUnreachable(x: never): never {
  throw new NetbedError(`unexpected value ${JSON.stringify(x)}`);
}

/** The body of one direction's ingress chain: cut first, then the firewall, then random loss. */
function chainRules(state: LinkState, dir: Direction): string[] {
  const rules: string[] = [];
  if (state.cut) {
    rules.push('drop');
  }
  const block = state.block;
  if (block) {
    rules.push('ip protocol udp drop');
    switch (block.kind) {
      case 'tcp-only-to': {
        // Stateless, both directions: out only to address:port, back only from it.
        const [addr, port] = dir === 'up' ? ['daddr', 'dport'] : ['saddr', 'sport'];
        rules.push(`ip protocol tcp ip ${addr} != { ${addressesOf(block).join(', ')} } drop`);
        rules.push(`tcp ${port} != ${block.port} drop`);
        break;
      }
      case 'no-udp':
        break;
      default:
        assertUnreachable(block);
    }
  }
  const loss = state.impairment[dir]?.lossPct ?? 0;
  if (loss >= 100) {
    rules.push('drop');
  } else if (loss > 0) {
    rules.push(`numgen random mod ${LOSS_SCALE} < ${Math.round((loss * LOSS_SCALE) / 100)} drop`);
  }
  return rules;
}

/** An nft script that replaces one table atomically (or just removes it when there is nothing to enforce). */
function ingressTableScript(table: string, device: string, rules: readonly string[]): string {
  // "add, delete, add" works whether or not the table exists (nft 1.0.6 has no `destroy`).
  const lines = [`table netdev ${table}`, `delete table netdev ${table}`];
  if (rules.length > 0) {
    lines.push(
      `table netdev ${table} {`,
      '  chain link {',
      `    type filter hook ingress device "${device}" priority 0; policy accept;`,
      ...rules.map((r) => `    ${r}`),
      '  }',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

function tbfArgs(rateKbit: number): string[] {
  const bytesPerSecond = (rateKbit * 1000) / 8;
  const burst = Math.max(TBF_MIN_BURST_BYTES, Math.round(bytesPerSecond * TBF_BURST_SECONDS));
  return ['tbf', 'rate', `${rateKbit}kbit`, 'burst', String(burst), 'latency', `${TBF_LATENCY_MS}ms`];
}

// --- the bed --------------------------------------------------------------------------------------------------

const REQUIRED_COMMANDS: ReadonlyArray<[command: string, debianPackage: string]> = [
  ['ip', 'iproute2'],
  ['tc', 'iproute2'],
  ['nft', 'nftables'],
  ['iptables', 'iptables'],
  ['sysctl', 'procps'],
];

// --- one bed at a time ------------------------------------------------------------------------------------

/** The machine's one bed is taken by creating this folder (atomic); its holder is named inside. */
const LOCK_DIR = path.join(STATE_ROOT, '.lock');
const LOCK_HOLDER = 'holder.json';
/** How long a run waits for another run's bed to go before it gives up (NETBED_WAIT_MS). */
const DEFAULT_LOCK_WAIT_MS = 15 * 60_000;
const LOCK_POLL_MS = 500;
/** A lock folder without a holder record this old was left by a crash between its two steps. */
const LOCK_ORPHAN_MS = 10_000;

function lockHolder(): { pid: number; start: number } | null {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(path.join(LOCK_DIR, LOCK_HOLDER), 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'pid' in parsed && 'start' in parsed) {
      const { pid, start } = parsed;
      if (typeof pid === 'number' && typeof start === 'number') {
        return { pid, start };
      }
    }
  } catch {
    // No record (yet, or any more).
  }
  return null;
}

/**
 * Takes the machine's one bed (the cities' addresses are fixed), waiting while another live
 * run holds it: test runs, benchmarks and people at the same machine take turns. A holder
 * that died gives it up.
 */
async function acquireBedLock(waitMs: number): Promise<void> {
  fs.mkdirSync(STATE_ROOT, { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      fs.mkdirSync(LOCK_DIR);
      const me = { pid: process.pid, start: procStat(process.pid)?.start ?? 0 };
      fs.writeFileSync(path.join(LOCK_DIR, LOCK_HOLDER), `${JSON.stringify(me)}\n`);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw err;
      }
    }
    const holder = lockHolder();
    const orphan =
      holder === null && Date.now() - (fs.statSync(LOCK_DIR, { throwIfNoEntry: false })?.mtimeMs ?? 0) > LOCK_ORPHAN_MS;
    if (orphan || (holder !== null && !ownerAlive({ prefix: '', ...holder }))) {
      fs.rmSync(LOCK_DIR, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new NetbedError(`another run (pid ${holder?.pid ?? '?'}) has held the network test bed for too long`);
    }
    await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
  }
}

function releaseBedLock(): void {
  if (lockHolder()?.pid === process.pid) {
    fs.rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/** Builds the four cities (after removing leftovers with the same prefix and beds of dead runs). */
export async function createNetbed(options: NetbedOptions = {}): Promise<Netbed> {
  if (process.getuid?.() !== 0) {
    throw new NetbedError('the network test bed needs root (network namespaces, tc, nftables)');
  }
  const missing: string[] = [];
  for (const [command, pkg] of REQUIRED_COMMANDS) {
    if (!(await commandExists(command))) {
      missing.push(`${command} (Debian package ${pkg})`);
    }
  }
  if (missing.length > 0) {
    throw new NetbedError(`the network test bed needs: ${missing.join(', ')}`);
  }
  const prefix = options.prefix ?? `${NETBED_PREFIX_BASE}${crypto.randomBytes(3).toString('hex')}-`;
  validatePrefix(prefix);
  await acquireBedLock(Number(process.env['NETBED_WAIT_MS'] ?? DEFAULT_LOCK_WAIT_MS));
  try {
    return await buildBed(prefix);
  } catch (err) {
    releaseBedLock();
    throw err;
  }
}

async function buildBed(prefix: string): Promise<Netbed> {
  await removeBed(prefix);
  // Beds of runs that died; a live bed, even one of this process, is left for assertHostAddressFree to name.
  await removeBeds((owner) => !ownerAlive(owner));
  await assertHostAddressFree();

  fs.mkdirSync(stateDir(prefix), { recursive: true });
  const owner: OwnerRecord = { prefix, pid: process.pid, start: procStat(process.pid)?.start ?? 0 };
  fs.writeFileSync(path.join(stateDir(prefix), OWNER_FILE), `${JSON.stringify(owner)}\n`);

  const bed = new Netbed(prefix);
  try {
    await bed.build();
  } catch (err) {
    await removeBed(prefix);
    throw err;
  }
  return bed;
}

/** Fixed addresses mean one bed per machine; say whose bed is in the way rather than building a broken one. */
async function assertHostAddressFree(): Promise<void> {
  const out = await must('ip', ['-o', '-4', 'addr', 'show']);
  const line = out.split('\n').find((l) => l.includes(` ${HOST_ADDRESS}/`));
  if (line) {
    const holders = readOwners()
      .filter(ownerAlive)
      .map((o) => `${o.prefix} (pid ${o.pid})`);
    throw new NetbedError(
      `${HOST_ADDRESS} is already on this host (${line.trim()}); live netbeds: ${holders.join(', ') || 'none'}`,
    );
  }
}

export class Netbed {
  /** The root namespace's end of the host veth, holding HOST_ADDRESS. */
  readonly hostInterface: string;
  private readonly links = new Map<City, LinkState>();
  private readonly delayers = new Map<string, Delayer>();
  /**
   * Changes run one after another, all cities together: they share the core's iptables and nftables, whose
   * concurrent writers can trip over each other's generation checks.
   */
  private pending: Promise<void> = Promise.resolve();
  private destroyed = false;

  /** Use createNetbed(). */
  constructor(readonly prefix: string) {
    this.hostInterface = hostInterfaceName(prefix);
    for (const city of CITIES) {
      this.links.set(city, { impairment: {}, cut: false, block: null });
    }
  }

  /** The city's network namespace, for `ip netns exec` or `ip -n`. */
  namespace(city: City): string {
    return cityNamespace(this.prefix, city);
  }

  get coreNamespace(): string {
    return coreNamespace(this.prefix);
  }

  /** @internal Called once by createNetbed. */
  async build(): Promise<void> {
    const core = this.coreNamespace;
    const subnet = NETBED_SUBNET;
    for (const ns of bedNamespaces(this.prefix)) {
      await must('ip', ['netns', 'add', ns]);
      await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      // IPv4 only: the impairment and firewall rules are written for it, and no stray IPv6 (router
      // solicitations, link-local WebRTC candidates) can go around them.
      await nsExec(ns, 'sysctl', ['-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
    }
    await nsExec(core, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    const ports: Array<{ port: string; address: string }> = CITIES.map((c) => ({ port: c, address: CITY_ADDRESS[c] }));
    ports.push({ port: CORE_HOST_PORT, address: HOST_ADDRESS });
    for (const city of CITIES) {
      const ns = this.namespace(city);
      await must('ip', ['-n', core, 'link', 'add', city, 'type', 'veth', 'peer', 'name', CITY_IF, 'netns', ns]);
      await must('ip', ['-n', ns, 'addr', 'add', `${CITY_ADDRESS[city]}/32`, 'dev', CITY_IF]);
      await must('ip', ['-n', ns, 'link', 'set', CITY_IF, 'up']);
      await must('ip', ['-n', ns, 'route', 'add', `${CORE_ADDRESS}/32`, 'dev', CITY_IF]);
      await must('ip', ['-n', ns, 'route', 'add', subnet, 'via', CORE_ADDRESS, 'dev', CITY_IF]);
    }
    await must('ip', [
      'link',
      'add',
      this.hostInterface,
      'type',
      'veth',
      'peer',
      'name',
      CORE_HOST_PORT,
      'netns',
      core,
    ]);
    await must('sysctl', ['-qw', `net.ipv6.conf.${this.hostInterface}.disable_ipv6=1`]);
    await must('ip', ['addr', 'add', `${HOST_ADDRESS}/32`, 'dev', this.hostInterface]);
    await must('ip', ['link', 'set', this.hostInterface, 'up']);
    await must('ip', ['route', 'add', `${CORE_ADDRESS}/32`, 'dev', this.hostInterface]);
    await must('ip', ['route', 'add', subnet, 'via', CORE_ADDRESS, 'dev', this.hostInterface]);
    for (const { port, address } of ports) {
      await must('ip', ['-n', core, 'addr', 'add', `${CORE_ADDRESS}/32`, 'dev', port]);
      await must('ip', ['-n', core, 'link', 'set', port, 'up']);
      await must('ip', ['-n', core, 'route', 'add', `${address}/32`, 'dev', port]);
    }
  }

  // --- impairments ---

  /** Sets the whole impairment of a city's link (a direction left out becomes unimpaired). */
  setLink(city: City, impairment: LinkImpairment): Promise<void> {
    validateDirection(city, 'up', impairment.up);
    validateDirection(city, 'down', impairment.down);
    const copy: LinkImpairment = {};
    if (impairment.up) {
      copy.up = { ...impairment.up };
    }
    if (impairment.down) {
      copy.down = { ...impairment.down };
    }
    return this.change(city, (s) => (s.impairment = copy));
  }

  /** Removes rate, delay and loss in both directions (a cut or a block stays). */
  clearLink(city: City): Promise<void> {
    return this.change(city, (s) => (s.impairment = {}));
  }

  /** Drops everything on the city's link, both ways, silently (packets vanish; senders get no error). */
  cut(city: City): Promise<void> {
    return this.change(city, (s) => (s.cut = true));
  }

  restore(city: City): Promise<void> {
    return this.change(city, (s) => (s.cut = false));
  }

  /** Puts a firewall on the city's link (replacing any earlier one). */
  block(city: City, rule: BlockRule): Promise<void> {
    validateBlock(rule);
    return this.change(city, (s) => (s.block = { ...rule }));
  }

  unblock(city: City): Promise<void> {
    return this.change(city, (s) => (s.block = null));
  }

  /** Clears impairments, cuts and blocks of one city, or of all. */
  async reset(city?: City): Promise<void> {
    const cities = city ? [city] : CITIES;
    await Promise.all(
      cities.map((c) => this.change(c, (s) => Object.assign(s, { impairment: {}, cut: false, block: null }))),
    );
  }

  private change(city: City, mutate: (state: LinkState) => void): Promise<void> {
    if (this.destroyed) {
      return Promise.reject(new NetbedError('the netbed was destroyed'));
    }
    const next = this.pending
      .catch(() => undefined)
      .then(async () => {
        const state = this.links.get(city)!;
        mutate(state);
        await this.apply(city, state);
      });
    this.pending = next;
    return next;
  }

  private async apply(city: City, state: LinkState): Promise<void> {
    const ns = this.namespace(city);
    const core = this.coreNamespace;
    // Uplink arrives at the core's port; downlink arrives at the city's eth0.
    await nsExec(core, 'nft', ['-f', '-'], ingressTableScript(`concord_up_${city}`, city, chainRules(state, 'up')));
    await nsExec(ns, 'nft', ['-f', '-'], ingressTableScript('concord_down', CITY_IF, chainRules(state, 'down')));
    // Uplink leaves through the city's eth0; downlink leaves through the core's port.
    await this.applyRate(ns, CITY_IF, state.impairment.up?.rateKbit);
    await this.applyRate(core, city, state.impairment.down?.rateKbit);
    await this.applyDelay(city, 'up', state.impairment.up?.delayMs ?? 0);
    await this.applyDelay(city, 'down', state.impairment.down?.delayMs ?? 0);
  }

  private async applyRate(ns: string, dev: string, rateKbit: number | undefined): Promise<void> {
    if (rateKbit === undefined) {
      // Absent already is fine: veths start with no root qdisc.
      await runCommand('tc', ['-n', ns, 'qdisc', 'del', 'dev', dev, 'root']);
      return;
    }
    await must('tc', ['-n', ns, 'qdisc', 'replace', 'dev', dev, 'root', ...tbfArgs(rateKbit)]);
  }

  private async applyDelay(city: City, dir: Direction, delayMs: number): Promise<void> {
    const key = `${city}:${dir}`;
    const core = this.coreNamespace;
    const queue = queueNum(city, dir);
    const [chain, side] = dir === 'up' ? ['PREROUTING', '-i'] : ['POSTROUTING', '-o'];
    const iptables = (op: '-A' | '-D') =>
      nsExec(core, 'iptables', ['-t', 'mangle', op, chain, side, city, '-j', 'NFQUEUE', '--queue-num', String(queue)]);
    let delayer = this.delayers.get(key);
    if (delayer && !delayer.running) {
      // It died: its rule is still there and would black-hole the link, so start over.
      process.stderr.write(`[netbed ${key}] delayer had exited; restarting it\n`);
      await iptables('-D').catch(() => undefined);
      this.delayers.delete(key);
      delayer = undefined;
    }
    if (delayMs > 0) {
      if (delayer) {
        if (delayer.delayMs !== delayMs) {
          delayer.setDelay(delayMs);
        }
        return;
      }
      // The queue is bound before any packet is sent to it: with no reader, queued packets would be dropped.
      const started = await Delayer.start(core, queue, delayMs, key);
      this.delayers.set(key, started);
      try {
        await iptables('-A');
      } catch (err) {
        started.kill();
        this.delayers.delete(key);
        throw err;
      }
      return;
    }
    if (delayer) {
      this.delayers.delete(key);
      await iptables('-D');
      await delayer.stop();
    }
  }

  // --- processes ---

  /** Starts a process inside a city (`ip netns exec`, which execs, so the child's pid is the process's own). */
  spawnIn(city: City, command: string, args: readonly string[] = [], options: SpawnOptions = {}): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.namespace(city), command, ...args], options);
  }

  /** Runs a process inside a city to its end; never rejects for a non-zero exit (check `code`). */
  exec(city: City, command: string, args: readonly string[] = [], options: ExecOptions = {}): Promise<ExecResult> {
    return runCommand('ip', ['netns', 'exec', this.namespace(city), command, ...args], options);
  }

  /**
   * An executable that runs Debian's Chromium inside the city, for playwright-core's `executablePath`. Playwright
   * talks to the browser over inherited pipes, which `ip netns exec` passes through.
   */
  chromiumIn(city: City, binary: string = CHROMIUM_BINARY): string {
    const file = path.join(stateDir(this.prefix), `chromium-${city}`);
    const script = [
      '#!/bin/sh',
      `# Chromium inside the Concord test city ${city} (network namespace ${this.namespace(city)}).`,
      `exec ip netns exec '${this.namespace(city)}' '${binary}' "$@"`,
      '',
    ].join('\n');
    fs.writeFileSync(file, script, { mode: 0o755 });
    return file;
  }

  // --- teardown ---

  /** Removes namespaces, veths, rules, delayers and anything else still running in the cities. Idempotent. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    await this.pending.catch(() => undefined);
    for (const delayer of this.delayers.values()) {
      delayer.kill();
    }
    this.delayers.clear();
    await removeBed(this.prefix);
    releaseBedLock();
  }
}

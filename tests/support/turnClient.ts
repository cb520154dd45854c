/**
 * A small TURN client (RFC 8656 over RFC 8489 STUN) for tests: Allocate with long-term credentials, CreatePermission,
 * Send and Data indications, Refresh, over UDP, TCP or TLS, as a browser talks to a TURN server given as
 * `turn:host:port?transport=udp|tcp` or `turns:host:port?transport=tcp`. IPv4 peers only. It tells apart what the
 * coturn utilities do not: which error code the server answered with, and what the relay carried.
 */
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import zlib from 'node:zlib';

const MAGIC_COOKIE = 0x2112a442;
const FINGERPRINT_XOR = 0x5354554e;
/** REQUESTED-TRANSPORT's protocol number for UDP, the only relay browsers ask for. */
const UDP_PROTOCOL = 17;
/** A request is sent again this often over UDP until answered (loopback and test beds lose little). */
const UDP_RETRANSMIT_MS = 250;
/** A request unanswered this long fails. */
const REQUEST_TIMEOUT_MS = 5_000;

export const METHOD = {
  binding: 0x001,
  allocate: 0x003,
  refresh: 0x004,
  send: 0x006,
  data: 0x007,
  createPermission: 0x008,
} as const;

const ATTR = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  lifetime: 0x000d,
  xorPeerAddress: 0x0012,
  data: 0x0013,
  realm: 0x0014,
  nonce: 0x0015,
  xorRelayedAddress: 0x0016,
  requestedTransport: 0x0019,
  xorMappedAddress: 0x0020,
  fingerprint: 0x8028,
} as const;

type MessageClass = 'request' | 'indication' | 'success' | 'error';
const CLASS_BITS: Record<MessageClass, number> = { request: 0, indication: 1, success: 2, error: 3 };

export interface Address {
  address: string;
  port: number;
}

interface Attribute {
  type: number;
  value: Buffer;
}

export interface StunMessage {
  method: number;
  cls: MessageClass;
  transactionId: Buffer;
  attributes: Attribute[];
}

/** The server answered with an error response. */
export class TurnError extends Error {
  override readonly name = 'TurnError';
  constructor(
    readonly code: number,
    readonly reason: string,
    what: string,
  ) {
    super(`${what}: ${code} ${reason}`);
  }
}

// --- encoding -----------------------------------------------------------------------------------------------------

function messageType(method: number, cls: MessageClass): number {
  const c = CLASS_BITS[cls];
  return ((method & 0xf80) << 2) | ((method & 0x070) << 1) | (method & 0x00f) | ((c & 2) << 7) | ((c & 1) << 4);
}

function attribute(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(value.length, 2);
  const padding = Buffer.alloc((4 - (value.length % 4)) % 4);
  return Buffer.concat([header, value, padding]);
}

function xorAddress(addr: Address): Buffer {
  const octets = addr.address.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) {
    throw new Error(`not an IPv4 address: ${addr.address}`);
  }
  const value = Buffer.alloc(8);
  value.writeUInt8(0x01, 1);
  value.writeUInt16BE(addr.port ^ (MAGIC_COOKIE >>> 16), 2);
  value.writeUInt32BE((Buffer.from(octets).readUInt32BE(0) ^ MAGIC_COOKIE) >>> 0, 4);
  return value;
}

function readXorAddress(value: Buffer): Address {
  if (value.readUInt8(1) !== 0x01) {
    throw new Error('only IPv4 addresses are supported');
  }
  const port = value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  const raw = Buffer.alloc(4);
  raw.writeUInt32BE((value.readUInt32BE(4) ^ MAGIC_COOKIE) >>> 0, 0);
  return { address: [...raw].join('.'), port };
}

/** A STUN message; with a key it carries MESSAGE-INTEGRITY; every message carries FINGERPRINT. */
export function encodeMessage(
  method: number,
  cls: MessageClass,
  transactionId: Buffer,
  attributes: readonly Attribute[],
  key?: Buffer,
): Buffer {
  let body = Buffer.concat(attributes.map((a) => attribute(a.type, a.value)));
  const header = (extra: number) => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(messageType(method, cls), 0);
    h.writeUInt16BE(body.length + extra, 2);
    h.writeUInt32BE(MAGIC_COOKIE, 4);
    transactionId.copy(h, 8);
    return h;
  };
  if (key) {
    // The HMAC covers the message with its length already counting the MESSAGE-INTEGRITY attribute (24 bytes).
    const mac = crypto
      .createHmac('sha1', key)
      .update(Buffer.concat([header(24), body]))
      .digest();
    body = Buffer.concat([body, attribute(ATTR.messageIntegrity, mac)]);
  }
  const crc = (zlib.crc32(Buffer.concat([header(8), body])) ^ FINGERPRINT_XOR) >>> 0;
  const fp = Buffer.alloc(4);
  fp.writeUInt32BE(crc, 0);
  body = Buffer.concat([body, attribute(ATTR.fingerprint, fp)]);
  return Buffer.concat([header(0), body]);
}

export function decodeMessage(buf: Buffer): StunMessage | null {
  if (buf.length < 20 || (buf.readUInt8(0) & 0xc0) !== 0 || buf.readUInt32BE(4) !== MAGIC_COOKIE) {
    return null;
  }
  const type = buf.readUInt16BE(0);
  const length = buf.readUInt16BE(2);
  if (buf.length < 20 + length) {
    return null;
  }
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const c = ((type & 0x0100) >> 7) | ((type & 0x0010) >> 4);
  const cls = (['request', 'indication', 'success', 'error'] as const)[c]!;
  const attributes: Attribute[] = [];
  let offset = 20;
  while (offset + 4 <= 20 + length) {
    const attrType = buf.readUInt16BE(offset);
    const attrLength = buf.readUInt16BE(offset + 2);
    attributes.push({ type: attrType, value: buf.subarray(offset + 4, offset + 4 + attrLength) });
    offset += 4 + attrLength + ((4 - (attrLength % 4)) % 4);
  }
  return { method, cls, transactionId: buf.subarray(8, 20), attributes };
}

function find(msg: StunMessage, type: number): Buffer | undefined {
  return msg.attributes.find((a) => a.type === type)?.value;
}

function errorOf(msg: StunMessage): { code: number; reason: string } {
  const v = find(msg, ATTR.errorCode);
  if (!v || v.length < 4) {
    return { code: 0, reason: 'no ERROR-CODE' };
  }
  return { code: (v.readUInt8(2) & 0x7) * 100 + v.readUInt8(3), reason: v.subarray(4).toString('utf8') };
}

// --- transports ---------------------------------------------------------------------------------------------------

export type TurnTransport = 'udp' | 'tcp' | 'tls';

export interface ServerAddress {
  transport: TurnTransport;
  host: string;
  port: number;
}

/** Reads an ICE server URL as browsers do: `turn:` over UDP (default) or TCP, `turns:` over TLS. */
export function parseTurnUrl(url: string): ServerAddress {
  const m = /^(turns?):([^:?]+|\[[^\]]+\]):(\d+)(?:\?transport=(udp|tcp))?$/.exec(url);
  if (!m) {
    throw new Error(`not a turn: or turns: URL with host and port: ${url}`);
  }
  const [, scheme, host, port, transport] = m;
  if (scheme === 'turns') {
    if (transport === 'udp') {
      throw new Error(`browsers do not speak DTLS to TURN servers: ${url}`);
    }
    return { transport: 'tls', host: host!, port: Number(port) };
  }
  return { transport: transport === 'tcp' ? 'tcp' : 'udp', host: host!, port: Number(port) };
}

interface Wire {
  send(buf: Buffer): void;
  close(): void;
}

/** STUN over a stream: each message's length is in its header (ChannelData frames, unused here, are skipped). */
function streamFramer(onMessage: (buf: Buffer) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const isStun = (pending.readUInt8(0) & 0xc0) === 0;
      const length = pending.readUInt16BE(2);
      const total = isStun ? 20 + length : 4 + length + ((4 - (length % 4)) % 4);
      if (pending.length < total) {
        return;
      }
      if (isStun) {
        onMessage(pending.subarray(0, total));
      }
      pending = pending.subarray(total);
    }
  };
}

async function openWire(
  server: ServerAddress,
  onMessage: (buf: Buffer) => void,
  options: { ca?: string | Buffer; servername?: string },
): Promise<Wire> {
  if (server.transport === 'udp') {
    const sock = dgram.createSocket('udp4');
    sock.on('message', (m) => onMessage(m));
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.connect(server.port, server.host, () => resolve());
    });
    // A server that is gone shows as unanswered requests (an ICMP error on a connected socket is not thrown).
    sock.on('error', () => undefined);
    return { send: (b) => sock.send(b), close: () => sock.close() };
  }
  const frame = streamFramer(onMessage);
  const sock = await new Promise<net.Socket>((resolve, reject) => {
    const s =
      server.transport === 'tcp'
        ? net.connect(server.port, server.host, () => resolve(s))
        : tls.connect(
            {
              host: server.host,
              port: server.port,
              ca: options.ca,
              // Verified like a browser would: against `ca` only, and the URL's host (an IP address is checked
              // against the certificate's IP names).
              servername: options.servername ?? (net.isIP(server.host) ? undefined : server.host),
              rejectUnauthorized: true,
            },
            () => resolve(s),
          );
    s.once('error', reject);
  });
  sock.on('data', frame);
  sock.on('error', () => undefined);
  return { send: (b) => sock.write(b), close: () => sock.destroy() };
}

// --- the client ---------------------------------------------------------------------------------------------------

export interface Allocation {
  relayed: Address;
  mapped: Address | undefined;
  lifetimeSeconds: number;
}

export interface DataIndication {
  peer: Address;
  data: Buffer;
}

export class TurnClient {
  private readonly pending = new Map<string, (msg: StunMessage) => void>();
  private readonly data: DataIndication[] = [];
  private dataWaiter: (() => void) | null = null;
  private auth: { username: string; realm: string; nonce: Buffer; key: Buffer } | null = null;
  private closed = false;

  private constructor(
    readonly server: ServerAddress,
    private wire: Wire | null,
  ) {}

  /** Connects to a TURN server given as an ICE server URL. `ca`: the certificates a `turns:` server may present. */
  static async connect(url: string, options: { ca?: string | Buffer; servername?: string } = {}): Promise<TurnClient> {
    const server = parseTurnUrl(url);
    const client = new TurnClient(server, null);
    client.wire = await openWire(server, (buf) => client.receive(buf), options);
    return client;
  }

  private receive(buf: Buffer): void {
    const msg = decodeMessage(buf);
    if (!msg) {
      return;
    }
    if (msg.cls === 'indication' && msg.method === METHOD.data) {
      const peer = find(msg, ATTR.xorPeerAddress);
      const data = find(msg, ATTR.data);
      if (peer && data) {
        this.data.push({ peer: readXorAddress(peer), data: Buffer.from(data) });
        this.dataWaiter?.();
      }
      return;
    }
    this.pending.get(msg.transactionId.toString('hex'))?.(msg);
  }

  /** Sends a request and resolves with the server's answer, success or error. */
  async request(method: number, attributes: readonly Attribute[], key?: Buffer): Promise<StunMessage> {
    const wire = this.wire;
    if (!wire || this.closed) {
      throw new Error('the TURN client is closed');
    }
    const transactionId = crypto.randomBytes(12);
    const bytes = encodeMessage(method, 'request', transactionId, attributes, key);
    const id = transactionId.toString('hex');
    return new Promise<StunMessage>((resolve, reject) => {
      let retransmit: NodeJS.Timeout | undefined;
      const timeout = setTimeout(() => {
        this.pending.delete(id);
        clearInterval(retransmit);
        reject(new Error(`no answer from ${this.server.transport} ${this.server.host}:${this.server.port}`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, (msg) => {
        this.pending.delete(id);
        clearTimeout(timeout);
        clearInterval(retransmit);
        resolve(msg);
      });
      wire.send(bytes);
      if (this.server.transport === 'udp') {
        retransmit = setInterval(() => wire.send(bytes), UDP_RETRANSMIT_MS);
      }
    });
  }

  /** An Allocate without credentials: a server that is not an open relay answers 401 with its realm and nonce. */
  async allocateWithoutCredentials(): Promise<StunMessage> {
    return this.request(METHOD.allocate, [{ type: ATTR.requestedTransport, value: requestedUdp() }]);
  }

  /**
   * Allocates a UDP relay with long-term credentials (a username and password; for Concord, made from the shared
   * secret). Throws TurnError with the server's code when refused.
   */
  async allocate(username: string, password: string): Promise<Allocation> {
    const challenge = await this.allocateWithoutCredentials();
    if (challenge.cls === 'success') {
      throw new Error('the TURN server allocated a relay without credentials (an open relay)');
    }
    const { code, reason } = errorOf(challenge);
    const realm = find(challenge, ATTR.realm)?.toString('utf8');
    const nonce = find(challenge, ATTR.nonce);
    if (code !== 401 || realm === undefined || !nonce) {
      throw new TurnError(code, reason, 'allocate (challenge)');
    }
    const key = crypto.createHash('md5').update(`${username}:${realm}:${password}`).digest();
    this.auth = { username, realm, nonce: Buffer.from(nonce), key };
    const answer = await this.authenticated(METHOD.allocate, [
      { type: ATTR.requestedTransport, value: requestedUdp() },
    ]);
    if (answer.cls !== 'success') {
      const e = errorOf(answer);
      throw new TurnError(e.code, e.reason, 'allocate');
    }
    const relayed = find(answer, ATTR.xorRelayedAddress);
    const mapped = find(answer, ATTR.xorMappedAddress);
    if (!relayed) {
      throw new Error('allocate: success without XOR-RELAYED-ADDRESS');
    }
    return {
      relayed: readXorAddress(relayed),
      mapped: mapped ? readXorAddress(mapped) : undefined,
      lifetimeSeconds: find(answer, ATTR.lifetime)?.readUInt32BE(0) ?? 0,
    };
  }

  /** A request with the allocation's credentials; a stale nonce (438) is renewed once. */
  private async authenticated(method: number, attributes: readonly Attribute[]): Promise<StunMessage> {
    for (let attempt = 0; ; attempt++) {
      const auth = this.auth;
      if (!auth) {
        throw new Error('allocate first');
      }
      const answer = await this.request(
        method,
        [
          ...attributes,
          { type: ATTR.username, value: Buffer.from(auth.username) },
          { type: ATTR.realm, value: Buffer.from(auth.realm) },
          { type: ATTR.nonce, value: auth.nonce },
        ],
        auth.key,
      );
      const nonce = find(answer, ATTR.nonce);
      if (answer.cls === 'error' && errorOf(answer).code === 438 && nonce && attempt === 0) {
        this.auth = { ...auth, nonce: Buffer.from(nonce) };
        continue;
      }
      return answer;
    }
  }

  /** Lets the relay exchange data with this peer IP address (any port). Throws TurnError when refused (403). */
  async createPermission(peerAddress: string): Promise<void> {
    const answer = await this.authenticated(METHOD.createPermission, [
      { type: ATTR.xorPeerAddress, value: xorAddress({ address: peerAddress, port: 0 }) },
    ]);
    if (answer.cls !== 'success') {
      const e = errorOf(answer);
      throw new TurnError(e.code, e.reason, `create permission for ${peerAddress}`);
    }
  }

  /** Sends data from the relay to a peer (a Send indication; the server drops it without a permission). */
  send(peer: Address, data: Buffer): void {
    if (!this.wire || this.closed) {
      throw new Error('the TURN client is closed');
    }
    this.wire.send(
      encodeMessage(METHOD.send, 'indication', crypto.randomBytes(12), [
        { type: ATTR.xorPeerAddress, value: xorAddress(peer) },
        { type: ATTR.data, value: data },
      ]),
    );
  }

  /** The next data a peer sent to the relay, or null if none came within `timeoutMs`. */
  async nextData(timeoutMs: number): Promise<DataIndication | null> {
    if (this.data.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.dataWaiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.dataWaiter = null;
    }
    return this.data.shift() ?? null;
  }

  /** Frees the allocation (Refresh with lifetime 0, best effort) and closes the connection. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    if (this.auth) {
      const zero = Buffer.alloc(4);
      await this.authenticated(METHOD.refresh, [{ type: ATTR.lifetime, value: zero }]).catch(() => undefined);
    }
    this.closed = true;
    this.wire?.close();
  }
}

function requestedUdp(): Buffer {
  const v = Buffer.alloc(4);
  v.writeUInt8(UDP_PROTOCOL, 0);
  return v;
}

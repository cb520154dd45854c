import { describe, expect, it } from 'vitest';
import { REQUESTS, type RequestName } from './requests.js';

const clientSchemas = Object.fromEntries(Object.entries(REQUESTS).map(([k, v]) => [k, v.schema])) as {
  [E in RequestName]: (typeof REQUESTS)[E]['schema'];
};
import { HandshakeAuthSchema, TokenClaimsSchema } from './auth.js';
import { CreateInviteBodySchema, CreateSessionBodySchema } from './http.js';
import { localizedSession, siteLabel } from './domain.js';
import { IssueIdSchema, ParticipantIdSchema, SiteIdSchema } from './ids.js';

// Values that are wrong for every payload, whatever its fields.
const ALWAYS_BAD: unknown[] = [null, undefined, 0, 'text', true, [], [{}]];

describe('every client event payload is checked strictly', () => {
  for (const [event, schema] of Object.entries(clientSchemas)) {
    it(`${event} refuses non-object payloads`, () => {
      for (const bad of ALWAYS_BAD) {
        expect(schema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
      }
    });
    it(`${event} refuses unknown keys`, () => {
      expect(schema.safeParse({ __proto_pollution__: 1, unexpected: true }).success).toBe(false);
    });
  }
});

const uuid = '7d444840-9dc0-11d1-b245-5ffdce74fad2';
const opus = { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 };

describe('media payloads', () => {
  it('a well-formed produce request is accepted', () => {
    const ok = clientSchemas['media:produce'].safeParse({
      transportId: uuid,
      kind: 'audio',
      source: 'mic',
      rtpParameters: {
        mid: '0',
        codecs: [{ ...opus, parameters: { useinbandfec: 1 }, rtcpFeedback: [{ type: 'transport-cc', parameter: '' }] }],
        headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 }],
        encodings: [{ ssrc: 1234, dtx: false }],
        rtcp: { cname: 'abc', reducedSize: true },
      },
    });
    expect(ok.success).toBe(true);
  });

  it.each([
    ['no codecs', { codecs: [] }],
    ['payload type out of range', { codecs: [{ ...opus, payloadType: 300 }] }],
    ['unknown header extension', { codecs: [opus], headerExtensions: [{ uri: 'urn:evil', id: 1 }] }],
    ['object as codec parameter', { codecs: [{ ...opus, parameters: { x: { nested: true } } }] }],
    ['unknown encoding field', { codecs: [opus], encodings: [{ ssrc: 1, bogus: 1 }] }],
  ])('a produce request with %s is refused', (_name, rtpParameters) => {
    const r = clientSchemas['media:produce'].safeParse({
      transportId: uuid,
      kind: 'audio',
      source: 'mic',
      rtpParameters,
    });
    expect(r.success).toBe(false);
  });

  it('transport ids must be UUIDs', () => {
    expect(clientSchemas['media:restartIce'].safeParse({ transportId: '../../etc' }).success).toBe(false);
    expect(clientSchemas['media:restartIce'].safeParse({ transportId: uuid }).success).toBe(true);
  });

  it('DTLS fingerprints need a known algorithm and a hash of its length, as hex pairs', () => {
    const hex = (bytes: number) => Array.from({ length: bytes }, () => 'AB').join(':');
    const dtls = (algorithm: string, value: string) => ({
      transportId: uuid,
      dtlsParameters: { role: 'client', fingerprints: [{ algorithm, value }] },
    });
    const ok = (algorithm: string, value: string) =>
      clientSchemas['media:connectTransport'].safeParse(dtls(algorithm, value)).success;
    expect(ok('sha-256', hex(32))).toBe(true);
    expect(ok('sha-1', hex(20))).toBe(true);
    expect(ok('sha-512', hex(64))).toBe(true);
    expect(ok('md5', hex(16))).toBe(false);
    expect(ok('sha-256', hex(20))).toBe(false);
    expect(ok('sha-256', 'x')).toBe(false);
    expect(ok('sha-256', `${hex(31)}:ZZ`)).toBe(false);
  });
});

describe('joining', () => {
  it('the instance id must be a plain token of 8 to 64 characters', () => {
    const join = clientSchemas['session:join'];
    expect(join.safeParse({ instanceId: 'abcdefgh' }).success).toBe(true);
    expect(join.safeParse({ instanceId: 'abc' }).success).toBe(false);
    expect(join.safeParse({ instanceId: 'abcdefgh<script>' }).success).toBe(false);
    expect(join.safeParse({ instanceId: 'abcdefgh', displayName: '   ' }).success).toBe(false);
    expect(join.safeParse({ instanceId: 'abcdefgh', displayName: 'x'.repeat(81) }).success).toBe(false);
  });

  it('the handshake needs a token and a numeric protocol version', () => {
    expect(HandshakeAuthSchema.safeParse({ token: 't', protocolVersion: 1 }).success).toBe(true);
    expect(HandshakeAuthSchema.safeParse({ token: 't', protocolVersion: '1' }).success).toBe(false);
    expect(HandshakeAuthSchema.safeParse({ token: '', protocolVersion: 1 }).success).toBe(false);
  });
});

describe('token claims', () => {
  const claims = {
    sub: 'inv_1',
    name: 'Daraa',
    sid: 'demo',
    site: 'daraa',
    role: 'member',
    iss: 'concord',
    iat: 1,
    exp: 2,
  };
  it('a complete claim set is accepted', () => {
    expect(TokenClaimsSchema.safeParse(claims).success).toBe(true);
  });
  it('a claim set without expiry, with an unknown role or with extra claims is refused', () => {
    const { exp: _exp, ...noExp } = claims;
    expect(TokenClaimsSchema.safeParse(noExp).success).toBe(false);
    expect(TokenClaimsSchema.safeParse({ ...claims, role: 'admin' }).success).toBe(false);
    expect(TokenClaimsSchema.safeParse({ ...claims, admin: true }).success).toBe(false);
  });
  it('a member token must name a site', () => {
    expect(TokenClaimsSchema.safeParse({ ...claims, site: null }).success).toBe(false);
    expect(TokenClaimsSchema.safeParse({ ...claims, role: 'operator', site: null }).success).toBe(true);
  });
});

describe('admin bodies', () => {
  it('a session needs a title and at least one named site', () => {
    expect(CreateSessionBodySchema.safeParse({ title: 'x', sites: [{ name: 'Homs' }] }).success).toBe(true);
    expect(CreateSessionBodySchema.safeParse({ title: 'x', sites: [] }).success).toBe(false);
    expect(CreateSessionBodySchema.safeParse({ title: '', sites: [{ name: 'Homs' }] }).success).toBe(false);
    expect(CreateSessionBodySchema.safeParse({ title: 'x', sites: [{ name: 'Homs' }], id: 'a b' }).success).toBe(false);
  });
  it('an invite lives at most 30 days', () => {
    const invite = { role: 'member', siteId: 'homs', displayName: 'Homs' };
    expect(CreateInviteBodySchema.safeParse({ ...invite, ttlSeconds: 3600 }).success).toBe(true);
    expect(CreateInviteBodySchema.safeParse({ ...invite, ttlSeconds: 31 * 24 * 3600 }).success).toBe(false);
  });
});

describe('site names in the UI languages', () => {
  const session = {
    sites: [
      { id: SiteIdSchema.parse('daraa'), name: 'Daraa', names: { ar: 'درعا', ru: 'Дараа' } },
      { id: SiteIdSchema.parse('homs'), name: 'Homs' },
    ],
  };
  it("each screen shows a site in its user's language, else its one name", () => {
    expect(localizedSession(session, 'ar').sites.map((s) => s.name)).toEqual(['درعا', 'Homs']);
    expect(localizedSession(session, 'ru-RU').sites.map((s) => s.name)).toEqual(['Дараа', 'Homs']);
    expect(siteLabel(session.sites[0]!, 'en')).toBe('Daraa');
  });
  it('a session with nothing to change is the same object (views keep their identity)', () => {
    expect(localizedSession(session, 'en')).toBe(session);
  });
});

describe('ids', () => {
  it('refuses the names every object already has, which would find something in a state map', () => {
    for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf']) {
      expect(IssueIdSchema.safeParse(name).success, name).toBe(false);
      expect(ParticipantIdSchema.safeParse(name).success, name).toBe(false);
    }
    expect(IssueIdSchema.safeParse('iss_3fQx').success).toBe(true);
  });
});

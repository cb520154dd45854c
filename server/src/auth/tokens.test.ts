import { describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import { ErrorCode, SessionIdSchema, SiteIdSchema } from '@concord/shared';
import { TokenService } from './tokens.js';
import { joinRefusal, newSession } from '../domain/session.js';

const SECRET = 'unit-test-secret-0123456789abcdefghij';
const tokens = new TokenService(SECRET);
const spec = {
  sessionId: SessionIdSchema.parse('demo'),
  siteId: SiteIdSchema.parse('daraa'),
  role: 'member' as const,
  displayName: 'Daraa',
  ttlSeconds: 3600,
};
const NOW = Date.UTC(2026, 10, 21, 9, 0, 0);

describe('invite tokens', () => {
  it('a token the server issued verifies to its claims', () => {
    const { token } = tokens.issue(spec, NOW);
    expect(tokens.verify(token, NOW + 1000)).toMatchObject({
      sid: 'demo',
      site: 'daraa',
      role: 'member',
      name: 'Daraa',
    });
  });

  it('an expired token is refused with TOKEN_EXPIRED', () => {
    const { token } = tokens.issue(spec, NOW);
    expect(() => tokens.verify(token, NOW + 3601_000)).toThrow(
      expect.objectContaining({ code: ErrorCode.TOKEN_EXPIRED }),
    );
  });

  it('a token signed with another secret is refused', () => {
    const { token } = new TokenService('another-secret-0123456789abcdefghijkl').issue(spec, NOW);
    expect(() => tokens.verify(token, NOW)).toThrow(expect.objectContaining({ code: ErrorCode.UNAUTHENTICATED }));
  });

  it('an unsigned token (alg: none) is refused', () => {
    const { claims } = tokens.issue(spec, NOW);
    const unsigned = jwt.sign(claims, '', { algorithm: 'none' });
    expect(() => tokens.verify(unsigned, NOW)).toThrow(expect.objectContaining({ code: ErrorCode.UNAUTHENTICATED }));
    // Hand-made: header alg none with the real secret's signature stripped.
    const [, payload] = tokens.issue(spec, NOW).token.split('.');
    const forged = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    expect(() => tokens.verify(forged, NOW)).toThrow(expect.objectContaining({ code: ErrorCode.UNAUTHENTICATED }));
  });

  it('a token signed with another algorithm is refused even with the right secret', () => {
    const { claims } = tokens.issue(spec, NOW);
    const hs512 = jwt.sign(claims, SECRET, { algorithm: 'HS512' });
    expect(() => tokens.verify(hs512, NOW)).toThrow(expect.objectContaining({ code: ErrorCode.UNAUTHENTICATED }));
  });

  it('a token without an expiry is refused', () => {
    const { claims } = tokens.issue(spec, NOW);
    const { exp: _exp, ...rest } = claims;
    const eternal = jwt.sign(rest, SECRET, { algorithm: 'HS256' });
    expect(() => tokens.verify(eternal, NOW)).toThrow(expect.objectContaining({ code: ErrorCode.UNAUTHENTICATED }));
  });

  it('a token for another session cannot join this one', () => {
    const session = newSession({ id: 'other', title: 'Other', siteNames: ['Daraa'] }, NOW);
    const claims = tokens.verify(tokens.issue(spec, NOW).token, NOW);
    expect(joinRefusal(session, claims, false)).toMatchObject({ code: ErrorCode.FORBIDDEN });
  });
});

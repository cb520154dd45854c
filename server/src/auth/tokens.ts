import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import {
  ErrorCode,
  TOKEN_ALGORITHM,
  TOKEN_ISSUER,
  TokenClaimsSchema,
  type Role,
  type SessionId,
  type SiteId,
  type TokenClaims,
} from '@concord/shared';
import { AuthError } from '../errors.js';

export interface InviteSpec {
  sessionId: SessionId;
  siteId: SiteId | null;
  role: Role;
  displayName: string;
  ttlSeconds: number;
  /** The region whose nodes the participant should connect to. */
  region?: string | undefined;
  /**
   * The invite's identity, when it must stay the same across issues (the demo's seats, so that
   * links printed again open the same places and the same chair). Default: a new random one.
   */
  subject?: string | undefined;
}

/** Signs and verifies invite tokens. The algorithm is pinned: `none` and others are refused. */
export class TokenService {
  constructor(private readonly secret: string) {}

  issue(spec: InviteSpec, nowMs: number = Date.now()): { token: string; claims: TokenClaims } {
    const iat = Math.floor(nowMs / 1000);
    const claims: TokenClaims = {
      // One subject per invite: chair rights and a participant's place follow it.
      sub: spec.subject ?? `inv_${randomBytes(9).toString('base64url')}`,
      name: spec.displayName,
      sid: spec.sessionId,
      site: spec.siteId,
      role: spec.role,
      iss: TOKEN_ISSUER,
      iat,
      exp: iat + spec.ttlSeconds,
      ...(spec.region === undefined ? {} : { region: spec.region }),
    };
    const token = jwt.sign(claims, this.secret, { algorithm: TOKEN_ALGORITHM });
    return { token, claims };
  }

  /** Verifies signature, algorithm, issuer and expiry, then the claim set against the strict schema. */
  verify(token: string, nowMs: number = Date.now()): TokenClaims {
    let decoded: unknown;
    try {
      decoded = jwt.verify(token, this.secret, {
        algorithms: [TOKEN_ALGORITHM],
        issuer: TOKEN_ISSUER,
        clockTimestamp: Math.floor(nowMs / 1000),
      });
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) {
        throw new AuthError(ErrorCode.TOKEN_EXPIRED, 'the invite has expired');
      }
      throw new AuthError(ErrorCode.UNAUTHENTICATED, 'invalid token');
    }
    const parsed = TokenClaimsSchema.safeParse(decoded);
    if (!parsed.success) {
      throw new AuthError(ErrorCode.UNAUTHENTICATED, 'token claims are malformed');
    }
    // jsonwebtoken skips the expiry check when `exp` is absent; the schema requires it,
    // so a token without one has already been refused above.
    return parsed.data;
  }
}

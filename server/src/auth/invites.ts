import type { InviteWire, Role, SessionId, SiteId } from '@concord/shared';
import type { TokenService } from './tokens.js';

/** Issues invite links: a signed token in the URL fragment, so it never reaches server logs. */
export class InviteService {
  constructor(
    private readonly tokens: TokenService,
    private readonly baseUrl: () => string,
    private readonly defaultTtlSeconds: number,
  ) {}

  invite(spec: {
    sessionId: SessionId;
    siteId: SiteId | null;
    role: Role;
    displayName: string;
    ttlSeconds?: number | undefined;
    region?: string | undefined;
    subject?: string | undefined;
  }): InviteWire {
    const { token, claims } = this.tokens.issue({ ...spec, ttlSeconds: spec.ttlSeconds ?? this.defaultTtlSeconds });
    return {
      role: claims.role,
      siteId: claims.site,
      displayName: claims.name,
      region: claims.region ?? null,
      token,
      url: `${this.baseUrl()}/join#token=${token}`,
      expiresAt: claims.exp * 1000,
    };
  }
}

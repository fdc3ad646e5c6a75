import { createPrivateKey, createPublicKey, type KeyObject, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Caller } from '../http/types';

/** Audiences Entra puts in Graph tokens: the resource URI (v1 tokens) or the resource app id. */
export const graphAudiences = [
  'https://graph.microsoft.com',
  '00000003-0000-0000-c000-000000000000',
] as const;

/**
 * The Bot Connector service's resource: a bot asks for `https://api.botframework.com/.default` with its own
 * app registration to call the channel ("Authentication with the Bot Connector API", Learn).
 */
export const botFrameworkAudience = 'https://api.botframework.com';

/** What Entra gives an access token by default: about an hour (`expires_in` 3599). */
export const defaultTokenLifetimeSeconds = 3599;

/**
 * Microsoft Teams' desktop/mobile client: one of the two client ids a bot's app registration pre-authorizes
 * for `access_as_user` (Teams developer docs, "Configure your app in Microsoft Entra ID" for bot SSO).
 */
export const teamsClientAppId = '1fec8e78-bce4-4aaf-ab1b-5451cc387264';

/** A verified token issued by this tenant to someone else than Graph (Bot Framework, a bot's own API). */
export type ForeignTokenCheck =
  | { ok: true; claims: { oid: string; appid: string; iat: number; scp: string; idtyp: string } }
  | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'audience' | 'invalid' };

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

export type TokenCheck = { ok: true; caller: Caller } | { ok: false; message: string };

interface AccessTokenClaims {
  tid?: string;
  oid?: string;
  appid?: string;
  idtyp?: string;
  roles?: string[];
  scp?: string;
  upn?: string;
}

/**
 * Issues and verifies access tokens shaped like Entra's v1.0 Graph tokens (`iss` sts.windows.net, `aud`
 * graph, `tid`, `oid`, `appid`, `roles` for app-only, `scp` for delegated), signed RS256 with the
 * simulator's key.
 */
export class TokenService {
  private readonly issuer: string;
  /**
   * The signing key, parsed once: given the PEM text, jsonwebtoken would parse it again for every token it
   * signs or checks, which made key parsing the simulator's largest cost under load.
   */
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  /**
   * The lifetime of the access tokens the token endpoint issues from now on (`PUT /_sim/token-lifetime`), so
   * that a test can make a client's cached token expire without waiting an hour. Tokens already issued keep
   * theirs, as in Entra.
   */
  accessTokenLifetimeSeconds = defaultTokenLifetimeSeconds;

  constructor(
    signingKeyPem: string,
    private readonly keyId: string,
    private readonly tenantId: string,
  ) {
    this.issuer = `https://sts.windows.net/${tenantId}/`;
    this.privateKey = createPrivateKey(signingKeyPem);
    this.publicKey = createPublicKey(this.privateKey);
  }

  /**
   * An app-only token for `audience` (Graph unless told otherwise). `roles` are the application permissions
   * granted on that resource; the Bot Framework resource has none to grant, so its tokens carry none.
   */
  issueAppToken(
    app: { appId: string; servicePrincipalId: string; roles: string[] },
    usedCertificate: boolean,
    audience: string = graphAudiences[0],
  ): IssuedToken {
    return this.sign({
      aud: audience,
      appid: app.appId,
      appidacr: usedCertificate ? '2' : '1',
      idp: this.issuer,
      idtyp: 'app',
      oid: app.servicePrincipalId,
      sub: app.servicePrincipalId,
      roles: app.roles.length > 0 ? app.roles : undefined,
    });
  }

  issueUserToken(
    app: { appId: string },
    user: {
      id: string;
      userPrincipalName: string;
      displayName: string;
      givenName: string | null;
      surname: string | null;
    },
    scopes: string[],
  ): IssuedToken {
    return this.sign({
      aud: graphAudiences[0],
      appid: app.appId,
      appidacr: '0',
      amr: ['pwd'],
      idtyp: 'user',
      name: user.displayName,
      given_name: user.givenName ?? undefined,
      family_name: user.surname ?? undefined,
      oid: user.id,
      sub: user.id,
      upn: user.userPrincipalName,
      unique_name: user.userPrincipalName,
      scp: scopes.join(' '),
    });
  }

  /**
   * The token Entra gives the Teams client for a bot's exposed API (`api://botid-{appId}`, scope
   * `access_as_user`), which Teams sends in `signin/tokenExchange`. `lifetimeSeconds` may be negative (expired).
   */
  issueTeamsSsoToken(
    user: { id: string; userPrincipalName: string; displayName: string },
    audience: string,
    lifetimeSeconds: number = defaultTokenLifetimeSeconds,
  ): IssuedToken {
    return this.sign(
      {
        aud: audience,
        appid: teamsClientAppId,
        appidacr: '0',
        amr: ['pwd'],
        idtyp: 'user',
        name: user.displayName,
        oid: user.id,
        sub: user.id,
        upn: user.userPrincipalName,
        unique_name: user.userPrincipalName,
        scp: 'access_as_user',
      },
      lifetimeSeconds,
    );
  }

  /** Checks a bearer token issued by this tenant for `audience` (signature, issuer, lifetime, tenant). */
  verifyForAudience(token: string | undefined, audience: string): ForeignTokenCheck {
    if (!token) return { ok: false, reason: 'missing' };
    if (token.split('.').length !== 3) return { ok: false, reason: 'malformed' };
    let claims: AccessTokenClaims & { iat?: number };
    try {
      claims = jwt.verify(token, this.publicKey, {
        algorithms: ['RS256'],
        audience,
        issuer: this.issuer,
      }) as AccessTokenClaims & { iat?: number };
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) return { ok: false, reason: 'expired' };
      if (error instanceof jwt.JsonWebTokenError && /audience/.test(error.message)) {
        return { ok: false, reason: 'audience' };
      }
      return { ok: false, reason: 'invalid' };
    }
    if (claims.tid !== this.tenantId || !claims.oid || !claims.appid) return { ok: false, reason: 'invalid' };
    return {
      ok: true,
      claims: {
        oid: claims.oid,
        appid: claims.appid,
        iat: claims.iat ?? 0,
        scp: claims.scp ?? '',
        idtyp: claims.idtyp ?? '',
      },
    };
  }

  /** An OpenID Connect id token for the password grant (MSAL builds its account from it). */
  issueIdToken(
    clientId: string,
    issuer: string,
    user: { id: string; userPrincipalName: string; displayName: string },
  ): string {
    const now = Math.floor(Date.now() / 1000);
    return jwt.sign(
      {
        aud: clientId,
        iss: issuer,
        iat: now,
        nbf: now,
        exp: now + defaultTokenLifetimeSeconds,
        name: user.displayName,
        oid: user.id,
        preferred_username: user.userPrincipalName,
        sub: user.id,
        tid: this.tenantId,
        ver: '2.0',
      },
      this.privateKey,
      { algorithm: 'RS256', keyid: this.keyId },
    );
  }

  verify(authorization: string | undefined): TokenCheck {
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
    if (!token) return { ok: false, message: 'Access token is empty.' };
    if (token.split('.').length !== 3) {
      return { ok: false, message: 'CompactToken parsing failed with error code: 80049217' };
    }
    let claims: AccessTokenClaims;
    try {
      claims = jwt.verify(token, this.publicKey, {
        algorithms: ['RS256'],
        audience: [...graphAudiences],
        issuer: this.issuer,
      }) as AccessTokenClaims;
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) {
        return { ok: false, message: 'Lifetime validation failed, the token is expired.' };
      }
      if (error instanceof jwt.JsonWebTokenError && /audience/.test(error.message)) {
        return { ok: false, message: 'Access token validation failure. Invalid audience.' };
      }
      return { ok: false, message: 'Access token validation failure.' };
    }
    if (claims.tid !== this.tenantId || !claims.oid || !claims.appid) {
      return { ok: false, message: 'Access token validation failure.' };
    }
    const caller: Caller =
      claims.idtyp === 'app'
        ? { kind: 'app', appId: claims.appid, objectId: claims.oid, roles: claims.roles ?? [] }
        : {
            kind: 'user',
            appId: claims.appid,
            objectId: claims.oid,
            scopes: (claims.scp ?? '').split(' ').filter(Boolean),
            userPrincipalName: claims.upn ?? '',
          };
    return { ok: true, caller };
  }

  /** The signing key as a JWK, for `jwks_uri`. */
  publicJwk(): Record<string, unknown> {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { kty: 'RSA', use: 'sig', kid: this.keyId, n: jwk.n, e: jwk.e };
  }

  private sign(
    claims: Record<string, unknown>,
    lifetimeSeconds = this.accessTokenLifetimeSeconds,
  ): IssuedToken {
    const now = Math.floor(Date.now() / 1000);
    const accessToken = jwt.sign(
      {
        ...claims,
        iss: this.issuer,
        iat: now,
        nbf: now,
        exp: now + lifetimeSeconds,
        tid: this.tenantId,
        uti: randomUUID(),
        ver: '1.0',
      },
      this.privateKey,
      { algorithm: 'RS256', keyid: this.keyId },
    );
    return { accessToken, expiresIn: lifetimeSeconds };
  }
}

import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import jwt from 'jsonwebtoken';

/** The Bot Framework channel service's token issuer (Learn, "Authentication with the Bot Connector API", step 4). */
export const CHANNEL_ISSUER = 'https://api.botframework.com';
/** The Emulator's issuer, one of botbuilder's `ToBotFromBotOrEmulatorTokenValidationParameters` (Learn, same page). */
export const EMULATOR_ISSUER = 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/';

/** How the metadata and key endpoints answer. */
export type StandInMode = 'up' | 'server-error' | 'no-answer';

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  endorsements?: string[];
}

export interface TokenOptions {
  /** Which key signs: one the JWKS lists (default `channel`), or `foreign` (listed nowhere). */
  key?: 'channel' | 'emulator' | 'foreign' | 'otherChannel';
  /** The header's `kid`; by default the signing key's own (for `foreign`, the channel key's: a forgery). */
  kid?: string;
  /** `none` makes an unsigned token. */
  alg?: 'RS256' | 'none';
}

/**
 * A local stand-in for the Bot Framework's OpenID metadata and signing keys (Learn, "Authentication with the
 * Bot Connector API", steps 2 and 3): `GET /v1/.well-known/openidconfiguration` names `jwks_uri`, whose keys
 * are RSA JWKs with an extra `endorsements` list of the channel ids each key may sign for; botframework-connector
 * refuses a token whose key is not endorsed for the activity's `channelId` (`jwkTokenExtractor.ts`,
 * `endorsementsValidator.ts`). A second document, `/emulator/v2.0/.well-known/openid-configuration`, stands in
 * for Entra's (the Emulator path). Tokens are signed here with chosen claims, key and header.
 */
export class OpenIdStandIn {
  mode: StandInMode = 'up';
  /** Requests answered so far, by path: proves what botbuilder fetched. */
  readonly requests: string[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly keys: Record<NonNullable<TokenOptions['key']>, SigningKey> = {
    channel: signingKey(['msteams', 'webchat', 'emulator']),
    otherChannel: signingKey(['skype']),
    emulator: signingKey(undefined),
    foreign: signingKey(['msteams']),
  };

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<OpenIdStandIn> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const standIn = new OpenIdStandIn(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => standIn.answer(req, res));
    const sockets = standIn.sockets;
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    return standIn;
  }

  /** `ToBotFromChannelOpenIdMetadataUrl`. */
  get channelMetadataUrl(): string {
    return `${this.url}/v1/.well-known/openidconfiguration`;
  }

  /** `ToBotFromEmulatorOpenIdMetadataUrl`. */
  get emulatorMetadataUrl(): string {
    return `${this.url}/emulator/v2.0/.well-known/openid-configuration`;
  }

  /** Claims as the channel service sends them (Learn's example plus `serviceurl`, botbuilder's ServiceUrlClaim). */
  channelClaims(appId: string, serviceUrl: string): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return { serviceurl: serviceUrl, nbf: now - 60, exp: now + 3600, iss: CHANNEL_ISSUER, aud: appId };
  }

  sign(claims: Record<string, unknown>, options: TokenOptions = {}): string {
    const signer = this.keys[options.key ?? 'channel'];
    const kid = options.kid ?? (options.key === 'foreign' ? this.keys.channel.kid : signer.kid);
    if (options.alg === 'none') {
      const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${part({ typ: 'JWT', alg: 'none', kid })}.${part(claims)}.`;
    }
    return jwt.sign(claims, signer.privateKey, {
      algorithm: 'RS256',
      header: { typ: 'JWT', alg: 'RS256', kid, x5t: kid },
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', this.url).pathname;
    this.requests.push(path);
    if (this.mode === 'no-answer') return;
    if (this.mode === 'server-error') {
      res.statusCode = 500;
      res.end();
      return;
    }
    const document = this.documentAt(path);
    if (document === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(document));
  }

  private documentAt(path: string): unknown {
    switch (path) {
      case '/v1/.well-known/openidconfiguration':
        // The shape of login.botframework.com's document (Learn, step 2).
        return {
          issuer: CHANNEL_ISSUER,
          authorization_endpoint: `${this.url}/v1/.well-known/authorize`,
          jwks_uri: `${this.url}/v1/.well-known/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
        };
      case '/v1/.well-known/keys':
        return { keys: [jwkOf(this.keys.channel), jwkOf(this.keys.otherChannel)] };
      case '/emulator/v2.0/.well-known/openid-configuration':
        return { issuer: EMULATOR_ISSUER, jwks_uri: `${this.url}/emulator/discovery/v2.0/keys` };
      case '/emulator/discovery/v2.0/keys':
        return { keys: [jwkOf(this.keys.emulator)] };
      default:
        return undefined;
    }
  }
}

function signingKey(endorsements: string[] | undefined): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: randomUUID(), privateKey, publicKey, endorsements };
}

function jwkOf(key: SigningKey): Record<string, unknown> {
  const { n, e } = key.publicKey.export({ format: 'jwk' });
  return {
    kty: 'RSA',
    use: 'sig',
    kid: key.kid,
    x5t: key.kid,
    n,
    e,
    ...(key.endorsements ? { endorsements: key.endorsements } : {}),
  };
}

import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import { PUBLIC_CLOUD_AUTHORITY } from './clouds';
import { SharedTokenCredential } from './sharedToken';

/** Who an app registration is to Entra: a client secret, a certificate or, with neither, a managed identity. */
export interface AppCredentialConfig {
  tenantId: string;
  /** The app registration's client id; for a managed identity, the user-assigned identity's client id. */
  clientId?: string;
  clientSecret?: string;
  /** PEM file holding the certificate and its private key. */
  clientCertificatePath?: string;
  /** Entra token endpoint host, e.g. `https://login.microsoftonline.com` or the simulator's URL. */
  authorityHost: string;
}

export type AppCredentialKind = 'client secret' | 'certificate' | 'managed identity';

/** Which credential `createAppCredential` builds for this configuration. */
export function appCredentialKind(config: AppCredentialConfig): AppCredentialKind {
  if (config.clientSecret) return 'client secret';
  if (config.clientCertificatePath) return 'certificate';
  return 'managed identity';
}

/**
 * The app-only credential of an app registration. The Graph client signs in with it, and `npm run doctor`
 * asks it for tokens, so that the preflight checks exactly what the bot will do. Its token is shared: callers
 * that ask at the same moment wait for one request to Entra (`SharedTokenCredential`).
 */
export function createAppCredential(config: AppCredentialConfig): TokenCredential {
  return new SharedTokenCredential(identityCredential(config));
}

function identityCredential(config: AppCredentialConfig): TokenCredential {
  const authority = parseHttpsUrl(config.authorityHost, 'authorityHost').href.replace(/\/+$/, '');
  // Instance discovery asks login.microsoftonline.com about the authority; it cannot vouch for any other host.
  const options = {
    authorityHost: authority,
    disableInstanceDiscovery: authority !== PUBLIC_CLOUD_AUTHORITY,
  };
  switch (appCredentialKind(config)) {
    case 'client secret':
      return new ClientSecretCredential(
        config.tenantId,
        requireClientId(config),
        config.clientSecret ?? '',
        options,
      );
    case 'certificate':
      return new ClientCertificateCredential(
        config.tenantId,
        requireClientId(config),
        { certificatePath: config.clientCertificatePath ?? '' },
        options,
      );
    case 'managed identity':
      return config.clientId
        ? new ManagedIdentityCredential({ clientId: config.clientId })
        : new ManagedIdentityCredential();
  }
}

function requireClientId(config: AppCredentialConfig): string {
  if (!config.clientId) {
    throw new Error('Graph connection: clientId is required with a client secret or certificate');
  }
  return config.clientId;
}

/** Both the identity library and the Graph SDK only work over https; fail at start-up, not on first use. */
export function parseHttpsUrl(value: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`Graph connection: ${name} is not a valid URL`);
  }
  if (url.protocol !== 'https:') {
    throw new Error(`Graph connection: ${name} must use https`);
  }
  return url;
}

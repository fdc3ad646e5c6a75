import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import { Client, HTTPMessageHandler, MiddlewareFactory } from '@microsoft/microsoft-graph-client';
import type { Middleware } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { PUBLIC_CLOUD_AUTHORITY, PUBLIC_CLOUD_GRAPH } from './clouds';
import { RequestTimeoutHandler } from './requestTimeout';

/** How the bot reaches Microsoft Graph with its own app-only identity. */
export interface GraphConnectionConfig {
  tenantId: string;
  /** The app registration's client id; for a managed identity, the user-assigned identity's client id. */
  clientId?: string;
  clientSecret?: string;
  /** PEM file holding the certificate and its private key. */
  clientCertificatePath?: string;
  /** Entra token endpoint host, e.g. `https://login.microsoftonline.com` or the simulator's URL. */
  authorityHost: string;
  /** e.g. `https://graph.microsoft.com/` or the simulator's URL. */
  graphBaseUrl: string;
  /** Deadline of each attempt of a Graph request (default 10 s). */
  requestTimeoutMs?: number;
}

export const DEFAULT_GRAPH_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Graph hosts of the national clouds: a token for one of them must name that cloud's resource. Any other host
 * (the simulator) stands in for the public cloud and is asked for a public Graph token.
 */
const GRAPH_CLOUD_HOSTS = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'graph.microsoft.de',
  'microsoftgraph.chinacloudapi.cn',
]);

/**
 * Builds the Graph client the directory uses. Debug logging stays off on purpose: the SDK would print every
 * request, and the PATCH that resets a password carries the temporary password in its body.
 */
export function createGraphClient(config: GraphConnectionConfig): Client {
  const authorityHost = parseHttpsUrl(config.authorityHost, 'authorityHost');
  const graphBaseUrl = parseHttpsUrl(config.graphBaseUrl, 'graphBaseUrl');
  const credential = createCredential(config, authorityHost);
  const graphHost = graphBaseUrl.hostname.toLowerCase();
  const resource = GRAPH_CLOUD_HOSTS.has(graphHost) ? graphBaseUrl.origin : PUBLIC_CLOUD_GRAPH;
  const authProvider = new TokenCredentialAuthenticationProvider(credential, {
    scopes: [`${resource}/.default`],
  });
  return Client.initWithMiddleware({
    middleware: withRequestTimeout(
      MiddlewareFactory.getDefaultMiddlewareChain(authProvider),
      config.requestTimeoutMs ?? DEFAULT_GRAPH_REQUEST_TIMEOUT_MS,
    ),
    baseUrl: graphBaseUrl.href.endsWith('/') ? graphBaseUrl.href : `${graphBaseUrl.href}/`,
    // The SDK attaches the bearer token only to Graph hosts and these; it compares the bare host name.
    customHosts: new Set([graphHost]),
    debugLogging: false,
  });
}

/** The SDK's default chain (auth, retry, redirect, telemetry, HTTP) with a deadline just before the HTTP call. */
function withRequestTimeout(chain: Middleware[], timeoutMs: number): Middleware[] {
  const last = chain.length - 1;
  if (!(chain[last] instanceof HTTPMessageHandler)) {
    throw new Error('Graph client: unexpected default middleware chain');
  }
  return [...chain.slice(0, last), new RequestTimeoutHandler(timeoutMs), chain[last]];
}

function createCredential(config: GraphConnectionConfig, authorityHost: URL): TokenCredential {
  const authority = authorityHost.href.replace(/\/+$/, '');
  // Instance discovery asks login.microsoftonline.com about the authority; it cannot vouch for any other host.
  const options = {
    authorityHost: authority,
    disableInstanceDiscovery: authority !== PUBLIC_CLOUD_AUTHORITY,
  };
  if (config.clientSecret) {
    return new ClientSecretCredential(config.tenantId, requireClientId(config), config.clientSecret, options);
  }
  if (config.clientCertificatePath) {
    return new ClientCertificateCredential(
      config.tenantId,
      requireClientId(config),
      { certificatePath: config.clientCertificatePath },
      options,
    );
  }
  return config.clientId
    ? new ManagedIdentityCredential({ clientId: config.clientId })
    : new ManagedIdentityCredential();
}

function requireClientId(config: GraphConnectionConfig): string {
  if (!config.clientId) {
    throw new Error('Graph connection: clientId is required with a client secret or certificate');
  }
  return config.clientId;
}

/** Both the identity library and the Graph SDK only work over https; fail at start-up, not on first use. */
function parseHttpsUrl(value: string, name: string): URL {
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

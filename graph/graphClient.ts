import { Client, HTTPMessageHandler, MiddlewareFactory } from '@microsoft/microsoft-graph-client';
import type { Middleware } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import type { AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import type { TokenCredential } from '@azure/identity';
import { createAppCredential, parseHttpsUrl, type AppCredentialConfig } from './appCredential';
import { PUBLIC_CLOUD_GRAPH } from './clouds';
import { DelegatedTokenProvider, type AccessTokenSource } from './delegatedToken';
import { RequestBudgetGuard } from './budgetGuard';
import { RequestTimeoutHandler } from './requestTimeout';

/** Where Microsoft Graph is, whoever calls it: the bot with its own identity, or an agent with theirs. */
export interface GraphEndpointConfig {
  /** e.g. `https://graph.microsoft.com/` or the simulator's URL. */
  graphBaseUrl: string;
  /** Deadline of each attempt of a Graph request (default 10 s). */
  requestTimeoutMs?: number;
}

/** How the bot reaches Microsoft Graph with its own app-only identity. */
export interface GraphConnectionConfig extends AppCredentialConfig, GraphEndpointConfig {}

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
 * Builds the Graph client the directory uses, with the bot's own app-only identity. Debug logging stays off on purpose: the SDK would print every
 * request, and the PATCH that resets a password carries the temporary password in its body.
 */
export function createGraphClient(
  config: GraphConnectionConfig,
  credential: TokenCredential = createAppCredential(config),
): Client {
  parseHttpsUrl(config.graphBaseUrl, 'graphBaseUrl');
  const authProvider = new TokenCredentialAuthenticationProvider(credential, {
    scopes: [graphTokenScope(config)],
  });
  return clientFor(config, authProvider);
}

/**
 * A Graph client that calls as the signed-in agent: every request carries the token `accessToken` returns
 * (the agent's delegated token, for Graph's resource), so Entra checks the agent's own role. Same host,
 * per-attempt deadline, retries and budget handling as the bot's own client; a request that must be held to
 * a click's time carries `budgetOptions` as usual. The token goes only to the configured Graph host.
 */
export function createDelegatedGraphClient(
  config: GraphEndpointConfig,
  accessToken: AccessTokenSource,
): Client {
  return clientFor(config, new DelegatedTokenProvider(accessToken));
}

function clientFor(config: GraphEndpointConfig, authProvider: AuthenticationProvider): Client {
  const graphBaseUrl = parseHttpsUrl(config.graphBaseUrl, 'graphBaseUrl');
  const graphHost = graphBaseUrl.hostname.toLowerCase();
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

/** The scope the bot's Graph token is asked for: the national cloud's Graph, or the public one. */
export function graphTokenScope(config: Pick<GraphConnectionConfig, 'graphBaseUrl'>): string {
  const graphBaseUrl = parseHttpsUrl(config.graphBaseUrl, 'graphBaseUrl');
  const resource = GRAPH_CLOUD_HOSTS.has(graphBaseUrl.hostname.toLowerCase())
    ? graphBaseUrl.origin
    : PUBLIC_CLOUD_GRAPH;
  return `${resource}/.default`;
}

/**
 * The SDK's default chain (auth, retry, redirect, telemetry, HTTP) with a deadline just before the HTTP call,
 * and a guard in front that holds the whole request, token included, to its budget.
 */
function withRequestTimeout(chain: Middleware[], timeoutMs: number): Middleware[] {
  const last = chain.length - 1;
  if (!(chain[last] instanceof HTTPMessageHandler)) {
    throw new Error('Graph client: unexpected default middleware chain');
  }
  return [
    new RequestBudgetGuard(),
    ...chain.slice(0, last),
    new RequestTimeoutHandler(timeoutMs),
    chain[last],
  ];
}

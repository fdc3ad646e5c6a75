import {
  AuthenticationHandler,
  Client,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import type { AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import type { TokenCredential } from '@azure/identity';
import { createAppCredential, parseHttpsUrl, type AppCredentialConfig } from './appCredential';
import { BatchingHttpHandler } from './batchingHttpHandler';
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
  return clientFor(config, new AppTokenProvider(credential, [graphTokenScope(config)]));
}

/**
 * The bot's own token for Graph. Not the SDK's `TokenCredentialAuthenticationProvider`, which builds an error
 * object (with its stack) on every call in case it needs one; the credential is shared and keeps the token
 * (`SharedTokenCredential`, bot/app.ts), so this is a map lookup on the hot path.
 */
class AppTokenProvider implements AuthenticationProvider {
  constructor(
    private readonly credential: TokenCredential,
    private readonly scopes: string[],
  ) {}

  async getAccessToken(): Promise<string> {
    const answer = await this.credential.getToken(this.scopes);
    if (!answer?.token) throw new Error('The credential returned no Microsoft Graph token.');
    return answer.token;
  }
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
  const baseUrl = graphBaseUrl.href.endsWith('/') ? graphBaseUrl.href : `${graphBaseUrl.href}/`;
  return Client.initWithMiddleware({
    middleware: middlewareChain(
      authProvider,
      config.requestTimeoutMs ?? DEFAULT_GRAPH_REQUEST_TIMEOUT_MS,
      `${baseUrl}${GRAPH_VERSION}/`,
    ),
    baseUrl,
    defaultVersion: GRAPH_VERSION,
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

/** Only v1.0: beta "is not supported for use in production apps". */
const GRAPH_VERSION = 'v1.0';

/**
 * What each request goes through: a guard holding the whole request, token included, to its budget; the
 * token; the SDK's retry handler (429/503/504 with `Retry-After`); a deadline per attempt; and the HTTP call,
 * which sends reads started together as one JSON batch. Not in the SDK's default chain's place: its redirect
 * handler (Graph's directory endpoints the bot calls do not redirect, and a redirect is not followed with the
 * token anyway) and its telemetry handler (a version header and a fresh `client-request-id` per request; the
 * bot keeps Graph's own `request-id` of every failure for support).
 */
function middlewareChain(authProvider: AuthenticationProvider, timeoutMs: number, graphRoot: string) {
  const chain = [
    new RequestBudgetGuard(),
    new AuthenticationHandler(authProvider),
    new RetryHandler(new RetryHandlerOptions()),
    new RequestTimeoutHandler(timeoutMs),
    new BatchingHttpHandler(graphRoot),
  ];
  return chain;
}

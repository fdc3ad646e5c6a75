import type { AuthenticationProvider } from '@microsoft/microsoft-graph-client';

/**
 * Supplies the signed-in agent's delegated Microsoft Graph access token. Asked on every request (retries
 * included), so a source that refreshes the token keeps a long click working.
 */
export type AccessTokenSource = () => Promise<string>;

/**
 * The name of the failure raised when the agent's token cannot be had. The Graph SDK wraps whatever the
 * authentication provider throws into a `GraphError` without an HTTP status whose `code` is this name, which
 * is how `graphErrors.ts` tells it from a network failure: nothing was sent.
 */
export const AGENT_TOKEN_UNAVAILABLE = 'AgentTokenUnavailableError';

export class AgentTokenUnavailableError extends Error {
  constructor() {
    // Never the source's own error: it may quote the token or the token service's answer.
    super("The agent's delegated Microsoft Graph token is not available.");
    this.name = AGENT_TOKEN_UNAVAILABLE;
  }
}

/**
 * An `AuthenticationProvider` that hands the SDK the agent's token as it is: no scopes to ask for and no
 * credential of the bot's own. The token is never logged, kept in an error, or cached here.
 */
export class DelegatedTokenProvider implements AuthenticationProvider {
  constructor(private readonly source: AccessTokenSource) {}

  async getAccessToken(): Promise<string> {
    let token: unknown;
    try {
      token = await this.source();
    } catch {
      throw new AgentTokenUnavailableError();
    }
    if (typeof token !== 'string' || token.trim() === '' || /\s/.test(token)) {
      throw new AgentTokenUnavailableError();
    }
    return token;
  }
}

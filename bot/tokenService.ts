import {
  type Activity,
  ConfigurationBotFrameworkAuthentication,
  type Middleware,
  type TurnContext,
} from 'botbuilder';
import type { AgentSignInConfig } from './config';

/** botbuilder's client of the Bot Framework token service (its class is internal to botframework-connector). */
export type UserTokenClient = Awaited<
  ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>
>;
type TokenResponse = Awaited<ReturnType<UserTokenClient['getUserToken']>>;
type SignInUrlResponse = Awaited<ReturnType<UserTokenClient['getSignInResource']>>;
type TokenExchangeRequest = Parameters<UserTokenClient['exchangeToken']>[3];

/** What the bot needs of an Entra credential (an `@azure/identity` TokenCredential fits). */
export interface BearerTokenSource {
  getToken(scope: string): Promise<{ token: string } | null>;
}

/** The bot's app registration asks Entra for this audience to call the Bot Framework's services. */
const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com/.default';

/**
 * The token service client that `OAuthPrompt`, `TeamsSSOTokenExchangeMiddleware` and the bot's own token
 * look-ups use. botbuilder builds one per turn from the inbound authentication, with MSAL credentials that
 * refuse any authority but Microsoft's and do not exist at all when inbound authentication is off (a local
 * client). This one authenticates as the bot's app registration through `@azure/identity`, created once, so
 * that sign-in works the same in Azure, in the demo and against the simulated token service.
 */
export class TokenServiceClient {
  private client: Promise<UserTokenClient> | undefined;

  constructor(
    private readonly settings: Pick<AgentSignInConfig, 'tokenServiceUrl'> & { appId: string },
    private readonly credential: BearerTokenSource,
  ) {}

  async getUserToken(
    userId: string,
    connectionName: string,
    channelId: string,
    magicCode: string | undefined,
  ): Promise<TokenResponse> {
    // botbuilder types magicCode as string but sends it only when set.
    return (await this.inner()).getUserToken(userId, connectionName, channelId, magicCode as string);
  }

  async getSignInResource(
    connectionName: string,
    activity: Activity,
    finalRedirect: string | undefined,
  ): Promise<SignInUrlResponse> {
    return (await this.inner()).getSignInResource(connectionName, activity, finalRedirect as string);
  }

  async signOutUser(userId: string, connectionName: string, channelId: string): Promise<void> {
    await (await this.inner()).signOutUser(userId, connectionName, channelId);
  }

  async exchangeToken(
    userId: string,
    connectionName: string,
    channelId: string,
    exchangeRequest: TokenExchangeRequest,
  ): Promise<TokenResponse> {
    return (await this.inner()).exchangeToken(userId, connectionName, channelId, exchangeRequest);
  }

  /** Puts this client where botbuilder's sign-in pieces look for one, in every turn (proactive ones too). */
  middleware(userTokenClientKey: symbol): Middleware {
    return {
      onTurn: async (context: TurnContext, next: () => Promise<void>) => {
        context.turnState.set(userTokenClientKey, this);
        await next();
      },
    };
  }

  private inner(): Promise<UserTokenClient> {
    this.client ??= this.connect().catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    return this.client;
  }

  private async connect(): Promise<UserTokenClient> {
    const { appId, tokenServiceUrl } = this.settings;
    const credential = this.credential;
    // botbuilder's credentials factory shape, declared by botframework-connector (not a dependency of ours).
    const credentialsFactory = {
      isValidAppId: (id: string) => Promise.resolve(id === appId),
      isAuthenticationDisabled: () => Promise.resolve(false),
      createCredentials: () =>
        Promise.resolve({
          signRequest: async <R extends { headers: { set(name: string, value: string): void } }>(
            request: R,
          ): Promise<R> => {
            const token = await credential.getToken(BOT_FRAMEWORK_SCOPE);
            if (!token) throw new Error('No Bot Framework token for the bot app registration');
            request.headers.set('authorization', `Bearer ${token.token}`);
            return request;
          },
        }),
    } as unknown as ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1];
    const authentication = new ConfigurationBotFrameworkAuthentication(
      { MicrosoftAppId: appId, OAuthUrl: tokenServiceUrl },
      credentialsFactory,
    );
    const claims = [
      { type: 'aud', value: appId },
      { type: 'appid', value: appId },
    ];
    // The client's app id comes from these claims: the bot's own, as in a turn Azure Bot Service sent.
    const identity = {
      claims,
      isAuthenticated: true,
      authenticationType: 'Bearer',
      getClaimValue: (type: string) => claims.find((claim) => claim.type === type)?.value ?? null,
    } as unknown as Parameters<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>[0];
    return authentication.createUserTokenClient(identity);
  }
}

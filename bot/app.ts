import { type CloudAdapter, type Storage, TeamsSSOTokenExchangeMiddleware } from 'botbuilder';
import type { DestinationStream } from 'pino';
import type { Directory } from '../core/directory';
import { PendingActions } from '../core/pendingActions';
import { ResetRateLimits } from '../core/rateLimits';
import type { ResetDependencies } from '../core/resets';
import { prepareCardTemplates } from '../cards';
import { type RequesterSignIn, ResetPasswordDialog } from '../dialogs/resetPasswordDialog';
import { SignInDialog, type SignInChecks } from '../dialogs/signInDialog';
import { createAppCredential } from '../graph/appCredential';
import { createDelegatedGraphClient, createGraphClient, graphTokenScope } from '../graph/graphClient';
import { GraphDelegatedPasswordReset } from '../graph/graphDelegatedPasswordReset';
import { GraphDirectory, directoryMemory } from '../graph/graphDirectory';
import { KeyValuePendingActionStore } from '../storage/keyValuePendingActionStore';
import { KeyValueRateCounterStore } from '../storage/keyValueRateCounterStore';
import type { StateStore } from '../storage/stateStore';
import { createAdapter } from './adapter';
import { AgentTokens } from './agentTokens';
import { BackgroundWork } from './backgroundWork';
import { RecordedAuditLog } from './auditLog';
import { CardActionHandler, type RequesterResets } from './cardActions';
import { ClickBudget, INVOKE_ANSWER_BUDGET_MS, type WorkBudget } from './clickBudget';
import type { AgentSignInConfig, BotConfig } from './config';
import { PerUserConversationState } from './conversationState';
import { type BotSignIn, HelpdeskBot } from './helpdeskBot';
import { createLogger, type Logger } from './logger';
import { OriginCards } from './originCards';
import { PrivateSignIn } from './privateSignIn';
import { Readiness } from './readiness';
import { originOf } from './proactive';
import { teamsRequesters } from './requesters';
import { createHttpServer } from './server';
import { TenantGuard } from './tenantGuard';
import { TokenServiceClient } from './tokenService';
import { describeStore, openStateStore } from './stateStores';
import { StoreUpkeep } from './storeUpkeep';

export interface BotAppOptions {
  /** Where logs go (tests capture them); stdout by default. */
  logDestination?: DestinationStream;
  /**
   * Conversation state, pending card actions, reset counters and the audit trail: the store the configuration
   * names (`STATE_STORE`) unless a test brings one. The app closes it when it stops.
   */
  store?: StateStore;
  directory?: Directory;
  /** The reset limits' clock (tests move it instead of waiting). */
  clock?: () => Date;
  /**
   * How long a click's "Resetting…" answer is given before its card is replaced (1 s by default, what a Teams
   * client needs). Tests over a loopback connector, whose answers arrive at once, shorten it.
   */
  answerLeadMs?: number;
}

export interface BotApp {
  logger: Logger;
  /** Starts listening; resolves to the base URL, e.g. http://127.0.0.1:3978. */
  listen(port?: number): Promise<string>;
  /**
   * Stops taking turns (`/readyz` and `/api/messages` answer 503 from now on), then waits, at most `graceMs`
   * (default 25 s), for requests in flight and work still running after its turn (a reset after its click).
   * `finished` is false when time ran out first.
   */
  close(graceMs?: number): Promise<{ finished: boolean }>;
  /** Resolves when no work is running after its turn. */
  idle(): Promise<void>;
}

/**
 * How long a stopping bot waits for work in flight: under the 30 s Azure Container Apps and Kubernetes give a
 * container between SIGTERM and SIGKILL by default.
 */
export const DEFAULT_SHUTDOWN_GRACE_MS = 25_000;

/** Wires the bot from its configuration. The composition root: nothing else constructs collaborators. */
export function createBotApp(config: BotConfig, options: BotAppOptions = {}): BotApp {
  const logger = createLogger(config.logLevel, options.logDestination);
  // One credential for the directory, the readiness probe and Blob storage, so that they share its token cache.
  const graphCredential = options.directory ? undefined : createAppCredential(config.graph);
  const store =
    options.store ?? openStateStore(config.store, () => graphCredential ?? createAppCredential(config.graph));
  if (!options.store) logger.info(describeStore(config.store), 'state store');
  // A Bot Framework `Storage` as botbuilder's state and middleware use it (the port is that, structurally).
  const storage: Storage = store;
  const audit = new RecordedAuditLog(logger, store.audit, options.clock);
  const upkeep = new StoreUpkeep(store, config.store.auditRetentionDays, logger, options.clock);
  const directoryWithin = directories(config, logger, options.directory, graphCredential);
  const directory = directoryWithin();
  const deps: ResetDependencies = {
    directory,
    pendingActions: new PendingActions(new KeyValuePendingActionStore(storage), options.clock),
    settings: {
      passwordWritebackEnabled: config.passwordWritebackEnabled,
      resetAs: config.resetAs,
      helpdeskGroupId: config.abuseControls.helpdeskGroupId,
      protectedUserIds: config.abuseControls.protectedUserIds,
      protectedGroupIds: config.abuseControls.protectedGroupIds,
    },
    audit,
    verification: config.verification,
    // In the same storage as pending actions: instances that share one share the counts.
    rateLimits: new ResetRateLimits(
      new KeyValueRateCounterStore(storage),
      config.abuseControls.rateLimits,
      options.clock,
    ),
  };

  const adapter = createAdapter(config, logger);
  adapter.use(new TenantGuard(config.tenantId, logger));
  const botAppId = config.botAuthentication?.appId ?? '';
  const readRequester = teamsRequesters(adapter, botAppId, logger);
  const background = new BackgroundWork(logger);
  const agentMode = config.agentSignIn
    ? signInAsAgents(config, config.agentSignIn, adapter, storage, botAppId, logger, (turn, options) =>
        bot.beginSignIn(turn, options),
      )
    : undefined;
  const bot: HelpdeskBot = new HelpdeskBot(
    new PerUserConversationState(storage),
    new ResetPasswordDialog(
      (context) => {
        // A message turn is answered within the same time Teams gives a click answered in its invoke.
        const budget = ClickBudget.start(Math.min(config.clickBudgetMs, INVOKE_ANSWER_BUDGET_MS));
        return {
          requester: readRequester(context, budget.final),
          deps: { ...deps, directory: directoryWithin(budget.directory) },
        };
      },
      logger,
      agentMode?.forDialog,
    ),
    new CardActionHandler(deps, {
      directoryWithin,
      readRequester,
      originCards: new OriginCards(adapter, botAppId, logger),
      background,
      resetAsRequester: agentMode?.forClicks,
      clickBudgetMs: config.clickBudgetMs,
      answerLeadMs: options.answerLeadMs,
      logger,
    }),
    logger,
    agentMode?.forBot,
  );
  let stopping = false;
  const readiness = new Readiness(
    storage,
    graphCredential && { credential: graphCredential, scope: graphTokenScope(config.graph) },
    prepareCardTemplates,
  );
  const server = createHttpServer(adapter, bot, logger, { readiness, stopping: () => stopping });
  upkeep.start();
  let listenerClosed: Promise<void> | undefined;
  const stopListening = (): Promise<void> =>
    (listenerClosed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
    }));

  return {
    logger,
    listen: (port = config.port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, () => {
          const address = server.address();
          resolve(`http://127.0.0.1:${address.port}`);
        });
      }),
    // Resets already answered with "Resetting…" finish and update their cards before the bot stops, for at
    // most `graceMs`: a platform stops waiting for a process after its own grace period.
    close: async (graceMs = DEFAULT_SHUTDOWN_GRACE_MS) => {
      stopping = true;
      // The port stays open while the work finishes, so that a probe or a turn that still arrives is answered
      // 503 as documented (a closed port refuses the connection instead). Then the server closes (requests in
      // flight end first) and the work those requests started finishes too.
      const finished = background
        .idle()
        .then(() => stopListening())
        .then(() => background.idle())
        .then(() => audit.flush())
        .then(() => true);
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      });
      try {
        return { finished: await Promise.race([finished, gaveUp]) };
      } finally {
        clearTimeout(timer);
        void stopListening();
        await upkeep.stop();
        // Work cut short may still write: it fails on a closed store instead of writing half its records.
        await store.close();
      }
    },
    idle: () => background.idle(),
  };
}

/** The directory, and the same held to a time budget (one per click): Graph's, unless tests bring their own. */
function directories(
  config: BotConfig,
  logger: Logger,
  injected: Directory | undefined,
  credential: ReturnType<typeof createAppCredential> | undefined,
): (budget?: WorkBudget) => Directory {
  if (injected) return () => injected;
  const client = createGraphClient(config.graph, credential);
  const memory = directoryMemory();
  // One notice sink for every directory instance (one per click), so each notice is logged once.
  const noticed = new Set<string>();
  const notices = {
    info: (message: string) => {
      if (noticed.has(message)) return;
      noticed.add(message);
      logger.info({ component: 'directory' }, message);
    },
  };
  return (budget) => new GraphDirectory(client, notices, budget, memory);
}

/**
 * Agent mode: agents sign in through the Azure Bot's OAuth connection (Bot Framework token service, Teams
 * single sign-on), and a click resets with the clicker's own token through Graph's `resetPassword`.
 */
function signInAsAgents(
  config: BotConfig,
  signIn: AgentSignInConfig,
  adapter: CloudAdapter,
  storage: Storage,
  botAppId: string,
  logger: Logger,
  beginSignIn: ConstructorParameters<typeof PrivateSignIn>[2],
): { forDialog: RequesterSignIn; forClicks: RequesterResets; forBot: BotSignIn } {
  const tokenService = new TokenServiceClient(
    { tokenServiceUrl: signIn.tokenServiceUrl, appId: signIn.credential.clientId ?? botAppId },
    createAppCredential(signIn.credential),
  );
  adapter.use(tokenService.middleware(adapter.UserTokenClientKey));
  // Teams sends a token exchange to every client of the agent's; only one is exchanged (per instance store).
  adapter.use(new TeamsSSOTokenExchangeMiddleware(storage, signIn.connectionName));
  const tokens = new AgentTokens(tokenService, signIn.connectionName, config.tenantId, logger);
  const checks: SignInChecks = {
    isSendersOwn: (context, token) =>
      tokens.ownerOf(token, context.activity.from?.aadObjectId) === 'requester',
    signOut: async (context) => {
      await tokens.signOut(AgentTokens.holderOf(context));
    },
  };
  const privateSignIn = new PrivateSignIn(adapter, botAppId, beginSignIn, logger);
  return {
    forDialog: {
      dialog: new SignInDialog(signIn.connectionName, checks),
      isSignedIn: async (context) => (await tokens.tokenOf(AgentTokens.holderOf(context))) !== null,
      sendPrivately: (context, whenSignedIn) => privateSignIn.send(originOf(context), whenSignedIn),
    },
    forClicks: {
      tokens,
      privateSignIn,
      within: (budget, token) =>
        new GraphDelegatedPasswordReset(createDelegatedGraphClient(config.graph, token), budget),
    },
    forBot: { dialog: new SignInDialog(signIn.connectionName, checks), tokens },
  };
}

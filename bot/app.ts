import { MemoryStorage, type Storage } from 'botbuilder';
import type { DestinationStream } from 'pino';
import type { Directory } from '../core/directory';
import { PendingActions } from '../core/pendingActions';
import type { ResetDependencies } from '../core/resets';
import { ResetPasswordDialog } from '../dialogs/resetPasswordDialog';
import { createGraphClient } from '../graph/graphClient';
import { GraphDirectory } from '../graph/graphDirectory';
import { KeyValuePendingActionStore } from '../storage/keyValuePendingActionStore';
import { requesterOf } from './activity';
import { createAdapter } from './adapter';
import { LoggerAuditLog } from './auditLog';
import { CardActionHandler } from './cardActions';
import type { BotConfig } from './config';
import { PerUserConversationState } from './conversationState';
import { HelpdeskBot } from './helpdeskBot';
import { createLogger, type Logger } from './logger';
import { TeamsPrivateDelivery } from './privateDelivery';
import { createHttpServer } from './server';
import { TenantGuard } from './tenantGuard';

export interface BotAppOptions {
  /** Where logs go (tests capture them); stdout by default. */
  logDestination?: DestinationStream;
  /** Conversation state and pending card actions; in-memory by default (one instance). */
  storage?: Storage;
  directory?: Directory;
}

export interface BotApp {
  logger: Logger;
  /** Starts listening; resolves to the base URL, e.g. http://127.0.0.1:3978. */
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

/** Wires the bot from its configuration. The composition root: nothing else constructs collaborators. */
export function createBotApp(config: BotConfig, options: BotAppOptions = {}): BotApp {
  const logger = createLogger(config.logLevel, options.logDestination);
  const storage = options.storage ?? new MemoryStorage();
  const directory =
    options.directory ??
    new GraphDirectory(createGraphClient(config.graph), {
      info: (message) => logger.info({ component: 'directory' }, message),
    });
  const deps: ResetDependencies = {
    directory,
    pendingActions: new PendingActions(new KeyValuePendingActionStore(storage)),
    settings: { passwordWritebackEnabled: config.passwordWritebackEnabled },
    audit: new LoggerAuditLog(logger),
  };

  const adapter = createAdapter(config, logger);
  adapter.use(new TenantGuard(config.tenantId, logger));
  const delivery = new TeamsPrivateDelivery(config.botAuthentication?.appId ?? '');
  const bot = new HelpdeskBot(
    new PerUserConversationState(storage),
    new ResetPasswordDialog(deps, requesterOf, logger),
    new CardActionHandler(deps, delivery, logger),
    logger,
  );
  const server = createHttpServer(adapter, bot, logger);

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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

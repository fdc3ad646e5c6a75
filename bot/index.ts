import 'dotenv/config';
import { createBotApp } from './app';
import { ConfigError, DANGEROUS_UNAUTHENTICATED_SWITCH, loadConfig } from './config';

/** `npm start`: the production entry point, configured only by the environment. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Helpdesk Reset cannot start.\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const app = createBotApp(config);
  if (config.botAuthentication === null) {
    app.logger.warn(
      `DANGER: Bot Framework authentication is OFF (${DANGEROUS_UNAUTHENTICATED_SWITCH}=true). Anyone who can reach ` +
        `/api/messages can make this bot post replies, temporary passwords included, to a URL of their choosing. ` +
        `Use this only with a local client such as the Agents Playground.`,
    );
  }
  const url = await app.listen();
  app.logger.info({ url, messagesEndpoint: `${url}/api/messages`, tenantId: config.tenantId }, 'listening');

  // SIGTERM (a deployment, a scale-in): stop taking turns, let the resets in flight finish, then exit 0; 1 if
  // some were still running when the grace period (SHUTDOWN_GRACE_SECONDS) ended (their cards may still say
  // "Resetting…").
  const stop = () => {
    app.logger.info({ graceMs: config.shutdownGraceMs }, 'stopping');
    void app.close(config.shutdownGraceMs).then(({ finished }) => {
      if (!finished) app.logger.warn('stopped with work still running: the grace period ended');
      process.exit(finished ? 0 : 1);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Helpdesk Reset failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

import {
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  TeamsActivityHandler,
} from 'botbuilder';
import { AuthenticationConstants } from 'botframework-connector';
import restify from 'restify';

/**
 * The benchmark's baseline: a bare botbuilder echo bot on the Helpdesk Reset bot's server stack (restify 12
 * with the same body cap, botbuilder's CloudAdapter, Bot Framework authentication configured from the same
 * environment variables), shaped as BotBuilder-Samples' `02.echo-bot` writes it. What the bot costs beyond
 * this is what the bot itself does. Configured by the environment: `PORT`, `MicrosoftAppId`,
 * `MicrosoftAppPassword`, `MicrosoftAppType`, `MicrosoftAppTenantId` and botbuilder's cloud settings.
 */
class EchoBot extends TeamsActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(`Echo: ${context.activity.text ?? ''}`);
      await next();
    });
  }
}

/**
 * botbuilder's settings by their own names, as the samples pass `process.env`, with the public cloud's value
 * for each one not set: given any cloud setting, botbuilder takes them all as given (bot/config.ts does the same).
 */
const env = process.env;
const settings: ConfigurationBotFrameworkAuthenticationOptions = {
  MicrosoftAppId: env.MicrosoftAppId,
  MicrosoftAppPassword: env.MicrosoftAppPassword,
  MicrosoftAppType: env.MicrosoftAppType,
  MicrosoftAppTenantId: env.MicrosoftAppTenantId,
  ChannelService: env.ChannelService ?? '',
  ValidateAuthority: env.ValidateAuthority ?? 'true',
  ToChannelFromBotLoginUrl: env.ToChannelFromBotLoginUrl ?? AuthenticationConstants.ToChannelFromBotLoginUrl,
  ToChannelFromBotOAuthScope:
    env.ToChannelFromBotOAuthScope ?? AuthenticationConstants.ToChannelFromBotOAuthScope,
  ToBotFromChannelTokenIssuer:
    env.ToBotFromChannelTokenIssuer ?? AuthenticationConstants.ToBotFromChannelTokenIssuer,
  ToBotFromChannelOpenIdMetadataUrl:
    env.ToBotFromChannelOpenIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
  ToBotFromEmulatorOpenIdMetadataUrl:
    env.ToBotFromEmulatorOpenIdMetadataUrl ?? AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
  OAuthUrl: env.OAuthUrl ?? AuthenticationConstants.OAuthUrl,
  CallerId: env.CallerId ?? CallerIdConstants.PublicAzureChannel,
};
const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(settings));
adapter.onTurnError = (_context, error) => {
  process.stderr.write(`echo bot: unhandled error in a turn: ${error.name}\n`);
  return Promise.resolve();
};
const bot = new EchoBot();

const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }));
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, (context) => bot.run(context));
});
server.get('/healthz', (_req, res, next) => {
  res.send(200, { status: 'ok' });
  next();
});

server.listen(Number(process.env.PORT ?? 3978), () => {
  process.stdout.write(
    `${JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${server.address().port}` })}\n`,
  );
});
const stop = (): void => {
  server.close(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

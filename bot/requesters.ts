import type { TurnContext } from 'botbuilder';
import type { Requester } from '../core/resets';
import { requesterOf } from './activity';
import type { Logger } from './logger';
import { originOf, type ProactiveAdapter } from './proactive';
import { TeamsPrivateChat } from './privateDelivery';

/** Reads who is asking in a turn, with their private chat; `stop` bounds the connector calls of a click. */
export type ReadRequester = (context: TurnContext, stop?: AbortSignal) => Requester;

/**
 * The requester of a turn, and their 1:1 chat with the bot reached from the turn's conversation reference, so
 * that it still works once the turn has ended.
 */
export function teamsRequesters(adapter: ProactiveAdapter, botAppId: string, logger: Logger): ReadRequester {
  return (context, stop) => ({
    ...requesterOf(context),
    privateChat: new TeamsPrivateChat(adapter, botAppId, originOf(context), logger, stop),
  });
}

import type { CardSetting } from './types';

/** The app's name in the Teams manifest, for when an activity does not say how the bot is called. */
const DEFAULT_BOT_NAME = 'Helpdesk Reset';
const MAX_BOT_NAME = 60;

/**
 * How cards and prompts are presented in a conversation, from what Teams says about it: its
 * `conversationType` ("personal", "groupChat" or "channel") and the bot's name (`recipient.name`).
 */
export function cardSetting(conversationType: unknown, botName: unknown): CardSetting {
  const name = typeof botName === 'string' ? botName.trim() : '';
  const usable = name !== '' && Array.from(name).length <= MAX_BOT_NAME ? name : DEFAULT_BOT_NAME;
  const conversation =
    conversationType === 'channel' || conversationType === 'groupChat' ? conversationType : 'personal';
  return { conversation, mention: `@${usable}` };
}

/**
 * Asks for a typed answer the way it can reach the bot: Teams delivers a message in a channel or group chat
 * only if it @mentions the bot, and in a channel each thread is a conversation of its own, so an answer
 * continues the request only in the same thread.
 */
export function askToType(setting: CardSetting, what: string, examples: string[]): string {
  const { conversation, mention } = setting;
  if (conversation === 'personal') return `Type ${what} (for example ${examples.join(' or ')}).`;
  const where = conversation === 'channel' ? 'Reply in this thread' : 'Reply';
  const mentioned = examples.map((example) => `${mention} ${example}`).join(' or ');
  return `${where} with ${mention} and ${what} (for example ${mentioned}).`;
}

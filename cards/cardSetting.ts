import type { CardSetting } from './types';

/** The app's name in the Teams manifest, for when an activity does not say how the bot is called. */
const DEFAULT_BOT_NAME = 'Helpdesk Reset';
const MAX_BOT_NAME = 60;

/**
 * How cards and prompts are presented in a conversation, from what Teams says about it: its
 * `conversationType` ("personal", "groupChat" or "channel") and the bot's name (`recipient.name`).
 */
export function cardSetting(conversationType: unknown, botName: unknown): CardSetting {
  const shared = conversationType === 'channel' || conversationType === 'groupChat';
  const name = typeof botName === 'string' ? botName.trim() : '';
  const usable = name !== '' && Array.from(name).length <= MAX_BOT_NAME ? name : DEFAULT_BOT_NAME;
  return { conversation: shared ? 'shared' : 'personal', mention: `@${usable}` };
}

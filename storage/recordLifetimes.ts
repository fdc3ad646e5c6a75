import { PENDING_ACTION_LIFETIME_MS } from '../core/pendingActions';
import { LONGEST_RATE_LIMIT_WINDOW_MS } from '../core/rateLimits';
import { PENDING_ACTION_KEY_PREFIX } from './keyValuePendingActionStore';
import { RATE_COUNTER_KEY_PREFIX } from './keyValueRateCounterStore';
import type { RecordLifetimes } from './stateStore';

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * How long after its last write each kind of record is kept. A record outlives its use by a margin, never the
 * reverse: a store's clock and the bot's may differ by a little, and a record swept while still in use would
 * void a card or forget a count.
 */
export const RECORD_LIFETIMES_MS = {
  /**
   * A card's record: its 15 minutes, then an hour in which a late click is still told "expired" or "already
   * used" rather than "no longer valid".
   */
  pendingAction: PENDING_ACTION_LIFETIME_MS + HOUR_MS,
  /** A reset counter: its longest window (a day), after which a counter left alone counts nothing. */
  rateCounter: LONGEST_RATE_LIMIT_WINDOW_MS + 5 * MINUTE_MS,
  /**
   * A person's dialog in one conversation (the question the bot is waiting to have answered): an agent who
   * answers after an idle hour starts again.
   */
  conversationState: HOUR_MS,
  /** Anything else (botbuilder's token-exchange de-duplication, a key of a later version): a day. */
  other: 24 * HOUR_MS,
} as const;

/**
 * Bot Framework conversation state, as `PerUserConversationState` keys it:
 * `<channelId>/conversations/<conversation id>/users/<user id>/state`.
 */
const CONVERSATION_STATE_KEY = /^[^/]+\/conversations\/.+\/users\/.+\/state$/s;

/** The lifetime of a record, by its key. */
export const recordLifetimes: RecordLifetimes = (key) => {
  if (key.startsWith(PENDING_ACTION_KEY_PREFIX)) return RECORD_LIFETIMES_MS.pendingAction;
  if (key.startsWith(RATE_COUNTER_KEY_PREFIX)) return RECORD_LIFETIMES_MS.rateCounter;
  if (CONVERSATION_STATE_KEY.test(key)) return RECORD_LIFETIMES_MS.conversationState;
  return RECORD_LIFETIMES_MS.other;
};

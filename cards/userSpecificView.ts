import { CardVerbs, type AdaptiveCardJson } from './types';

/** The pending action a card stands for: its refresh asks for the viewer's view of this one. */
export type PendingActionKey = { resetId: string } | { selectionId: string };

/**
 * Makes `card` a Universal Actions user-specific view: Teams shows the card as posted to everyone, and the
 * client of each user in `userIds` (at most 60, Teams user ids "29:…") automatically asks the bot for that
 * user's own view with an `adaptiveCard/action` invoke (trigger "automatic") carrying the refresh action.
 * Anyone may also refresh by hand from the message's menu, so the answer is decided on the server, from the
 * pending action, never from who the card was meant for. With no id Teams refreshes for no one
 * automatically and offers everyone the manual refresh (Teams, "Work with Universal Actions for Adaptive
 * Cards", User IDs in refresh; "User Specific Views").
 */
export function withUserSpecificView(
  card: AdaptiveCardJson,
  key: PendingActionKey,
  requesterTeamsId: string | undefined,
): AdaptiveCardJson {
  return {
    ...card,
    refresh: {
      action: { type: 'Action.Execute', verb: CardVerbs.refreshCard, data: key },
      userIds: requesterTeamsId === undefined ? [] : [requesterTeamsId],
    },
  };
}

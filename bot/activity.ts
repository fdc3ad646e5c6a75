import type { Activity, TurnContext } from 'botbuilder';
import { type CardSetting, cardSetting } from '../cards';
import type { Requester } from '../core/resets';

/**
 * What the bot reads from an incoming activity about who is asking and from which tenant. Teams fills these
 * in; the values are still checked for type, as every payload is hostile until shown otherwise.
 */

/** Who a requester is, without the way to reach them (`requesters.ts` adds their private chat). */
export type RequesterIdentity = Omit<Requester, 'privateChat'>;

/** Teams user ids ("29:…") are about 100 characters; anything much longer is not one. */
const MAX_TEAMS_ID = 200;

/**
 * The person asking, by Entra object id (`from.aadObjectId`); the name is for display only, and the Teams
 * user id (`from.id`) only addresses their view of a card.
 */
export function requesterOf(context: TurnContext): RequesterIdentity {
  const from = context.activity.from as { id?: unknown; aadObjectId?: unknown; name?: unknown } | undefined;
  const aadObjectId = typeof from?.aadObjectId === 'string' ? from.aadObjectId : undefined;
  const name = typeof from?.name === 'string' ? from.name.trim() : '';
  const teamsId =
    typeof from?.id === 'string' && from.id !== '' && from.id.length <= MAX_TEAMS_ID ? from.id : undefined;
  return { aadObjectId, name: name || 'the requester', teamsId };
}

/** A 1:1 chat, or a channel or group chat (where everyone sees the cards and replies need an @mention). */
export function cardSettingOf(context: TurnContext): CardSetting {
  const { conversation, recipient } = context.activity;
  return cardSetting(conversation?.conversationType, recipient?.name);
}

/** The tenant Teams says the activity comes from: `channelData.tenant.id`, else `conversation.tenantId`. */
export function readTenantId(activity: Partial<Activity>): string | undefined {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const fromChannelData = channelData?.tenant?.id;
  if (typeof fromChannelData === 'string') return fromChannelData;
  const fromConversation: unknown = activity.conversation?.tenantId;
  return typeof fromConversation === 'string' ? fromConversation : undefined;
}

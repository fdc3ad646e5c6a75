import type { Activity, TurnContext } from 'botbuilder';
import type { Requester } from '../core/resets';

/**
 * What the bot reads from an incoming activity about who is asking and from which tenant. Teams fills these
 * in; the values are still checked for type, as every payload is hostile until shown otherwise.
 */

/** Who a requester is, without the way to reach them (`requesters.ts` adds their private chat). */
export type RequesterIdentity = Omit<Requester, 'privateChat'>;

/** The person asking, by Entra object id (`from.aadObjectId`); the name is for display only. */
export function requesterOf(context: TurnContext): RequesterIdentity {
  const from = context.activity.from as { aadObjectId?: unknown; name?: unknown } | undefined;
  const aadObjectId = typeof from?.aadObjectId === 'string' ? from.aadObjectId : undefined;
  const name = typeof from?.name === 'string' ? from.name.trim() : '';
  return { aadObjectId, name: name || 'the requester' };
}

/** The tenant Teams says the activity comes from: `channelData.tenant.id`, else `conversation.tenantId`. */
export function readTenantId(activity: Partial<Activity>): string | undefined {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const fromChannelData = channelData?.tenant?.id;
  if (typeof fromChannelData === 'string') return fromChannelData;
  const fromConversation: unknown = activity.conversation?.tenantId;
  return typeof fromConversation === 'string' ? fromConversation : undefined;
}

import type { Activity, ConversationReference } from 'botbuilder';

export interface Agent {
  id: string;
  name: string;
  aadObjectId?: string;
}

export const TENANT_ID = '6d1f0c54-2b8e-4f8a-9c3d-7e5a1b2c3d4e';

/** A Teams 1:1 chat between an agent and the bot, as the TestAdapter should address it. */
export function personalChatWith(agent: Agent): ConversationReference {
  return {
    activityId: undefined,
    locale: 'en-US',
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/teams/',
    user: agent,
    bot: { id: '28:bot', name: 'Helpdesk Reset' },
    conversation: {
      id: `a:personal-${agent.id}`,
      isGroup: false,
      conversationType: 'personal',
      name: '',
      tenantId: TENANT_ID,
    },
  };
}

/** The card (Adaptive Card JSON) attached to a bot reply, or undefined. */
export function cardOf(activity: Partial<Activity> | undefined): Record<string, unknown> | undefined {
  const attachment = activity?.attachments?.[0];
  if (attachment?.contentType !== 'application/vnd.microsoft.card.adaptive') return undefined;
  return attachment.content as Record<string, unknown>;
}

interface CardAction {
  type: string;
  title?: string;
  verb?: string;
  data?: Record<string, unknown>;
}

/** Every Action.Execute in a card, wherever it sits (actions, ActionSets, selectActions). */
export function executeActionsOf(card: unknown): CardAction[] {
  const found: CardAction[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'Action.Execute') found.push(record as unknown as CardAction);
      Object.values(record).forEach(visit);
    }
  };
  visit(card);
  return found;
}

/** An `adaptiveCard/action` invoke, as Teams sends it when a card button is clicked. */
export function cardInvoke(
  verb: string,
  data: Record<string, unknown>,
  replyToId = 'card-activity-1',
): Partial<Activity> {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId,
    channelData: { tenant: { id: TENANT_ID } },
    value: { action: { type: 'Action.Execute', id: 'action', verb, data }, trigger: 'manual' },
  };
}

export const BOT_ACCOUNT = { id: '28:bot', name: 'Helpdesk Reset' };

/** What every activity in a thread of a Teams channel carries, as a TestAdapter template. */
export function channelThread(): Partial<Activity> {
  return {
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/teams/',
    recipient: BOT_ACCOUNT,
    conversation: {
      id: '19:helpdesk@thread.tacv2;messageid=1700000000000',
      conversationType: 'channel',
      isGroup: true,
      tenantId: TENANT_ID,
      name: '',
    },
    channelData: {
      tenant: { id: TENANT_ID },
      team: { id: '19:team@thread.tacv2' },
      channel: { id: '19:helpdesk@thread.tacv2' },
    },
  };
}

/** What every activity in a Teams group chat carries, as a TestAdapter template. */
export function groupChat(): Partial<Activity> {
  return {
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/teams/',
    recipient: BOT_ACCOUNT,
    conversation: {
      id: '19:helpdesk-chat@thread.v2',
      conversationType: 'groupChat',
      isGroup: true,
      tenantId: TENANT_ID,
      name: '',
    },
    channelData: { tenant: { id: TENANT_ID } },
  };
}

/**
 * A message that @mentions the bot, as Teams delivers it: the mention as `<at>…</at>` in the text and as a
 * mention entity (Teams, "Channel and group chat conversations with a bot", Work with mentions).
 */
export function mentioningBot(
  text: string,
  bot: { id: string; name: string } = BOT_ACCOUNT,
): Partial<Activity> {
  const mention = `<at>${bot.name}</at>`;
  return {
    type: 'message',
    text: `${mention} ${text}`,
    textFormat: 'plain',
    entities: [{ type: 'mention', text: mention, mentioned: { id: bot.id, name: bot.name } }],
  };
}

/**
 * Whether Teams would deliver `activity` to the bot: in a channel or a group chat, only a message that
 * @mentions it ("Bots in a group or channel only receive messages when they're mentioned @botname", and not
 * "when someone replies to a message from your bot without @mentioning it": Teams, "Channel and group chat
 * conversations with a bot"); in a 1:1 chat, every message.
 */
export function teamsDelivers(activity: Partial<Activity>, botId: string): boolean {
  const type = activity.conversation?.conversationType;
  if (activity.type !== 'message' || (type !== 'channel' && type !== 'groupChat')) return true;
  return (activity.entities ?? []).some(
    (entity) =>
      entity.type === 'mention' && (entity as { mentioned?: { id?: string } }).mentioned?.id === botId,
  );
}

/** The action a card's `refresh` asks Teams to invoke. */
export interface RefreshAction {
  verb: string;
  data: Record<string, unknown>;
}

/**
 * The refresh Teams runs for `teamsUserId` on its own when it shows `card`: only for the Teams user ids in
 * `refresh.userIds`; anyone else sees the card as posted unless they choose Refresh by hand (Teams, "Work
 * with Universal Actions for Adaptive Cards", User IDs in refresh; "User Specific Views").
 */
export function automaticRefreshFor(card: unknown, teamsUserId: string): RefreshAction | undefined {
  const refresh = (card as { refresh?: { action?: RefreshAction; userIds?: unknown } } | undefined)?.refresh;
  if (refresh?.action === undefined || !Array.isArray(refresh.userIds)) return undefined;
  return refresh.userIds.includes(teamsUserId) ? refresh.action : undefined;
}

/** The refresh anyone can run by hand from the message's menu ("Refresh"), if the card has one. */
export function manualRefreshOf(card: unknown): RefreshAction | undefined {
  return (card as { refresh?: { action?: RefreshAction } } | undefined)?.refresh?.action;
}

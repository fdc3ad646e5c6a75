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

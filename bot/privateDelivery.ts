import {
  CardFactory,
  type ConversationParameters,
  type ConversationReference,
  MessageFactory,
  type TurnContext,
} from 'botbuilder';
import { buildTemporaryPasswordCard } from '../cards';
import type { PendingReset } from '../core/pendingActions';
import type {
  PasswordDeliveryOutcome,
  PrivateChat,
  PrivateChatStatus,
  UnreachableReason,
} from '../core/resets';
import { describeError } from './errorShape';
import type { Logger } from './logger';
import { inProactiveTurn, type ProactiveAdapter } from './proactive';

/** The connector answered with a conversation that is not a 1:1 with the requester. */
export class NotAPrivateChat extends Error {
  constructor() {
    super('The connector did not answer with a 1:1 chat');
    this.name = 'NotAPrivateChat';
  }
}

/** The click's time ran out before the connector answered. */
export class ConnectorTooSlow extends Error {
  constructor() {
    super('The connector did not answer in time');
    this.name = 'ConnectorTooSlow';
  }
}

const REACHABLE: PrivateChatStatus = { reachable: true };

/**
 * The requester's 1:1 chat with the bot in Teams, reached from a conversation reference rather than from a
 * turn, so that it works after the turn that asked for it has ended. The temporary password travels only
 * through here, and never into the conversation the request came from unless that is the 1:1 chat itself.
 *
 * From a channel or group chat, the 1:1 is opened (or found: Teams answers the same id for the same member)
 * with `createConversationAsync`. Whatever goes wrong inside that call's turn is caught here, since the adapter
 * would hand it to `onTurnError` and let the caller believe it worked.
 */
export class TeamsPrivateChat implements PrivateChat {
  /**
   * @param botAppId `MicrosoftAppId`, or '' when Bot Framework authentication is off (local clients).
   * @param origin the conversation the request came from (`originOf`).
   * @param stop when the click's time is up: no connector answer is waited for after it.
   */
  constructor(
    private readonly adapter: ProactiveAdapter,
    private readonly botAppId: string,
    private readonly origin: Partial<ConversationReference>,
    private readonly logger: Logger,
    private readonly stop?: AbortSignal,
  ) {}

  async open(): Promise<PrivateChatStatus> {
    if (this.originIsPrivate()) return REACHABLE;
    try {
      await this.inPrivateChat(() => Promise.resolve());
      return REACHABLE;
    } catch (error) {
      const reason = unreachableReason(error);
      this.logger.warn({ reason, error: describeError(error) }, 'could not open the private chat');
      return { reachable: false, reason };
    }
  }

  async sendTemporaryPassword(
    temporaryPassword: string,
    pending: PendingReset,
    requireMfa: boolean,
  ): Promise<PasswordDeliveryOutcome> {
    const message = MessageFactory.attachment(
      CardFactory.adaptiveCard(
        buildTemporaryPasswordCard({
          targetDisplayName: pending.targetDisplayName,
          targetUserPrincipalName: pending.targetUserPrincipalName,
          temporaryPassword,
          requireMfa,
        }),
      ),
    );
    try {
      // Delivered means the send itself answered; nothing else (a turn that merely ended) counts.
      await this.inPrivateChat((context) => context.sendActivity(message));
      return 'delivered';
    } catch (error) {
      // The error may quote the card it failed to send: its shape only.
      this.logger.error(
        { reason: unreachableReason(error), error: describeError(error) },
        'could not deliver the temporary password privately',
      );
      return 'failed';
    }
  }

  /**
   * Runs `logic` in a turn of the requester's 1:1 chat whose sender is the requester, as if they had written
   * there: what the turn starts (a sign-in prompt) then continues when they answer in that chat.
   */
  async asRequesterInPrivateChat<T>(logic: (context: TurnContext) => Promise<T>): Promise<T> {
    // Not a reply to the message that asked: that message is in another conversation.
    const { activityId: _notAReply, ...origin } = this.origin;
    void _notAReply;
    const reference = this.originIsPrivate()
      ? origin
      : {
          ...origin,
          conversation: {
            id: await this.inPrivateChat((context) => Promise.resolve(context.activity.conversation.id)),
            conversationType: 'personal',
            isGroup: false,
            tenantId: origin.conversation?.tenantId,
          },
        };
    return this.withinTime(
      inProactiveTurn(
        (turn) =>
          this.adapter.continueConversationAsync(
            this.botAppId,
            reference as Partial<ConversationReference>,
            turn,
          ),
        logic,
      ),
    );
  }

  /** Personal means the 1:1 with the sender, the requester: Teams' only conversation of that type. */
  private originIsPrivate(): boolean {
    const conversation = this.origin.conversation;
    return conversation?.conversationType === 'personal' && conversation.isGroup !== true;
  }

  private async inPrivateChat<T>(logic: (context: TurnContext) => Promise<T>): Promise<T> {
    if (this.stop?.aborted) throw new ConnectorTooSlow();
    const origin = this.origin;
    const work = this.originIsPrivate()
      ? inProactiveTurn((turn) => this.adapter.continueConversationAsync(this.botAppId, origin, turn), logic)
      : inProactiveTurn(
          (turn) =>
            this.adapter.createConversationAsync(
              this.botAppId,
              origin.channelId ?? '',
              origin.serviceUrl ?? '',
              // null selects the Bot Framework's default audience (the typings say string, the code accepts null).
              null as unknown as string,
              this.privateChatParameters(),
              turn,
            ),
          async (context) => {
            this.assertPrivate(context.activity.conversation?.id);
            return logic(context);
          },
        );
    return this.withinTime(work);
  }

  /** A 1:1 with exactly the requester, in the origin's tenant (Teams refuses a 1:1 without one). */
  private privateChatParameters(): ConversationParameters {
    const { user, bot, conversation } = this.origin;
    const tenantId = conversation?.tenantId;
    if (!user?.id || !tenantId || !this.origin.serviceUrl) {
      throw new Error('Cannot open a private chat: the activity lacks tenant, sender or service URL');
    }
    return {
      isGroup: false,
      ...(bot && { bot }),
      members: [{ id: user.id, name: user.name }],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    } as ConversationParameters;
  }

  /**
   * Teams answers a 1:1's creation with an `a:` id (the Agents Playground with `…@test.user`): never the
   * conversation the request came from, and never a channel or group chat thread (`19:…@thread.…`).
   */
  private assertPrivate(conversationId: string | undefined): void {
    const origin = this.origin.conversation?.id ?? '';
    const base = (id: string) => id.split(';')[0].toLowerCase();
    if (!conversationId || base(conversationId) === base(origin) || /^19:|@thread\./i.test(conversationId)) {
      throw new NotAPrivateChat();
    }
  }

  private async withinTime<T>(work: Promise<T>): Promise<T> {
    const stop = this.stop;
    if (!stop) return work;
    let onAbort: (() => void) | undefined;
    const expired = new Promise<never>((_, reject) => {
      onAbort = () => reject(new ConnectorTooSlow());
      stop.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([work, expired]);
    } finally {
      if (onAbort) stop.removeEventListener('abort', onAbort);
      // What the connector answers after the click's time is only logged, by its shape.
      work.catch(() => undefined);
    }
  }
}

/** The connector's documented answers (Teams "Status codes from bot conversational APIs"), as reasons. */
export function unreachableReason(error: unknown): UnreachableReason {
  if (error instanceof NotAPrivateChat) return 'not-private';
  const { statusCode, code } = describeError(error);
  if (statusCode === 403) {
    if (code === 'BotNotInConversationRoster') return 'not-installed';
    if (code === 'ConversationBlockedByUser') return 'blocked-by-user';
    if (code === 'BotDisabledByAdmin') return 'disabled-by-admin';
    if (messageWritesBlocked(error)) return 'writes-blocked';
  }
  if (statusCode === 404) return 'not-found';
  return 'unavailable';
}

/**
 * Teams' other documented 403 for a bot's message ("Send proactive messages"): a body of
 * `{"errorCode": 209, "message": "{\"subCode\":\"MessageWritesBlocked\",…}"}`, without the usual `error.code`,
 * when the user blocked or uninstalled the bot. Only the numeric code and the sub-code's name are looked at;
 * the body is never logged.
 */
function messageWritesBlocked(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const body = (error as { response?: { parsedBody?: unknown } }).response?.parsedBody;
  if (typeof body !== 'object' || body === null) return false;
  const { errorCode, message } = body as { errorCode?: unknown; message?: unknown };
  return errorCode === 209 && typeof message === 'string' && message.includes('"MessageWritesBlocked"');
}

import { type ConversationParameters, type ConversationReference, TurnContext } from 'botbuilder';
import { readTenantId } from './activity';

/** A turn's logic, as the adapter runs it. */
export type TurnLogic = (context: TurnContext) => Promise<void>;

/**
 * The adapter calls that reach a conversation outside the turn that asked for it (`CloudAdapter`'s). Both run
 * `logic` in a turn of their own, through the middleware, and hand what it throws to `onTurnError`.
 */
export interface ProactiveAdapter {
  continueConversationAsync(
    botAppId: string,
    reference: Partial<ConversationReference>,
    logic: TurnLogic,
  ): Promise<void>;
  createConversationAsync(
    botAppId: string,
    channelId: string,
    serviceUrl: string,
    audience: string,
    parameters: ConversationParameters,
    logic: TurnLogic,
  ): Promise<void>;
}

/** The adapter's middleware stopped the turn (the tenant guard does so), so its logic never ran. */
export class ProactiveTurnSkipped extends Error {
  constructor() {
    super('The proactive turn did not run its logic');
    this.name = 'ProactiveTurnSkipped';
  }
}

/**
 * Runs `logic` in a turn the adapter starts (`start` is `continueConversationAsync` or
 * `createConversationAsync`) and answers what it returned, or throws what it threw. The adapter hands an error
 * thrown inside such a turn to its `onTurnError` rather than to the caller, so the caller's `await` succeeds
 * whatever happened; and a turn stopped by middleware never runs the logic. Both are caught here.
 */
export async function inProactiveTurn<T>(
  start: (logic: TurnLogic) => Promise<void>,
  logic: (context: TurnContext) => Promise<T>,
): Promise<T> {
  let result: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  await start(async (context) => {
    try {
      result = { ok: true, value: await logic(context) };
    } catch (error) {
      result = { ok: false, error };
    }
  });
  if (result === undefined) throw new ProactiveTurnSkipped();
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * What the bot keeps of a turn to reach its conversation after the turn has ended: a conversation reference,
 * never the TurnContext, which botbuilder revokes when the turn ends. The tenant is copied into the
 * conversation, where the tenant guard looks for it on the proactive turn.
 */
export function originOf(context: TurnContext): Partial<ConversationReference> {
  const reference = TurnContext.getConversationReference(context.activity);
  const tenantId = readTenantId(context.activity);
  if (!tenantId || !reference.conversation) return reference;
  return { ...reference, conversation: { ...reference.conversation, tenantId } };
}

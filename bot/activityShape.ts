import type restify from 'restify';
import { z } from 'zod';
import type { Logger } from './logger';

/**
 * The shape every activity posted to /api/messages must have before botbuilder sees it. botbuilder trusts
 * its input: a missing `type` throws in `validateAndFixActivity` and a `serviceUrl` that is not a string
 * throws in the connector factory, both answered 500 with the error's message. The Bot Framework Activity
 * spec lets a receiver refuse such activities ("Receivers SHOULD reject activities that contain field values
 * whose types do not match the data types described in this specification", A2003, and channels MUST send
 * `type`, `channelId`, `from.id`, `recipient.id`, `conversation.id` and `serviceUrl`), so they are answered
 * 400 here. Field types follow the Microsoft 365 Agents SDK's own `activityZodSchema`
 * (@microsoft/agents-activity); unknown fields pass, as the spec requires (A2005).
 */

/**
 * Ids Teams sends are at most a few hundred characters (our guess from the shapes it documents); a longer one
 * ends up in a Bot Connector URL (`/v3/conversations/{id}/activities/{replyToId}`) that no connector serves.
 */
const MAX_ID = 1_024;
const id = z.string().min(1).max(MAX_ID);
const text = z.string();

/** `from`, `recipient`, a member added or removed: an id, and strings where Teams sends strings. */
const channelAccount = z
  .object({ id, name: text.optional(), aadObjectId: text.optional(), role: text.optional() })
  .passthrough();

/** Where replies go. Only http(s): anything else is not a Bot Connector. */
const serviceUrl = z.string().refine((value) => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'not an http(s) URL');

/** A JSON object (not an array, not null). */
const record = z.record(z.unknown());

/**
 * An entity has a `type`; a mention names who is mentioned, and its text, as botbuilder reads them
 * (`TurnContext.getMentions` lower-cases `type`; `removeMentionText` reads `mentioned.id` and `text`).
 */
const mention = z.object({ mentioned: z.object({ id: z.string() }).passthrough(), text: text.optional() });
const entity = z
  .object({ type: z.string() })
  .passthrough()
  .superRefine((value, context) => {
    if (value.type.toLowerCase() === 'mention' && !mention.safeParse(value).success) {
      context.addIssue({ code: z.ZodIssueCode.custom, message: 'malformed mention' });
    }
  });

const activityShape = z
  .object({
    type: z.string().min(1),
    id: text.max(MAX_ID).optional(),
    name: text.optional(),
    channelId: id,
    serviceUrl,
    from: channelAccount,
    recipient: channelAccount,
    conversation: z
      .object({
        id,
        conversationType: text.optional(),
        isGroup: z.boolean().optional(),
        name: text.optional(),
        // Copied into every reply, where the connector client refuses anything but a string.
        tenantId: text.optional(),
      })
      .passthrough(),
    // The tenant inside is left to the tenant guard, which refuses anything but our tenant id.
    channelData: record.optional(),
    text: text.optional(),
    textFormat: text.optional(),
    locale: text.optional(),
    replyToId: text.max(MAX_ID).optional(),
    timestamp: text.optional(),
    localTimestamp: text.optional(),
    expiration: text.optional(),
    deliveryMode: text.optional(),
    entities: z.array(entity).optional(),
    attachments: z.array(record).optional(),
    membersAdded: z.array(channelAccount).optional(),
    membersRemoved: z.array(channelAccount).optional(),
  })
  .passthrough();

/** Why an activity was refused: a code and the field it names (never the value, which may be anything). */
export interface ShapeProblem {
  reason: 'body-not-an-object' | 'malformed-field' | 'expect-replies-unsupported';
  field?: string;
}

export function shapeProblemOf(body: unknown): ShapeProblem | undefined {
  if (!record.safeParse(body).success) return { reason: 'body-not-an-object' };
  const parsed = activityShape.safeParse(body);
  if (!parsed.success) {
    const path = parsed.error.issues[0]?.path ?? [];
    return { reason: 'malformed-field', field: path.join('.') || undefined };
  }
  // Replies in the HTTP answer instead of through the connector ("expectReplies", Activity spec A3112:
  // "Receivers SHOULD reject activities with deliveryMode of expectReplies if they do not support synchronous
  // responses"). The bot finishes a reset after the click's answer and sends the password later, privately;
  // Teams never asks for it (msteams-docs does not mention it; the Agents Playground offers it as an option).
  if (parsed.data.deliveryMode === 'expectReplies') return { reason: 'expect-replies-unsupported' };
  return undefined;
}

/**
 * A restify handler for /api/messages, before the adapter's: a malformed activity is answered 400 with an
 * empty body and logged by reason and field name, never by content.
 */
export function rejectMalformedActivities(logger: Logger): restify.RequestHandler {
  return (req, res, next) => {
    const problem = shapeProblemOf(req.body as unknown);
    if (!problem) {
      next();
      return;
    }
    logger.warn({ ...problem }, 'rejected a malformed activity');
    res.send(400);
    next(false);
  };
}

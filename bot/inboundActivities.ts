import type { Activity, ActivityHandler } from 'botbuilder';
import type { Request, Response } from 'restify';
import type { InboundCloudAdapter } from './adapter';
import {
  AuthenticationTimedOut,
  type AuthenticationFailure,
  classifyAuthenticationFailure,
} from './authenticationFailures';
import { describeError, stackFramesOf } from './errorShape';
import type { Logger } from './logger';

/**
 * How long checking a token may take. Keys are fetched once a day (or for an unknown key id, at most hourly),
 * by botbuilder with no timeout of its own; a metadata endpoint that never answers would otherwise hold every
 * request. Teams gives an invoke 15 seconds in all.
 */
export const AUTHENTICATION_BUDGET_MS = 5_000;

/**
 * The `/api/messages` handler. The token is checked first, apart from the turn: a refusal is answered 401 or
 * 403, keys that cannot be fetched 503, with an empty body and one log line naming the reason, and neither the
 * middleware nor the bot ever runs for it. A failure after that (a bug) is 500, with an empty body too.
 */
export function inboundActivities(adapter: InboundCloudAdapter, bot: ActivityHandler, logger: Logger) {
  return async (req: Request, res: Response): Promise<void> => {
    const activity = activityIn(req.body);
    if (activity === undefined) {
      logger.warn('refused a request: the body is not an activity');
      answer(res, 400);
      return;
    }
    const authorization = req.headers.authorization;

    let authentication;
    try {
      authentication = await withinBudget(
        adapter.authenticate(activity, typeof authorization === 'string' ? authorization : ''),
      );
    } catch (error) {
      refuse(res, classifyAuthenticationFailure(error), error, activity, logger);
      return;
    }

    try {
      const invokeResponse = await adapter.runTurn(authentication, activity, (context) => bot.run(context));
      answer(res, invokeResponse?.status ?? 200, invokeResponse?.body);
    } catch (error) {
      // The adapter's onTurnError has already handled what the turn threw; this is what it could not.
      logger.error(
        { error: { ...describeError(error), stack: stackFramesOf(error) }, activityType: activity.type },
        'an authenticated activity failed',
      );
      answer(res, 500);
    }
  };
}

function refuse(
  res: Response,
  failure: AuthenticationFailure,
  error: unknown,
  activity: Activity,
  logger: Logger,
): void {
  const fields = { reason: failure.reason, status: failure.status, channelId: activity.channelId };
  if (failure.status === 500) {
    logger.error({ ...fields, error: describeError(error) }, 'could not authenticate an activity');
  } else if (failure.status === 503) {
    logger.error(
      fields,
      'could not authenticate an activity: the Bot Framework signing keys are unavailable',
    );
  } else {
    logger.warn(fields, 'refused an activity: authentication failed');
  }
  answer(res, failure.status);
}

/**
 * The activity in a parsed body, with botbuilder's own fix-up (`validateAndFixActivity` in
 * botbuilder/src/activityValidator.ts, not exported): its timestamps as dates, the raw strings kept.
 */
function activityIn(body: unknown): Activity | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const activity = body as Activity & Record<string, unknown>;
  if (typeof activity.type !== 'string') return undefined;
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    const value: unknown = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      activity[field] = new Date(value);
    }
  }
  return activity;
}

async function withinBudget<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new AuthenticationTimedOut()), AUTHENTICATION_BUDGET_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** An answer with no body unless the turn gave one (an invoke's). */
function answer(res: Response, status: number, body?: unknown): void {
  res.status(status);
  if (body !== undefined) res.send(body);
  res.end();
}

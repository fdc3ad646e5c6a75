import { setTimeout as sleepFor } from 'node:timers/promises';
import { GraphError, ResponseType, type Client, type GraphRequest } from '@microsoft/microsoft-graph-client';
import type { DelegatedPasswordReset, DelegatedResetOptions, DelegatedResetResult } from '../core/directory';
import { isGuid } from '../core/directoryIds';
import { AgentFacingError } from '../core/errors';
import { ownAccountRefused, toAgentFacingError, type GraphCallContext } from './graphErrors';
import {
  graphErrorBodySchema,
  longRunningOperationSchema,
  passwordResetResponseSchema,
} from './graphSchemas';
import { encodePathSegment } from './odata';
import { budgetOptions, type RequestBudget } from './requestBudget';

/** "The ID of the password authentication method … is always 28c10230-6103-485e-b985-444c60001490." */
const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';

/** Both calls run with the agent's delegated token; Learn lists no application permission for either. */
const CALLS = {
  reset: {
    action: 'reset the password',
    access: 'write',
    permission: 'UserAuthenticationMethod.ReadWrite.All',
    caller: 'agent',
  },
  poll: {
    action: 'check on the password reset',
    access: 'read',
    permission: 'UserAuthenticationMethod.ReadWrite.All',
    caller: 'agent',
  },
} as const satisfies Record<string, GraphCallContext>;

/** Where a reset's long-running operation lives (Learn: longRunningOperation, Get). */
const OPERATION_PATH = /^\/(?:v1\.0|beta)\/users\/([^/]+)\/authentication\/operations\/[^/]+$/i;
/** A poll that would leave less than this for its own answer is not worth its wait. */
const SHORTEST_USEFUL_POLL_MS = 500;
/** A budget is the real bound; this only stops an operation that answers "running" at once, forever. */
const MAX_POLLS = 30;

/** How long to wait between polls when Graph sends no `Retry-After`: a short back-off, doubling. */
export interface PollPacing {
  firstDelayMs: number;
  maxDelayMs: number;
  /** Waits `ms`, or rejects when `signal` aborts (the click's budget ran out). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

const DEFAULT_PACING: PollPacing = {
  firstDelayMs: 500,
  maxDelayMs: 4_000,
  sleep: async (ms, signal) => {
    await sleepFor(ms, undefined, { signal });
  },
};

/**
 * A password reset made as the signed-in agent: `POST /users/{id}/authentication/methods/{password method}/resetPassword`
 * with the agent's delegated token (a client from `createDelegatedGraphClient`), so Entra checks the agent's
 * own role. Graph answers 202 with a `Location` to poll; the reset counts as done only when that operation
 * says `succeeded`, and every request and wait stays within `budget` (one click's). The password is never
 * logged, and never kept in an error or its cause.
 */
export class GraphDelegatedPasswordReset implements DelegatedPasswordReset {
  private readonly pacing: PollPacing;

  constructor(
    private readonly client: Client,
    private readonly budget: RequestBudget,
    pacing: Partial<PollPacing> = {},
  ) {
    this.pacing = { ...DEFAULT_PACING, ...pacing };
  }

  async resetPasswordAsRequester(
    userId: string,
    newPassword: string | undefined,
    options: DelegatedResetOptions,
  ): Promise<DelegatedResetResult> {
    if (!isGuid(userId)) throw badUserReference();
    if (userId.toLowerCase() === options.requesterId.toLowerCase()) throw ownAccountRefused();
    if (newPassword !== undefined && (typeof newPassword !== 'string' || newPassword.length === 0)) {
      throw new AgentFacingError('BadInput', 'There is no password to set.', 'Try the reset again.');
    }
    if (this.budget.signal.aborted || Date.now() >= this.budget.deadline) throw outOfTime();
    const accepted = await this.startReset(userId, newPassword);
    await this.waitUntilDone(accepted);
    return { temporaryPassword: accepted.password };
  }

  /** Sends the reset; reads the 202's `Location`, `Retry-After` and, if Entra made it, the password. */
  private async startReset(userId: string, newPassword: string | undefined): Promise<AcceptedReset> {
    const path = `/users/${encodePathSegment(userId)}/authentication/methods/${PASSWORD_METHOD_ID}/resetPassword`;
    let response: Response;
    try {
      // `{}` asks Entra to generate the password (Learn's example 2).
      response = await this.send(
        this.api(path),
        newPassword,
        newPassword === undefined ? {} : { newPassword },
      );
    } catch (error) {
      throw toAgentFacingError(error, CALLS.reset);
    }
    const requestId = requestIdOf(response);
    // 202 today; the first beta answered 200 (graph.md 1.1, "History").
    if (response.status !== 202 && response.status !== 200) {
      throw unconfirmed('it answered in a way the bot does not know', requestId);
    }
    const location = operationUrl(response.headers.get('location'), userId, response.url);
    if (location === null) {
      throw unconfirmed('it did not say where to check on it', requestId);
    }
    let password = newPassword;
    if (password === undefined) {
      const body = passwordResetResponseSchema.safeParse(await jsonOf(response));
      password = body.success ? body.data.generatedPassword : undefined;
      if (password === undefined) {
        throw unconfirmed('it did not return the password it generated', requestId);
      }
    }
    return {
      location,
      password,
      requestId,
      firstWaitMs: retryAfterMs(response) ?? this.pacing.firstDelayMs,
    };
  }

  /**
   * Polls the reset's operation until it succeeded or failed, honouring `Retry-After` (else a short
   * back-off). A wait that does not fit in the budget is not started: the outcome is unknown at once.
   */
  private async waitUntilDone(accepted: AcceptedReset): Promise<void> {
    let backOffMs = this.pacing.firstDelayMs;
    let waitMs = accepted.firstWaitMs;
    let requestId = accepted.requestId;
    for (let poll = 0; poll < MAX_POLLS; poll++) {
      if (
        this.budget.signal.aborted ||
        Date.now() + waitMs + SHORTEST_USEFUL_POLL_MS > this.budget.deadline
      ) {
        throw unconfirmed(
          "the click's time ran out while Microsoft Entra ID was still working on it",
          requestId,
        );
      }
      try {
        await this.pacing.sleep(waitMs, this.budget.signal);
      } catch {
        throw unconfirmed(
          "the click's time ran out while Microsoft Entra ID was still working on it",
          requestId,
        );
      }
      let response: Response;
      try {
        response = await this.send(this.api(accepted.location), accepted.password);
      } catch (error) {
        const mapped = toAgentFacingError(error, CALLS.poll);
        throw unconfirmed('checking on it failed', mapped.requestId ?? requestId, mapped);
      }
      requestId = requestIdOf(response) ?? requestId;
      const operation = longRunningOperationSchema.safeParse(await jsonOf(response));
      if (!operation.success) {
        throw unconfirmed('its answer about the reset could not be read', requestId);
      }
      if (operation.data.status === 'succeeded') return;
      if (operation.data.status === 'failed') throw resetFailed(requestId);
      backOffMs = Math.min(backOffMs * 2, this.pacing.maxDelayMs);
      waitMs = retryAfterMs(response) ?? backOffMs;
    }
    throw unconfirmed('it was still working on it after many checks', requestId);
  }

  /**
   * Sends raw, to read the headers; a non-2xx answer becomes a `GraphError` as the SDK would make it, with
   * Graph's message but never the password in it.
   */
  private async send(request: GraphRequest, password: string | undefined, body?: object): Promise<Response> {
    const raw = request.responseType(ResponseType.RAW);
    const response = (await (body === undefined ? raw.get() : raw.post(body))) as Response;
    if (!response.ok) throw await graphErrorOf(response, password);
    return response;
  }

  private api(path: string): GraphRequest {
    return this.client.api(path).middlewareOptions(budgetOptions(this.budget));
  }
}

interface AcceptedReset {
  location: string;
  /** The password now set: the one supplied, or the one Entra generated. */
  password: string;
  requestId: string | undefined;
  firstWaitMs: number;
}

/**
 * The `Location` if it is an https URL of this user's reset operation on the host that answered the reset
 * (when the response says which: `fetch` does). The SDK would not send the agent's token elsewhere anyway,
 * but the bot does not follow a Location it cannot vouch for.
 */
function operationUrl(location: string | null, userId: string, answeredBy: string): string | null {
  if (location === null) return null;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return null;
  }
  const match = OPERATION_PATH.exec(url.pathname);
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '' || !match) return null;
  if (answeredBy !== '' && URL.canParse(answeredBy) && new URL(answeredBy).origin !== url.origin) return null;
  let user: string;
  try {
    user = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  return user.toLowerCase() === userId.toLowerCase() ? url.href : null;
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds; absent or unreadable: undefined. */
function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  const ms = Number.isNaN(seconds) ? new Date(value).getTime() - Date.now() : seconds * 1000;
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

async function jsonOf(response: Response): Promise<unknown> {
  try {
    const text = await response.text();
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

async function graphErrorOf(response: Response, password: string | undefined): Promise<GraphError> {
  const body = graphErrorBodySchema.safeParse(await jsonOf(response));
  const graphMessage = body.success ? (body.data.error.message ?? '') : '';
  // Graph's messages are for developers and might echo what the request carried.
  const message = password ? graphMessage.split(password).join('[redacted]') : graphMessage;
  const error = new GraphError(response.status, message);
  error.code = body.success ? (body.data.error.code ?? null) : null;
  error.requestId =
    (body.success ? body.data.error.innerError?.['request-id'] : undefined) ?? requestIdOf(response) ?? null;
  error.headers = response.headers;
  return error;
}

function requestIdOf(response: Response): string | undefined {
  const id = response.headers.get('request-id');
  return id !== null && /^[0-9A-Za-z-]{1,64}$/.test(id) ? id : undefined;
}

/** Entra accepted the reset, and the bot cannot tell how it ended: it may have applied. */
function unconfirmed(why: string, requestId: string | undefined, cause?: AgentFacingError): AgentFacingError {
  return new AgentFacingError(
    'GraphUnavailable',
    `Microsoft Entra ID accepted the password reset, but the bot could not confirm that it finished: ${why}.`,
    "The password may have changed. Check the user's last password change in the Microsoft Entra admin center before resetting again.",
    requestId,
    { outcomeUnknown: true, ...(cause ? { cause } : {}) },
  );
}

function resetFailed(requestId: string | undefined): AgentFacingError {
  return new AgentFacingError(
    'GraphUnavailable',
    'Microsoft Entra ID could not complete the password reset, so the password was not changed.',
    'Try again in a few minutes. If it keeps failing, reset the password in the Microsoft Entra admin center.',
    requestId,
  );
}

function outOfTime(): AgentFacingError {
  return new AgentFacingError(
    'TimedOut',
    "The click's time ran out before the password reset started, so nothing was changed.",
    'Try again in a few minutes.',
  );
}

function badUserReference(): AgentFacingError {
  return new AgentFacingError(
    'BadInput',
    'That does not identify a user in the directory.',
    'Search for the user by name or sign-in address.',
  );
}

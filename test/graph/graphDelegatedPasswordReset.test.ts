import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import sinon from 'sinon';
import type { AgentFacingError } from '../../core/errors';
import { GraphDelegatedPasswordReset } from '../../graph/graphDelegatedPasswordReset';
import type { RequestBudget } from '../../graph/requestBudget';
import { FakeGraphTransport, graphError, json } from './fakeGraphTransport';
import { failureOf } from '../support/agentFacingFailure';

const ALEX = 'e1a00000-0000-4000-8000-000000000001';
const MEGAN = 'e1a00000-0000-4000-8000-000000000002';
const METHOD = '28c10230-6103-485e-b985-444c60001490';
const RESET_PATH = `/v1.0/users/${MEGAN}/authentication/methods/${METHOD}/resetPassword`;
const OPERATION_PATH = `/v1.0/users/${MEGAN}/authentication/operations/88e7560c-9ebf-435c-8089-c3998ac1ec51`;
const LOCATION = `https://graph.microsoft.com${OPERATION_PATH}?aadgdc=DUB02P&aadgsu=ssprprod-a`;
const SUPPLIED = 'Supplied-Pw-4kQz!';
const GENERATED = 'Cuyo5459';
const AS_ALEX = { requesterId: ALEX };

function accepted(headers: Record<string, string> = {}, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status: 202,
    headers: { location: LOCATION, 'request-id': 'req-202', 'content-type': 'application/json', ...headers },
  });
}

/** A response as `fetch` returns it, naming the URL that answered (a constructed Response names none). */
function answeredBy(response: Response, url = `https://graph.microsoft.com${RESET_PATH}`): Response {
  Object.defineProperty(response, 'url', { value: url });
  return response;
}

function operation(status: string, headers: Record<string, string> = {}): Response {
  return json(200, { id: '88e7560c-9ebf-435c-8089-c3998ac1ec51', status, statusDetail: null }, headers);
}

/** Answers each poll with the next of `answers`, the last one again once they run out. */
function polls(...answers: Response[]): () => Response {
  let next = 0;
  return () => answers[Math.min(next++, answers.length - 1)].clone();
}

function budgetOf(ms: number): RequestBudget {
  return { signal: new AbortController().signal, deadline: Date.now() + ms };
}

describe('GraphDelegatedPasswordReset', () => {
  let transport: FakeGraphTransport;
  let waits: number[];
  let sut: GraphDelegatedPasswordReset;

  function resetter(budget: RequestBudget = budgetOf(20_000)): GraphDelegatedPasswordReset {
    return new GraphDelegatedPasswordReset(transport.client(), budget, {
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
  }

  beforeEach(() => {
    transport = new FakeGraphTransport();
    waits = [];
    sut = resetter();
  });

  describe('a reset Entra accepts', () => {
    it('posts the supplied password, polls the Location until succeeded, and returns that password', async () => {
      transport
        .on('POST', RESET_PATH, () => answeredBy(accepted()))
        .on('GET', OPERATION_PATH, polls(operation('running'), operation('succeeded')));

      const result = await sut.resetPasswordAsRequester(MEGAN, SUPPLIED, AS_ALEX);

      assert.deepEqual(result, { temporaryPassword: SUPPLIED });
      assert.deepEqual(
        transport.sent.map((r) => `${r.method} ${new URL(r.url).pathname}`),
        [`POST ${RESET_PATH}`, `GET ${OPERATION_PATH}`, `GET ${OPERATION_PATH}`],
      );
      assert.deepEqual(transport.sent[0].body, { newPassword: SUPPLIED });
      assert.equal(transport.sent[1].url, LOCATION, 'the Location as given, query included');
      assert.deepEqual(waits, [500, 1000], 'a short back-off without Retry-After');
    });

    it('posts {} to have Entra generate the password, and returns the one from the 202', async () => {
      transport
        .on(
          'POST',
          RESET_PATH,
          accepted(
            {},
            {
              '@odata.context':
                'https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.passwordResetResponse',
              newPassword: GENERATED,
            },
          ),
        )
        .on('GET', OPERATION_PATH, operation('succeeded'));

      const result = await sut.resetPasswordAsRequester(MEGAN, undefined, AS_ALEX);

      assert.deepEqual(result, { temporaryPassword: GENERATED });
      assert.deepEqual(transport.sent[0].body, {});
    });

    it("reads the first beta's `password` property too", async () => {
      transport
        .on('POST', RESET_PATH, accepted({}, { password: GENERATED }))
        .on('GET', OPERATION_PATH, operation('Succeeded'));

      assert.deepEqual(await sut.resetPasswordAsRequester(MEGAN, undefined, AS_ALEX), {
        temporaryPassword: GENERATED,
      });
    });

    it('honours Retry-After, in seconds or as a date, on the 202 and on each poll', async () => {
      const inTwoSeconds = new Date(Date.now() + 2_000).toUTCString();
      transport
        .on('POST', RESET_PATH, accepted({ 'retry-after': '3' }))
        .on(
          'GET',
          OPERATION_PATH,
          polls(
            operation('notStarted', { 'retry-after': '1' }),
            operation('running', { 'retry-after': inTwoSeconds }),
            operation('succeeded'),
          ),
        );

      await sut.resetPasswordAsRequester(MEGAN, SUPPLIED, AS_ALEX);

      assert.equal(waits.length, 3);
      assert.equal(waits[0], 3_000);
      assert.equal(waits[1], 1_000);
      assert.ok(waits[2] > 0 && waits[2] <= 2_000, `waited ${waits[2]} ms for the date`);
    });
  });

  describe('a reset that ends badly', () => {
    it('reports a failed operation as not changed', async () => {
      transport
        .on('POST', RESET_PATH, accepted())
        .on(
          'GET',
          OPERATION_PATH,
          polls(operation('running'), operation('failed', { 'request-id': 'req-poll' })),
        );

      const error = await failureOf(sut.resetPasswordAsRequester(MEGAN, SUPPLIED, AS_ALEX));

      assert.equal(error.kind, 'GraphUnavailable');
      assert.equal(error.outcomeUnknown, false);
      assert.match(error.message, /not changed/);
      assert.equal(error.requestId, 'req-poll');
    });

    it('does not start a wait that would outlast the budget: the outcome is unknown at once', async () => {
      sut = resetter(budgetOf(5_000));
      transport
        .on('POST', RESET_PATH, accepted())
        .on('GET', OPERATION_PATH, operation('running', { 'retry-after': '10' }));

      const error = await failureOf(sut.resetPasswordAsRequester(MEGAN, SUPPLIED, AS_ALEX));

      assert.equal(error.kind, 'GraphUnavailable');
      assert.equal(error.outcomeUnknown, true);
      assert.deepEqual(waits, [500], 'the 10-second wait was not started');
      assert.equal(transport.sent.length, 2);
    });

    it('gives up as "outcome unknown" when the budget runs out while Entra is still running', async () => {
      sut = new GraphDelegatedPasswordReset(transport.client(), budgetOf(700), {
        firstDelayMs: 50,
        maxDelayMs: 100,
      });
      transport.on('POST', RESET_PATH, accepted()).on('GET', OPERATION_PATH, operation('running'));
      const started = Date.now();

      const error = await failureOf(sut.resetPasswordAsRequester(MEGAN, SUPPLIED, AS_ALEX));

      assert.ok(Date.now() - started < 1_000, `gave up after ${Date.now() - started} ms`);
      assert.equal(error.outcomeUnknown, true);
      assert.match(error.nextStep, /may have changed/);
    });

    it('stops waiting when the budget is aborted during a wait', async () => {
      const controller = new AbortController();
      sut = new GraphDelegatedPasswordReset(transport.client(), {
        signal: controller.signal,
        deadline: Date.now() + 20_000,
      });
      transport.on('POST', RESET_PATH, accepted()).on('GET', OPERATION_PATH, operation('running'));
      setTimeout(() => controller.abort(), 50);
      const started = Date.now();

      const error = await failureOf(sut.resetPasswordAsRequester(MEGAN, SUPPLIED, AS_ALEX));

      assert.ok(Date.now() - started < 1_000);
      assert.equal(error.outcomeUnknown, true);
    });

    it('reports a poll Graph refused as "outcome unknown", with its request id', async () => {
      transport
        .on('POST', RESET_PATH, accepted())
        .on('GET', OPERATION_PATH, graphError(500, 'generalException', 'boom', 'req-500'));

      const error = await failureOf(sut.resetPasswordAsRequester(MEGAN, SUPPLIED, AS_ALEX));

      assert.equal(error.outcomeUnknown, true);
      assert.equal(error.requestId, 'req-500');
    });

    it('sends nothing once the budget is spent: nothing was changed', async () => {
      sut = resetter({ signal: AbortSignal.abort(), deadline: Date.now() });

      const error = await failureOf(sut.resetPasswordAsRequester(MEGAN, SUPPLIED, AS_ALEX));

      assert.equal(error.kind, 'TimedOut');
      assert.equal(error.outcomeUnknown, false);
      assert.equal(transport.sent.length, 0);
    });
  });

  describe('answers the bot cannot read', () => {
    const cases: { name: string; answer: () => Response; poll?: Response; password?: string }[] = [
      { name: 'a 202 without Location', answer: () => new Response(null, { status: 202 }) },
      {
        name: 'a Location over http',
        answer: () => accepted({ location: LOCATION.replace('https:', 'http:') }),
      },
      {
        name: "a Location for another user's operation",
        answer: () => accepted({ location: LOCATION.replace(MEGAN, ALEX) }),
      },
      {
        name: 'a Location that is not an operation',
        answer: () => accepted({ location: `https://graph.microsoft.com/v1.0/users/${MEGAN}` }),
      },
      { name: 'a Location that is not a URL', answer: () => accepted({ location: 'not a url' }) },
      {
        name: 'a Location on another host than the one that answered',
        answer: () =>
          answeredBy(accepted({ location: LOCATION.replace('graph.microsoft.com', 'evil.example') })),
      },
      {
        name: 'a 204 instead of a 202',
        answer: () => new Response(null, { status: 204, headers: { location: LOCATION } }),
      },
      {
        name: 'a 202 without the generated password',
        answer: () => accepted({}, { '@odata.context': 'x' }),
        password: 'generate',
      },
      {
        name: 'a 202 whose body is not JSON',
        answer: () => new Response('<html>', { status: 202, headers: { location: LOCATION } }),
        password: 'generate',
      },
      { name: 'a poll without status', answer: () => accepted(), poll: json(200, { id: 'x' }) },
      {
        name: 'a poll with a state the bot does not know',
        answer: () => accepted(),
        poll: operation('unknownFutureValue'),
      },
      {
        name: 'a poll that is not JSON',
        answer: () => accepted(),
        poll: new Response('ok', { status: 200 }),
      },
    ];
    for (const { name, answer, poll, password } of cases) {
      it(`treats ${name} as "outcome unknown"`, async () => {
        transport.on('POST', RESET_PATH, answer).on('GET', OPERATION_PATH, poll ?? operation('succeeded'));

        const error = await failureOf(
          sut.resetPasswordAsRequester(MEGAN, password === 'generate' ? undefined : SUPPLIED, AS_ALEX),
        );

        assert.equal(error.kind, 'GraphUnavailable');
        assert.equal(error.outcomeUnknown, true);
      });
    }
  });

  describe('refusals', () => {
    it("refuses the agent's own account before calling Graph: self-service reset", async () => {
      const error = await failureOf(
        sut.resetPasswordAsRequester(MEGAN, SUPPLIED, { requesterId: MEGAN.toUpperCase() }),
      );

      assert.equal(error.kind, 'NotResettable');
      assert.match(error.nextStep, /self-service password reset/);
      assert.equal(transport.sent.length, 0);
    });

    it('refuses anything but an object id before calling Graph', async () => {
      const error = await failureOf(sut.resetPasswordAsRequester('../me', SUPPLIED, AS_ALEX));

      assert.equal(error.kind, 'BadInput');
      assert.equal(transport.sent.length, 0);
    });

    const refusals: { name: string; answer: Response; kind: string; says: RegExp; next?: RegExp }[] = [
      {
        name: "403: the agent's own role does not cover the user",
        answer: graphError(
          403,
          'Authorization_RequestDenied',
          'Insufficient privileges to complete the operation.',
        ),
        kind: 'NotAllowed',
        says: /the bot now acts with your own Entra role, not its own, and your role does not cover this user/,
        next: /Privileged Authentication Administrator/,
      },
      {
        name: "401: the agent's sign-in expired",
        answer: graphError(401, 'InvalidAuthenticationToken', 'Access token has expired.'),
        kind: 'SignInRequired',
        says: /Your sign-in/,
        next: /Sign in to the bot again/,
      },
      {
        name: "400: the caller's own account",
        answer: graphError(
          400,
          'badRequest',
          "The password of the signed-in user's own account cannot be reset with this API; use changePassword.",
        ),
        kind: 'NotResettable',
        says: /your own password/,
        next: /self-service password reset/,
      },
      {
        name: '400: password writeback is off',
        answer: graphError(400, 'badRequest', 'Password writeback is not enabled for this tenant.'),
        kind: 'OnPremisesMastered',
        says: /on-premises Active Directory/,
        next: /password writeback turned on.*managed \(not federated\) domain.*review the user's AdminCount attribute in on-premises AD/,
      },
      {
        name: '400: a synced user needs a supplied password',
        answer: graphError(
          400,
          'badRequest',
          'A newPassword is required for users whose password is mastered on-premises.',
        ),
        kind: 'OnPremisesMastered',
        says: /on-premises/,
        next: /AdminCount/,
      },
      {
        name: '400: a federated domain',
        answer: graphError(
          400,
          'Request_BadRequest',
          'Password operations are not supported for users in a federated domain. Change the password in the identity provider that federates the domain.',
        ),
        kind: 'NotResettable',
        says: /federated/,
      },
      {
        name: '400: the password policy refused the password',
        answer: graphError(
          400,
          'Request_BadRequest',
          'The specified password does not comply with password complexity requirements. Please provide a different password.',
        ),
        kind: 'PasswordRejected',
        says: /did not accept/,
      },
      {
        name: '400: anything else',
        answer: graphError(400, 'badRequest', 'Something new.'),
        kind: 'GraphUnavailable',
        says: /did not accept the bot's request/,
      },
      {
        name: '429: throttled',
        answer: graphError(429, 'TooManyRequests', 'Please retry again later.'),
        kind: 'Throttled',
        says: /busy/,
      },
    ];
    for (const { name, answer, kind, says, next } of refusals) {
      it(`maps ${name}`, async () => {
        transport.on('POST', RESET_PATH, answer);

        const error = await failureOf(sut.resetPasswordAsRequester(MEGAN, SUPPLIED, AS_ALEX));

        assert.equal(error.kind, kind);
        assert.match(error.message, says);
        if (next) assert.match(error.nextStep, next);
        assert.equal(error.requestId, 'req-1234');
        assert.equal(error.outcomeUnknown, false, 'Graph refused it: nothing changed');
        assert.equal(transport.sent.length, 1, 'no poll after a refusal');
      });
    }

    it('reports a 5xx on the reset itself as "outcome unknown"', async () => {
      transport.on('POST', RESET_PATH, graphError(500, 'generalException', 'boom'));

      const error = await failureOf(sut.resetPasswordAsRequester(MEGAN, SUPPLIED, AS_ALEX));

      assert.equal(error.outcomeUnknown, true);
    });
  });

  describe('the password', () => {
    afterEach(() => sinon.restore());

    it('appears in no error, cause included, and in no log, whatever Graph answers', async () => {
      const consoleCalls = (['log', 'info', 'warn', 'error', 'debug'] as const).map((name) =>
        sinon.spy(console, name),
      );
      // Graph's messages could echo the password in force: the one sent, or, once Entra made one, that one.
      let sent: string | undefined;
      const echoes = (status: number, code: string, known = sent ?? 'nothing'): Response =>
        graphError(status, code, `Refused the password ${known} for the password writeback.`);
      const generated = (headers: Record<string, string> = {}): Response =>
        accepted(headers, { newPassword: GENERATED });
      const scripts: ((t: FakeGraphTransport) => void)[] = [
        (t) => t.on('POST', RESET_PATH, echoes(400, 'badRequest')),
        (t) => t.on('POST', RESET_PATH, echoes(403, 'Authorization_RequestDenied')),
        (t) => t.on('POST', RESET_PATH, echoes(500, 'generalException')),
        (t) =>
          t
            .on('POST', RESET_PATH, generated())
            .on('GET', OPERATION_PATH, echoes(404, 'notFound', sent ?? GENERATED)),
        (t) =>
          t
            .on('POST', RESET_PATH, generated())
            .on('GET', OPERATION_PATH, echoes(401, 'InvalidAuthenticationToken', sent ?? GENERATED)),
        (t) => t.on('POST', RESET_PATH, generated()).on('GET', OPERATION_PATH, operation('failed')),
        (t) => t.on('POST', RESET_PATH, generated()).on('GET', OPERATION_PATH, operation('weird')),
        (t) => t.on('POST', RESET_PATH, generated({ location: 'nope' })),
      ];
      const errors: AgentFacingError[] = [];
      for (const script of scripts) {
        for (const password of [SUPPLIED, undefined]) {
          sent = password;
          transport = new FakeGraphTransport();
          script(transport);
          errors.push(await failureOf(resetter().resetPasswordAsRequester(MEGAN, password, AS_ALEX)));
        }
      }

      assert.equal(errors.length, 16);
      for (const error of errors) {
        const everything = `${inspect(error, { depth: Infinity, showHidden: true })} ${JSON.stringify(error)} ${error.message} ${error.nextStep}`;
        assert.ok(!everything.includes(SUPPLIED), `the supplied password in ${error.message}`);
        assert.ok(!everything.includes(GENERATED), `the generated password in ${error.message}`);
      }
      for (const spy of consoleCalls) sinon.assert.notCalled(spy);
    });
  });
});

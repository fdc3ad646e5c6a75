import assert from 'node:assert/strict';
import { UsernamePasswordCredential } from '@azure/identity';
import { generateTemporaryPassword } from '../../core/passwords/temporaryPassword';
import { createDelegatedGraphClient } from '../../graph/graphClient';
import { GraphDelegatedPasswordReset } from '../../graph/graphDelegatedPasswordReset';
import type { RequestBudget } from '../../graph/requestBudget';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { failureOf } from '../support/agentFacingFailure';
import { simulatorControl } from '../support/simulatorControl';

/**
 * The reset made as the signed-in agent, against the simulated tenant's delegated `resetPassword` over HTTPS,
 * with a real delegated token of a demo user (the simulator's password grant stands in for the token the
 * Bot Framework token service will hand over). Run with NODE_EXTRA_CA_CERTS=.sim-state/ca.pem.
 */
const id = (nn: string): string => `e1a00000-0000-4000-8000-0000000000${nn}`;
const ALEX = id('01');
const MEGAN = id('02');
const PATTI = id('05');
const PRADEEP_SYNCED = id('10');
const IRVIN_FEDERATED = id('12');
const BOT_APP_ID = '3f2c8a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7';
const INITIAL_PASSWORD = 'Sim-Initial-7f3Q!';
const AS_ALEX = { requesterId: ALEX };

interface SignIn {
  signedIn: boolean;
  passwordChangeRequired: boolean;
}

describe('GraphDelegatedPasswordReset against the simulated tenant', function () {
  this.timeout(30_000);

  let simulator: RunningSimulator;
  let alexToken: () => Promise<string>;

  const control = (method: string, path: string, body?: unknown) =>
    simulatorControl(simulator, method, `/_sim/${path}`, body);

  async function signIn(userPrincipalName: string, password: string): Promise<SignIn> {
    return simulatorControl<SignIn>(simulator, 'POST', '/_sim/signin', { userPrincipalName, password });
  }

  function budgetOf(ms: number): RequestBudget {
    return { signal: AbortSignal.timeout(ms), deadline: Date.now() + ms };
  }

  /** Alex Wilber (Helpdesk Administrator) resetting, held to one click's budget. */
  function asAlex(budget: RequestBudget = budgetOf(20_000), token = alexToken): GraphDelegatedPasswordReset {
    const client = createDelegatedGraphClient(
      { graphBaseUrl: simulator.url, requestTimeoutMs: 10_000 },
      token,
    );
    return new GraphDelegatedPasswordReset(client, budget, { firstDelayMs: 200 });
  }

  before(async () => {
    simulator = await startSimulator({ port: 0 });
    const credential = new UsernamePasswordCredential(
      simulator.tenantId,
      BOT_APP_ID,
      'alexw@contoso.com',
      INITIAL_PASSWORD,
      { authorityHost: simulator.url, disableInstanceDiscovery: true },
    );
    alexToken = async () => (await credential.getToken('https://graph.microsoft.com/.default')).token;
    // The token is fetched once here, so that the budgets below are Graph's alone.
    await alexToken();
  });

  after(async () => {
    await simulator?.close();
  });

  beforeEach(async () => {
    await control('POST', 'reset');
  });

  it("Alex resets Megan with the bot's password: it signs her in, and she must change it", async () => {
    const password = generateTemporaryPassword();

    const result = await asAlex().resetPasswordAsRequester(MEGAN, password, AS_ALEX);

    assert.deepEqual(result, { temporaryPassword: password });
    assert.deepEqual(await signIn('meganb@contoso.com', password), {
      signedIn: true,
      passwordChangeRequired: true,
      mfaRequired: false,
    });
    const { value } = (await control('GET', 'calls')) as {
      value: { method: string; path: string; caller: { objectId: string } | null }[];
    };
    const resetCalls = value.filter((call) => call.path.includes('/authentication/'));
    assert.deepEqual(
      resetCalls.map((call) => call.method),
      ['POST', 'GET', 'GET'],
      'the reset, then its operation until it succeeded',
    );
    assert.ok(
      resetCalls.every((call) => call.caller?.objectId === ALEX),
      'every call made as Alex',
    );
  });

  it('Alex resets Megan with a password Entra generates, returned to the bot', async () => {
    const { temporaryPassword } = await asAlex().resetPasswordAsRequester(MEGAN, undefined, AS_ALEX);

    const answer = await signIn('meganb@contoso.com', temporaryPassword);
    assert.equal(answer.signedIn, true);
    assert.equal(answer.passwordChangeRequired, true);
  });

  it('refuses Alex on Patti, a Global Administrator: his own role does not cover her', async () => {
    const error = await failureOf(
      asAlex().resetPasswordAsRequester(PATTI, generateTemporaryPassword(), AS_ALEX),
    );

    assert.equal(error.kind, 'NotAllowed');
    assert.match(
      error.message,
      /the bot now acts with your own Entra role, not its own, and your role does not cover this user/,
    );
    assert.ok(error.requestId, "Graph's request id for support");
    assert.equal(error.outcomeUnknown, false);
    assert.equal((await signIn('pattif@contoso.com', INITIAL_PASSWORD)).signedIn, true, 'unchanged');
  });

  it('refuses Alex on himself before calling Graph: self-service password reset', async () => {
    await control('DELETE', 'calls');

    const error = await failureOf(
      asAlex().resetPasswordAsRequester(ALEX, generateTemporaryPassword(), AS_ALEX),
    );

    assert.equal(error.kind, 'NotResettable');
    assert.match(error.nextStep, /self-service password reset/);
    assert.deepEqual(((await control('GET', 'calls')) as { value: unknown[] }).value, []);
  });

  it("maps Graph's own refusal of the caller's account the same way", async () => {
    // As if the bot had been told the wrong requester: Entra still refuses Alex's own account.
    const error = await failureOf(
      asAlex().resetPasswordAsRequester(ALEX, generateTemporaryPassword(), { requesterId: MEGAN }),
    );

    assert.equal(error.kind, 'NotResettable');
    assert.match(error.nextStep, /self-service password reset/);
    assert.equal((await signIn('alexw@contoso.com', INITIAL_PASSWORD)).signedIn, true, 'unchanged');
  });

  it('resets a synced user with a supplied password (writeback is on), and explains when none is supplied', async () => {
    const password = generateTemporaryPassword();
    await asAlex().resetPasswordAsRequester(PRADEEP_SYNCED, password, AS_ALEX);
    assert.equal((await signIn('pradeepg@contoso.com', password)).signedIn, true);

    const error = await failureOf(asAlex().resetPasswordAsRequester(PRADEEP_SYNCED, undefined, AS_ALEX));
    assert.equal(error.kind, 'OnPremisesMastered');
    assert.match(error.nextStep, /password writeback/);
    assert.match(error.nextStep, /review the user's AdminCount attribute in on-premises AD/);
  });

  it('refuses a user of a federated domain', async () => {
    const error = await failureOf(
      asAlex().resetPasswordAsRequester(IRVIN_FEDERATED, generateTemporaryPassword(), AS_ALEX),
    );

    assert.equal(error.kind, 'NotResettable');
    assert.match(error.message, /federated/);
  });

  it("says the agent must sign in again when Graph refuses the agent's token", async () => {
    const error = await failureOf(
      asAlex(budgetOf(20_000), () => Promise.resolve('not-a-token')).resetPasswordAsRequester(
        MEGAN,
        generateTemporaryPassword(),
        AS_ALEX,
      ),
    );

    assert.equal(error.kind, 'SignInRequired');
    assert.equal(error.outcomeUnknown, false);
  });

  it('reports "outcome unknown" when the budget runs out while polling', async () => {
    await control('POST', 'faults', {
      method: 'GET',
      path: '/authentication/operations/',
      kind: 'delay',
      delayMs: 5_000,
      count: 1,
    });
    const password = generateTemporaryPassword();
    const started = Date.now();

    const error = await failureOf(asAlex(budgetOf(1_500)).resetPasswordAsRequester(MEGAN, password, AS_ALEX));

    assert.ok(Date.now() - started < 2_500, `gave up after ${Date.now() - started} ms`);
    assert.equal(error.kind, 'GraphUnavailable');
    assert.equal(error.outcomeUnknown, true);
    assert.ok(!JSON.stringify(error).includes(password) && !error.message.includes(password));
    // The simulator applies the password when it accepts the reset: "unknown" was the honest answer.
    assert.equal((await signIn('meganb@contoso.com', password)).signedIn, true);
  });
});

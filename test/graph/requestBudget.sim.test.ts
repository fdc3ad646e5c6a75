import assert from 'node:assert/strict';
import { createGraphClient } from '../../graph/graphClient';
import { GraphDirectory } from '../../graph/graphDirectory';
import type { RequestBudget } from '../../graph/requestBudget';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { failureOf } from '../support/agentFacingFailure';
import { simulatorControl } from '../support/simulatorControl';

const MEGAN = 'e1a00000-0000-4000-8000-000000000002';
const PASSWORD = 'Budget-Test-7qX!';

/**
 * One click's Graph requests share a time budget, retries and their waits included: the SDK's retry handler
 * would otherwise honour a Retry-After of up to 180 seconds. Against the simulated tenant, whose faults
 * answer 429 with Retry-After as Graph does.
 */
describe('GraphDirectory held to a time budget', function () {
  this.timeout(30_000);

  let simulator: RunningSimulator;
  let client: ReturnType<typeof createGraphClient>;

  const control = (method: string, path: string, body?: unknown) =>
    simulatorControl(simulator, method, `/_sim/${path}`, body);

  async function patches(): Promise<number> {
    const { value } = (await control('GET', 'calls')) as { value: Array<{ method: string }> };
    return value.filter((call) => call.method === 'PATCH').length;
  }

  function budgetOf(ms: number): RequestBudget {
    return { signal: AbortSignal.timeout(ms), deadline: Date.now() + ms };
  }

  before(async () => {
    simulator = await startSimulator({ port: 0 });
    client = createGraphClient({
      tenantId: simulator.tenantId,
      clientId: '3f2c8a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7',
      clientSecret: 'sim-demo-client-secret',
      authorityHost: simulator.url,
      graphBaseUrl: simulator.url,
      requestTimeoutMs: 10_000,
    });
    // The token is fetched once here, so that the timings below are Graph's alone.
    await new GraphDirectory(client).getUser(MEGAN);
  });

  after(async () => {
    await simulator?.close();
  });

  beforeEach(async () => {
    await control('POST', 'reset');
  });

  it('does not wait for a Retry-After longer than what is left: the throttling answer comes back at once', async () => {
    await control('POST', 'faults', {
      method: 'PATCH',
      path: '^/v1\\.0/users/',
      kind: 'status',
      status: 429,
      retryAfterSeconds: 60,
      count: 1,
    });
    const started = Date.now();
    const error = await failureOf(
      new GraphDirectory(client, undefined, budgetOf(10_000)).resetPassword(MEGAN, PASSWORD, {
        requireMfa: false,
      }),
    );
    assert.ok(Date.now() - started < 2_000, `answered in ${Date.now() - started} ms`);
    assert.equal(error.kind, 'Throttled');
    assert.equal(error.outcomeUnknown, false, 'a 429 was not applied');
    assert.match(error.nextStep, /about 1 minute/);
    assert.equal(await patches(), 1, 'no retry');
  });

  it('still retries when the wait fits in what is left', async () => {
    await control('POST', 'faults', {
      method: 'PATCH',
      path: '^/v1\\.0/users/',
      kind: 'status',
      status: 429,
      retryAfterSeconds: 1,
      count: 1,
    });
    await new GraphDirectory(client, undefined, budgetOf(10_000)).resetPassword(MEGAN, PASSWORD, {
      requireMfa: false,
    });
    assert.equal(await patches(), 2);
    const signIn = (await control('POST', 'signin', {
      userPrincipalName: 'meganb@contoso.com',
      password: PASSWORD,
    })) as { signedIn: boolean };
    assert.equal(signIn.signedIn, true);
  });

  it('aborts a hung call when the budget ends, before the per-attempt timeout, as "outcome unknown"', async () => {
    await control('POST', 'faults', {
      method: 'PATCH',
      path: '^/v1\\.0/users/',
      kind: 'delay',
      delayMs: 5_000,
      count: 1,
    });
    const started = Date.now();
    const error = await failureOf(
      new GraphDirectory(client, undefined, budgetOf(1_000)).resetPassword(MEGAN, PASSWORD, {
        requireMfa: false,
      }),
    );
    const took = Date.now() - started;
    assert.ok(took >= 900 && took < 2_500, `gave up after ${took} ms`);
    assert.equal(error.kind, 'GraphUnavailable');
    assert.equal(error.outcomeUnknown, true);
  });

  it('sends nothing once the budget is spent', async () => {
    await control('DELETE', 'calls');
    const spent = { signal: AbortSignal.abort(), deadline: Date.now() };
    await failureOf(new GraphDirectory(client, undefined, spent).getUser(MEGAN));
    const { value } = (await control('GET', 'calls')) as { value: unknown[] };
    assert.deepEqual(value, []);
  });

  it('holds every request of a look-up to the budget, paged role reads included', async () => {
    await control('PUT', 'latency', { ms: 400 });
    const started = Date.now();
    const error = await failureOf(new GraphDirectory(client, undefined, budgetOf(300)).getUserRoles(MEGAN));
    assert.ok(Date.now() - started < 1_500);
    assert.equal(error.kind, 'GraphUnavailable');
  });
});

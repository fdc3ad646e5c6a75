import assert from 'node:assert/strict';
import type { Client } from '@microsoft/microsoft-graph-client';
import { RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { demo, graphFailure, noRetry, SimulatorHarness, userId } from './harness';

interface TimedCall {
  method: string;
  path: string;
  startedAt: number;
  endedAt: number;
  responseBytes?: number;
  scope?: string;
}

interface RecordedCall {
  method: string;
  path: string;
  query: string;
  caller: { kind: string; appId: string; objectId: string } | null;
  status: number;
  viaBatch: boolean;
}

describe('simulator: faults, latency, inspection and control', () => {
  let h: SimulatorHarness;
  let bot: Client;
  before(async () => {
    h = await SimulatorHarness.start();
    bot = h.botClient();
  });
  after(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  const fault = async (spec: Record<string, unknown>): Promise<void> => {
    const { status } = await h.control('POST', 'faults', spec);
    assert.equal(status, 201);
  };

  it('injects 429 with Retry-After on the chosen endpoint for the next N calls only', async () => {
    await fault({
      method: 'GET',
      path: '^/v1.0/users/[^/]+$',
      kind: 'status',
      status: 429,
      retryAfterSeconds: 7,
      count: 1,
    });
    const failure = await graphFailure(
      bot
        .api(`/users/${userId('02')}`)
        .middlewareOptions(noRetry)
        .get(),
    );
    assert.equal(failure.statusCode, 429);
    assert.equal(failure.code, 'TooManyRequests');
    assert.equal(failure.headers?.get('retry-after'), '7');
    assert.ok(
      await bot
        .api(`/users/${userId('02')}`)
        .middlewareOptions(noRetry)
        .get(),
    );
  });

  it("lets the SDK's retry handler recover from a 503 that clears", async () => {
    await fault({ path: '^/v1.0/domains', kind: 'status', status: 503, retryAfterSeconds: 0, count: 2 });
    const domain = (await bot
      .api('/domains/contoso.com')
      .middlewareOptions([new RetryHandlerOptions(0, 3)])
      .get()) as { id: string };
    assert.equal(domain.id, 'contoso.com');
  });

  it('injects 500 generalException', async () => {
    await fault({ path: '^/v1.0/users$', kind: 'status', status: 500, count: 1 });
    const failure = await graphFailure(bot.api('/users').middlewareOptions(noRetry).get());
    assert.equal(failure.statusCode, 500);
  });

  it('drops the connection without an answer', async () => {
    await fault({ path: '^/v1.0/users$', kind: 'drop', count: 1 });
    await assert.rejects(bot.api('/users').middlewareOptions(noRetry).get());
  });

  /** When Megan's sessions were last revoked, as the tenant holds it. */
  const sessionsValidFrom = async (): Promise<unknown> =>
    ((await h.control('GET', `users/${userId('02')}/state`)).json as Record<string, unknown>)
      .signInSessionsValidFromDateTime;
  const revokeMegan = () =>
    bot
      .api(`/users/${userId('02')}/revokeSignInSessions`)
      .middlewareOptions(noRetry)
      .post(undefined);

  it('drops a write without applying it', async () => {
    const before = await sessionsValidFrom();
    await fault({ method: 'POST', path: '/revokeSignInSessions$', kind: 'drop', count: 1 });
    await assert.rejects(revokeMegan());
    assert.equal(await sessionsValidFrom(), before);
  });

  it('with applyFirst, applies a write and then drops its answer', async () => {
    const before = await sessionsValidFrom();
    await fault({ method: 'POST', path: '/revokeSignInSessions$', kind: 'drop', count: 1, applyFirst: true });
    await assert.rejects(revokeMegan());
    assert.notEqual(await sessionsValidFrom(), before);
  });

  it('with applyFirst, applies a write and then answers with the fault status', async () => {
    const before = await sessionsValidFrom();
    await fault({
      method: 'POST',
      path: '/revokeSignInSessions$',
      kind: 'status',
      status: 500,
      count: 1,
      applyFirst: true,
    });
    assert.equal((await graphFailure(revokeMegan())).statusCode, 500);
    assert.notEqual(await sessionsValidFrom(), before);
  });

  it('with applyFirst, applies a write before holding its answer; without, after', async () => {
    await bot.api('/domains').get(); // token acquired outside the measurement
    for (const applyFirst of [true, false]) {
      await h.reset();
      const before = await sessionsValidFrom();
      await fault({
        method: 'POST',
        path: '/revokeSignInSessions$',
        kind: 'delay',
        delayMs: 600,
        count: 1,
        applyFirst,
      });
      const answered = revokeMegan();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(
        (await sessionsValidFrom()) !== before,
        applyFirst,
        `applied while held (applyFirst: ${applyFirst})`,
      );
      await answered;
      assert.notEqual(await sessionsValidFrom(), before);
    }
  });

  it('delays a chosen call, and adds a fixed latency to every Graph call', async () => {
    await bot.api('/domains').get(); // token acquired outside the measurement
    await fault({ path: '^/v1.0/domains$', kind: 'delay', delayMs: 300, count: 1 });
    let started = Date.now();
    await bot.api('/domains').get();
    assert.ok(Date.now() - started >= 290);
    assert.equal((await h.control('PUT', 'latency', { ms: 200 })).status, 200);
    started = Date.now();
    await bot.api('/domains').get();
    assert.ok(Date.now() - started >= 190);
  });

  it("times each call, with its answer's bytes and a token request's scope, never a secret", async () => {
    await h.control('PUT', 'latency', { ms: 100 });
    const before = Date.now();
    const domains: unknown = await h.botClient().api('/domains').get(); // a new client: it asks for a token
    const { json } = await h.control('GET', 'calls');
    const calls = (json as { value: TimedCall[] }).value;

    const token = calls.find((c) => c.path.endsWith('/oauth2/v2.0/token'));
    assert.equal(token?.scope, 'https://graph.microsoft.com/.default');
    assert.ok(!JSON.stringify(json).includes(demo.botSecret), 'no client secret in the call log');
    const graph = calls.find((c) => c.path === '/v1.0/domains');
    assert.ok(graph);
    assert.ok(graph.startedAt >= before - 1 && graph.endedAt <= Date.now() + 1, 'epoch milliseconds');
    assert.ok(graph.endedAt - graph.startedAt >= 99, 'the added latency falls between start and end');
    assert.ok(token && token.endedAt <= graph.startedAt, 'the token came first');
    assert.equal(graph.responseBytes, Buffer.byteLength(JSON.stringify(domains)));
  });

  it('issues access tokens with the lifetime set, until it is deleted or the tenant reset', async () => {
    const expiresIn = async (): Promise<number> => {
      const token = await h.appCredential().getToken('https://graph.microsoft.com/.default');
      assert.ok(token);
      return Math.round((token.expiresOnTimestamp - Date.now()) / 1000);
    };
    assert.ok(Math.abs((await expiresIn()) - 3599) <= 5, 'an hour by default');
    assert.deepEqual((await h.control('PUT', 'token-lifetime', { seconds: 600 })).json, { seconds: 600 });
    assert.ok(Math.abs((await expiresIn()) - 600) <= 5);
    assert.deepEqual((await h.control('GET', 'token-lifetime')).json, { seconds: 600 });
    assert.deepEqual((await h.control('DELETE', 'token-lifetime')).json, { seconds: 3599 });
    assert.ok(Math.abs((await expiresIn()) - 3599) <= 5);
    await h.control('PUT', 'token-lifetime', { seconds: 600 });
    await h.reset();
    assert.deepEqual((await h.control('GET', 'token-lifetime')).json, { seconds: 3599 });
    assert.equal((await h.control('PUT', 'token-lifetime', { seconds: 0 })).status, 400);
  });

  it('refuses a fault specification it cannot apply', async () => {
    assert.equal((await h.control('POST', 'faults', { path: '(', kind: 'drop', count: 1 })).status, 400);
    assert.equal((await h.control('POST', 'faults', { path: '^/', kind: 'status', count: 1 })).status, 400);
  });

  it('lists Graph calls with method, path, query, caller and status, and never a password', async () => {
    const secret = 'Zr4#kWq8-pLm';
    await bot
      .api(`/users/${userId('02')}`)
      .update({ passwordProfile: { password: secret, forceChangePasswordNextSignIn: true } });
    await bot.api('/users').filter("startswith(displayName,'meg')").get();
    const { json } = await h.control('GET', 'calls');
    const calls = (json as { value: RecordedCall[] }).value;
    const patch = calls.find((c) => c.method === 'PATCH');
    assert.deepEqual(patch, {
      ...patch,
      path: `/v1.0/users/${userId('02')}`,
      status: 204,
      caller: { kind: 'app', appId: demo.botAppId, objectId: demo.botServicePrincipalId },
    });
    assert.ok(
      calls.some(
        (c) => c.method === 'GET' && decodeURIComponent(c.query).includes("startswith(displayName,'meg')"),
      ),
    );
    assert.ok(!JSON.stringify(json).includes(secret));
    assert.ok(!JSON.stringify(await h.control('GET', `users/${userId('02')}/state`)).includes(secret));
  });

  it('answers /_sim/signin for wrong passwords, disabled accounts and external guests', async () => {
    assert.deepEqual(await h.signIn('meganb@contoso.com', 'nope'), {
      signedIn: false,
      passwordChangeRequired: false,
      mfaRequired: false,
      error: 'invalid_password',
    });
    assert.equal((await h.signIn('debrab@contoso.com', demo.initialPassword)).error, 'account_disabled');
    assert.equal(
      (await h.signIn('benw_northwind.com#EXT#@contoso.onmicrosoft.com', demo.initialPassword)).error,
      'no_credential_in_tenant',
    );
    assert.equal((await h.signIn('irvins@fabrikam.com', demo.initialPassword)).error, 'federated_domain');
  });

  it('refuses control calls that carry an Authorization header, or lack the control key', async () => {
    const token = await h.appCredential().getToken('https://graph.microsoft.com/.default');
    const withToken = await fetch(`${h.sim.url}/_sim/calls`, {
      headers: { 'x-sim-control-key': h.sim.controlKey, authorization: `Bearer ${token.token}` },
    });
    assert.equal(withToken.status, 403);
    const withoutKey = await fetch(`${h.sim.url}/_sim/calls`);
    assert.equal(withoutKey.status, 403);
  });

  it('puts the tenant back to the fixture state on reset', async () => {
    await bot.api(`/users/${userId('02')}`).update({ passwordProfile: { password: 'Zr4#kWq8-pLm' } });
    await h.reset();
    assert.equal((await h.signIn('meganb@contoso.com', demo.initialPassword)).signedIn, true);
    assert.deepEqual((await h.control('GET', 'calls')).json, { value: [] });
  });

  describe('app registrations: granted permissions and directory roles', () => {
    const userAdministrator = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
    const directoryReaders = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';
    interface AppState {
      appId: string;
      servicePrincipalId: string;
      applicationPermissions: string[];
      roleAssignments: { roleDefinitionId: string; directoryScopeId: string }[];
    }
    const appState = async (): Promise<AppState> =>
      (await h.control('GET', `apps/${demo.botAppId}`)).json as AppState;
    const roles = (state: AppState): string[][] =>
      state.roleAssignments.map((r) => [r.roleDefinitionId, r.directoryScopeId]);
    /** The roles claim of a token from a new credential: tokens already issued keep theirs. */
    const tokenRoles = async (): Promise<string[]> => {
      const token = await h.appCredential().getToken('https://graph.microsoft.com/.default');
      const payload = token.token.split('.')[1] ?? '';
      return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles: string[] }).roles;
    };

    it("shows the bot's app: its permissions and its service principal's direct roles, never a secret", async () => {
      const state = await appState();
      assert.equal(state.servicePrincipalId, demo.botServicePrincipalId);
      assert.ok(state.applicationPermissions.includes('User-PasswordProfile.ReadWrite.All'));
      assert.deepEqual(roles(state), [
        [userAdministrator, `/administrativeUnits/${demo.helpdeskServedUnitId}`],
        [directoryReaders, '/'],
      ]);
      assert.ok(!JSON.stringify(state).includes(demo.botSecret));
    });

    it('changes the granted application permissions for tokens issued afterwards, until reset', async () => {
      const { status } = await h.control('PUT', `apps/${demo.botAppId}/permissions`, {
        applicationPermissions: ['User.Read.All'],
      });
      assert.equal(status, 200);
      assert.deepEqual(await tokenRoles(), ['User.Read.All']);
      const failure = await graphFailure(h.botClient().api('/domains').get());
      assert.equal(failure.statusCode, 403);
      await h.reset();
      assert.ok((await tokenRoles()).includes('Domain.Read.All'));
    });

    it("replaces the service principal's direct roles, until reset", async () => {
      await h.setAppRoles(demo.botAppId, [{ roleDefinitionId: userAdministrator }]);
      assert.deepEqual(roles(await appState()), [[userAdministrator, '/']]);
      const listed = (await bot
        .api('/roleManagement/directory/roleAssignments')
        .filter(`principalId eq '${demo.botServicePrincipalId}'`)
        .get()) as { value: { roleDefinitionId: string; directoryScopeId: string }[] };
      assert.deepEqual(
        listed.value.map((r) => [r.roleDefinitionId, r.directoryScopeId]),
        [[userAdministrator, '/']],
      );
      await h.setAppRoles(demo.botAppId, []);
      assert.deepEqual(roles(await appState()), []);
      await h.reset();
      assert.equal(roles(await appState()).length, 2);
    });

    it('refuses an unknown app, an unknown administrative unit and a malformed body', async () => {
      assert.equal((await h.control('GET', 'apps/00000000-0000-4000-8000-000000000000')).status, 404);
      const unknownUnit = await h.control('PUT', `apps/${demo.botAppId}/roles`, {
        roleAssignments: [
          {
            roleDefinitionId: userAdministrator,
            directoryScopeId: '/administrativeUnits/00000000-0000-4000-8000-000000000000',
          },
        ],
      });
      assert.equal(unknownUnit.status, 400);
      const malformed = await h.control('PUT', `apps/${demo.botAppId}/permissions`, {
        applicationPermissions: 'User.Read.All',
      });
      assert.equal(malformed.status, 400);
    });
  });
});

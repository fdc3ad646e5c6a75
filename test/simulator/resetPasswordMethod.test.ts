import assert from 'node:assert/strict';
import { ResponseType, type Client } from '@microsoft/microsoft-graph-client';
import { demo, graphFailure, SimulatorHarness, userId } from './harness';

const resetPath = (id: string): string =>
  `/users/${id}/authentication/methods/${demo.passwordMethodId}/resetPassword`;

describe('simulator: authenticationMethod resetPassword', () => {
  let h: SimulatorHarness;
  let alex: Client;
  before(async () => {
    h = await SimulatorHarness.start();
    alex = h.userClient('alexw@contoso.com');
  });
  after(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  it('answers 202 with a Location and a generated password that signs the user in and demands a change', async () => {
    const response = (await alex
      .api(resetPath(userId('02')))
      .responseType(ResponseType.RAW)
      .post({})) as Response;
    assert.equal(response.status, 202);
    const location = response.headers.get('location') ?? '';
    assert.match(
      location,
      new RegExp(`^${h.sim.url}/v1.0/users/${userId('02')}/authentication/operations/[0-9a-f-]{36}$`),
    );
    const body = (await response.json()) as { '@odata.context': string; newPassword: string };
    assert.match(body['@odata.context'], /#microsoft\.graph\.passwordResetResponse$/);
    assert.deepEqual(await h.signIn('meganb@contoso.com', body.newPassword), {
      signedIn: true,
      passwordChangeRequired: true,
      mfaRequired: false,
    });
  });

  it('reports the operation as running, then succeeded, at its Location', async () => {
    const response = (await alex
      .api(resetPath(userId('03')))
      .responseType(ResponseType.RAW)
      .post({})) as Response;
    const location = response.headers.get('location') ?? '';
    const first = (await alex.api(location).get()) as { status: string };
    const second = (await alex.api(location).get()) as { status: string };
    assert.deepEqual([first.status, second.status], ['running', 'succeeded']);
  });

  it('answers 202 without a body when the caller supplies the new password', async () => {
    const response = (await alex
      .api(resetPath(userId('04')))
      .responseType(ResponseType.RAW)
      .post({ newPassword: 'Kx7$pQw9-tRz' })) as Response;
    assert.equal(response.status, 202);
    assert.equal(await response.text(), '');
    assert.equal((await h.signIn('isaiahl@contoso.com', 'Kx7$pQw9-tRz')).signedIn, true);
  });

  it('refuses an app-only token with the observed 400', async () => {
    const failure = await graphFailure(
      h
        .botClient()
        .api(resetPath(userId('02')))
        .post({}),
    );
    assert.equal(failure.statusCode, 400);
    assert.equal(failure.message, 'UserPrincipalName value  in token was missing or invalid');
  });

  it("refuses the caller's own account", async () => {
    const failure = await graphFailure(alex.api(resetPath(userId('01'))).post({}));
    assert.equal(failure.statusCode, 400);
    assert.equal(await h.signIn('alexw@contoso.com', demo.initialPassword).then((s) => s.signedIn), true);
  });

  it('refuses a Helpdesk Administrator resetting a Global Administrator', async () => {
    const failure = await graphFailure(alex.api(resetPath(userId('05'))).post({}));
    assert.equal(failure.statusCode, 403);
    assert.equal(failure.code, 'Authorization_RequestDenied');
  });

  it('needs a newPassword for a synced user, and with one writes it back', async () => {
    const failure = await graphFailure(alex.api(resetPath(userId('10'))).post({}));
    assert.equal(failure.statusCode, 400);
    await alex.api(resetPath(userId('10'))).post({ newPassword: 'Kx7$pQw9-tRz' });
    assert.equal((await h.signIn('pradeepg@contoso.com', 'Kx7$pQw9-tRz')).signedIn, true);
  });

  it('records the write to the on-premises directory for a synced user', async () => {
    assert.equal((await h.userState(userId('10'))).onPremises?.passwordWrittenBackDateTime, null);
    await alex.api(resetPath(userId('10'))).post({ newPassword: 'Kx7$pQw9-tRz' });
    const state = await h.userState(userId('10'));
    assert.equal(typeof state.onPremises?.passwordWrittenBackDateTime, 'string');
    assert.equal((await h.userState(userId('02'))).onPremises, null);
  });

  it('refuses a synced user while password writeback is off, and leaves the password alone', async () => {
    assert.deepEqual((await h.control('PUT', 'password-writeback', { enabled: false })).json, {
      enabled: false,
    });
    const failure = await graphFailure(
      alex.api(resetPath(userId('10'))).post({ newPassword: 'Kx7$pQw9-tRz' }),
    );
    assert.equal(failure.statusCode, 400);
    assert.equal(failure.code, 'badRequest');
    assert.equal((await h.signIn('pradeepg@contoso.com', demo.initialPassword)).signedIn, true);
    assert.equal((await h.userState(userId('10'))).onPremises?.passwordWrittenBackDateTime, null);
    // Cloud-only users do not need writeback.
    await alex.api(resetPath(userId('04'))).post({ newPassword: 'Kx7$pQw9-tRz' });
  });

  it('turns writeback back on with a reset of the simulator', async () => {
    await h.control('PUT', 'password-writeback', { enabled: false });
    await h.reset();
    assert.deepEqual((await h.control('GET', 'password-writeback')).json, { enabled: true });
  });

  it('refuses a synced user whose on-premises AdminCount is 1 (hr=80231367), with writeback on', async () => {
    assert.equal((await h.userState(userId('32'))).onPremises?.adminCount, 1);
    const failure = await graphFailure(
      alex.api(resetPath(userId('32'))).post({ newPassword: 'Kx7$pQw9-tRz' }),
    );
    assert.equal(failure.statusCode, 400);
    assert.equal(failure.code, 'badRequest');
    assert.equal(
      failure.message,
      'The password could not be written back to the on-premises directory for this user.',
    );
    assert.equal((await h.signIn('marcusw@contoso.com', demo.initialPassword)).signedIn, true);
    assert.equal((await h.userState(userId('32'))).onPremises?.passwordWrittenBackDateTime, null);
  });

  it('refuses an unknown password method id with 404', async () => {
    const failure = await graphFailure(
      alex
        .api(
          `/users/${userId('02')}/authentication/methods/00000000-0000-4000-8000-000000000000/resetPassword`,
        )
        .post({}),
    );
    assert.equal(failure.statusCode, 404);
  });
});

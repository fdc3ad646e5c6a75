import assert from 'node:assert/strict';
import type { Client } from '@microsoft/microsoft-graph-client';
import { demo, graphFailure, SimulatorHarness, userId } from './harness';

const newPassword = 'Tq8#mZr2-vLw';

describe('simulator: PATCH passwordProfile', () => {
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

  const patch = (client: Client, id: string, profile: Record<string, unknown>): Promise<unknown> =>
    client.api(`/users/${id}`).update({ passwordProfile: profile });

  it('sets the password (204) so that it signs the user in and demands a change; the old one stops working', async () => {
    const before = await h.userState(userId('02'));
    const result = await patch(bot, userId('02'), {
      password: newPassword,
      forceChangePasswordNextSignIn: true,
    });
    assert.equal(result, undefined);
    assert.deepEqual(await h.signIn('meganb@contoso.com', newPassword), {
      signedIn: true,
      passwordChangeRequired: true,
      mfaRequired: false,
    });
    assert.equal((await h.signIn('meganb@contoso.com', demo.initialPassword)).signedIn, false);
    const after = await h.userState(userId('02'));
    assert.equal(after.forceChangePasswordNextSignIn, true);
    assert.notEqual(after.lastPasswordChangeDateTime, before.lastPasswordChangeDateTime);
  });

  it('records forceChangePasswordNextSignInWithMfa and reports MFA before the change', async () => {
    await patch(bot, userId('03'), { password: newPassword, forceChangePasswordNextSignInWithMfa: true });
    assert.equal((await h.userState(userId('03'))).forceChangePasswordNextSignInWithMfa, true);
    assert.deepEqual(await h.signIn('adelev@contoso.com', newPassword), {
      signedIn: true,
      passwordChangeRequired: true,
      mfaRequired: true,
    });
  });

  for (const [why, password] of [
    ['shorter than 8 characters', 'Ab1#xyz'],
    ['only two character classes', 'abcdefgh1234'],
    ['a character outside the allowed set', 'Tq8#mZr2-vLw€'],
    ['a banned term that leaves fewer than five points', 'P@ssw0rd1'],
    ["the user's own name", 'Megan-Bowen1'],
  ] as const) {
    it(`refuses a password with ${why} (400 Request_BadRequest, complexity message)`, async () => {
      const failure = await graphFailure(
        patch(bot, userId('02'), { password, forceChangePasswordNextSignIn: true }),
      );
      assert.equal(failure.statusCode, 400);
      assert.equal(failure.code, 'Request_BadRequest');
      assert.equal(
        failure.message,
        'The specified password does not comply with password complexity requirements. Please provide a different password.',
      );
      assert.equal((await h.signIn('meganb@contoso.com', demo.initialPassword)).signedIn, true);
    });
  }

  it('refuses an on-premises synced user with the observed 400 message', async () => {
    const failure = await graphFailure(patch(bot, userId('10'), { password: newPassword }));
    assert.equal(failure.statusCode, 400);
    assert.equal(failure.code, 'Request_BadRequest');
    assert.equal(
      failure.message,
      'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
    );
  });

  it('refuses a user of the federated domain with 400', async () => {
    const failure = await graphFailure(patch(bot, userId('12'), { password: newPassword }));
    assert.equal(failure.statusCode, 400);
    assert.match(failure.message, /federated/);
  });

  it('answers an unknown user with 404', async () => {
    const failure = await graphFailure(
      patch(bot, 'e1a00000-0000-4000-8000-0000000000ff', { password: newPassword }),
    );
    assert.equal(failure.statusCode, 404);
    assert.equal(failure.code, 'Request_ResourceNotFound');
  });

  /** Targets the bot's service principal (Helpdesk Administrator, tenant-wide) may and may not reset. */
  const helpdeskTable: [string, string, boolean][] = [
    ['an ordinary employee', '02', true],
    ['an internal guest', '16', true],
    ['a disabled account', '13', true],
    ['a Password Administrator', '06', true],
    ['another Helpdesk Administrator', '07', true],
    ['a Reports Reader', '0a', true],
    ['a User Experience Success Manager', '2c', true],
    ['a Global Administrator', '05', false],
    ['a Privileged Authentication Administrator', '09', false],
    ['a User Administrator', '08', false],
    ['an Authentication Administrator', '1d', false],
    ['a Security Administrator', '0b', false],
    ['a Global Reader', '20', false],
    ['a PIM-eligible Global Administrator', '0c', false],
    ['a holder of Reports Reader and Groups Administrator', '21', false],
    ['a member of a role-assignable group without a role', '0d', false],
    ['an owner of a role-assignable group', '2a', false],
    ['a Helpdesk Administrator through a role-assignable group', '0e', false],
    ['a member of a restricted-management administrative unit', '0f', false],
    ['a B2B guest homed in another tenant', '14', false],
    ['a Microsoft-account guest', '15', false],
    ['a guest whose invitation is pending', '17', false],
  ];
  for (const [who, nn, allowed] of helpdeskTable) {
    it(`${allowed ? 'lets' : 'refuses'} the Helpdesk Administrator app ${allowed ? 'reset' : 'resetting'} ${who}`, async () => {
      const call = patch(bot, userId(nn), { password: newPassword, forceChangePasswordNextSignIn: true });
      if (allowed) {
        assert.equal(await call, undefined);
      } else {
        const failure = await graphFailure(call);
        assert.equal(failure.statusCode, 403);
        assert.equal(failure.code, 'Authorization_RequestDenied');
        assert.equal(failure.message, 'Insufficient privileges to complete the operation.');
      }
    });
  }

  it('refuses an app holding User-PasswordProfile.ReadWrite.All but no directory role', async () => {
    const noRole = h.graphClient(h.appCredential(demo.noRoleAppId, demo.noRoleSecret));
    const failure = await graphFailure(patch(noRole, userId('02'), { password: newPassword }));
    assert.equal(failure.statusCode, 403);
  });

  it('refuses an app without User-PasswordProfile.ReadWrite.All', async () => {
    const reports = h.graphClient(h.appCredential(demo.reportsAppId, demo.reportsSecret));
    const failure = await graphFailure(patch(reports, userId('02'), { password: newPassword }));
    assert.equal(failure.statusCode, 403);
  });

  it('lets a delegated Global Administrator reset a Global Administrator', async () => {
    await patch(h.userClient('pattif@contoso.com'), userId('09'), { password: newPassword });
    assert.equal((await h.signIn('henriettam@contoso.com', newPassword)).signedIn, true);
  });

  it('refuses a delegated Global Administrator on a restricted-management unit member', async () => {
    const failure = await graphFailure(
      patch(h.userClient('pattif@contoso.com'), userId('0f'), { password: newPassword }),
    );
    assert.equal(failure.statusCode, 403);
  });

  it('lets a Helpdesk Administrator scoped to that restricted-management unit reset its member', async () => {
    await patch(h.userClient('karat@contoso.com'), userId('0f'), { password: newPassword });
    assert.equal((await h.signIn('nestorw@contoso.com', newPassword)).signedIn, true);
  });

  it('limits a Password Administrator scoped to an administrative unit to its members', async () => {
    const lena = h.userClient('lenaf@contoso.com');
    await patch(lena, userId('25'), { password: newPassword });
    const failure = await graphFailure(patch(lena, userId('02'), { password: newPassword }));
    assert.equal(failure.statusCode, 403);
  });

  it('refuses an ordinary employee (Megan Bowen) resetting anyone', async () => {
    const failure = await graphFailure(
      patch(h.userClient('meganb@contoso.com'), userId('03'), { password: newPassword }),
    );
    assert.equal(failure.statusCode, 403);
  });

  it('does not count a PIM-eligible role of the caller', async () => {
    const failure = await graphFailure(
      patch(h.userClient('kevinw@contoso.com'), userId('02'), { password: newPassword }),
    );
    assert.equal(failure.statusCode, 403);
  });
});

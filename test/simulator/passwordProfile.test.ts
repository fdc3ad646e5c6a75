import assert from 'node:assert/strict';
import type { Client } from '@microsoft/microsoft-graph-client';
import { Role } from '../../simulator/directory/roles';
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

  const expectRefused = async (call: Promise<unknown>): Promise<void> => {
    const failure = await graphFailure(call);
    assert.equal(failure.statusCode, 403);
    assert.equal(failure.code, 'Authorization_RequestDenied');
    assert.equal(failure.message, 'Insufficient privileges to complete the operation.');
  };
  const resetBy = (client: Client, nn: string): Promise<unknown> =>
    patch(client, userId(nn), { password: newPassword, forceChangePasswordNextSignIn: true });

  /**
   * Targets the demo's bot service principal may and may not reset. It holds User Administrator scoped to the
   * AU Helpdesk-served users (and Directory Readers tenant-wide, without which a service principal cannot use
   * a unit-scoped role): a unit-scoped role resets non-administrator members of the unit only.
   */
  const botTable: [string, string, boolean][] = [
    ['an ordinary employee of the unit', '02', true],
    ['an internal guest of the unit', '16', true],
    ['a disabled account of the unit', '13', true],
    ['an employee outside the unit', '2e', false],
    ['a Password Administrator', '06', false],
    ['a Helpdesk Administrator', '07', false],
    ['a Reports Reader', '0a', false],
    ['a User Experience Success Manager', '2c', false],
    ['a Global Administrator', '05', false],
    ['a Privileged Authentication Administrator', '09', false],
    ['a User Administrator', '08', false],
    ['an Authentication Administrator', '1d', false],
    ['a Security Administrator', '0b', false],
    ['a Global Reader', '20', false],
    ['a PIM-eligible Global Administrator', '0c', false],
    ['a holder of Reports Reader and Groups Administrator', '21', false],
    ['a member of a role-assignable group (in the unit)', '0d', false],
    ['an owner of a role-assignable group (in the unit)', '2a', false],
    ['a Helpdesk Administrator through a role-assignable group', '0e', false],
    ['a member of a restricted-management administrative unit (in the unit)', '0f', false],
    ['a B2B guest homed in another tenant (in the unit)', '14', false],
    ['a Microsoft-account guest (in the unit)', '15', false],
    ['a guest whose invitation is pending (in the unit)', '17', false],
  ];
  for (const [who, nn, allowed] of botTable) {
    it(`${allowed ? 'lets' : 'refuses'} the bot's unit-scoped User Administrator ${allowed ? 'reset' : 'resetting'} ${who}`, async () => {
      if (allowed) assert.equal(await resetBy(bot, nn), undefined);
      else await expectRefused(resetBy(bot, nn));
    });
  }

  /** Graph user resource, passwordProfile: app-only needs "at least the User Administrator" role. */
  for (const [role, roleDefinitionId] of [
    ['Helpdesk Administrator', Role.HelpdeskAdministrator],
    ['Password Administrator', Role.PasswordAdministrator],
    ['Authentication Administrator', Role.AuthenticationAdministrator],
  ] as const) {
    it(`refuses an app whose service principal holds ${role} tenant-wide, even for an ordinary employee`, async () => {
      await h.setAppRoles(demo.botAppId, [{ roleDefinitionId }]);
      await expectRefused(resetBy(bot, '02'));
    });
  }

  /** With User Administrator tenant-wide, the app resets what the User Administrator column ticks. */
  const userAdministratorTable: [string, string, boolean][] = [
    ['an ordinary employee outside the unit', '2e', true],
    ['a Password Administrator', '06', true],
    ['a Helpdesk Administrator', '07', true],
    ['a User Administrator', '08', true],
    ['a Groups Administrator', '1e', true],
    ['a holder of Reports Reader and Groups Administrator', '21', true],
    ['a Message Center Reader', '26', true],
    ['a User Experience Success Manager', '2c', true],
    ['a Global Administrator', '05', false],
    ['a Privileged Authentication Administrator', '09', false],
    ['a Privileged Role Administrator', '22', false],
    ['an Authentication Administrator', '1d', false],
    ['a Security Administrator', '0b', false],
    ['a PIM-eligible Global Administrator', '0c', false],
    ['a member of a role-assignable group', '0d', false],
    ['a Helpdesk Administrator through a role-assignable group', '0e', false],
    ['a member of a restricted-management administrative unit', '0f', false],
  ];
  for (const [who, nn, allowed] of userAdministratorTable) {
    it(`${allowed ? 'lets' : 'refuses'} an app holding User Administrator tenant-wide ${allowed ? 'reset' : 'resetting'} ${who}`, async () => {
      await h.setAppRoles(demo.botAppId, [{ roleDefinitionId: Role.UserAdministrator }]);
      if (allowed) assert.equal(await resetBy(bot, nn), undefined);
      else await expectRefused(resetBy(bot, nn));
    });
  }

  it('lets an app holding Privileged Authentication Administrator reset a Global Administrator', async () => {
    await h.setAppRoles(demo.botAppId, [{ roleDefinitionId: Role.PrivilegedAuthenticationAdministrator }]);
    assert.equal(await resetBy(bot, '05'), undefined);
  });

  it('needs a tenant-wide read role before a service principal can use a unit-scoped role', async () => {
    const unitScoped = {
      roleDefinitionId: Role.UserAdministrator,
      directoryScopeId: `/administrativeUnits/${demo.helpdeskServedUnitId}`,
    };
    await h.setAppRoles(demo.botAppId, [unitScoped]);
    await expectRefused(resetBy(bot, '02'));
    await h.setAppRoles(demo.botAppId, [unitScoped, { roleDefinitionId: Role.DirectoryReaders }]);
    assert.equal(await resetBy(bot, '02'), undefined);
  });

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

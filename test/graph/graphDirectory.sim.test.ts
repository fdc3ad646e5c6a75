import assert from 'node:assert/strict';
import { GraphDirectory } from '../../graph/graphDirectory';
import { loadRequesterProfile, loadTargetProfile } from '../../core/profiles';
import { AgentFacingError } from '../../core/errors';
import { createGraphClient } from '../../graph/graphClient';
import { generateTemporaryPassword } from '../../core/passwords/temporaryPassword';
import { decideReset } from '../../core/policy/resetPolicy';
import type { PolicySettings } from '../../core/policy/types';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { simulatorControl } from '../support/simulatorControl';

/**
 * GraphDirectory and createGraphClient against the simulated tenant, over HTTPS with real tokens. Run with
 * NODE_EXTRA_CA_CERTS=.sim-state/ca.pem (prepared by `node dist/simulator/main.js --prepare-only`).
 */
const id = (nn: string): string => `e1a00000-0000-4000-8000-0000000000${nn}`;
const ALEX = id('01');
const MEGAN = id('02');
const PATTI = id('05');
const LEE_ELIGIBLE_GLOBAL_ADMIN = id('0c');
const MIRIAM_VIA_GROUP = id('0e');
const LIDIA_IN_TIER0 = id('0d');
const KARA_SCOPED_TO_RESTRICTED_UNIT = id('23');
const AOIFE_IN_NESTED_GROUP = id('18');
const HELPDESK_AGENTS = 'e1a0c000-0000-4000-8000-000000000006';
const PROTECTED_ACCOUNTS = 'e1a0c000-0000-4000-8000-000000000007';
const EXECUTIVE_PROTECTION = 'e1a0a000-0000-4000-8000-000000000001';
const SEATTLE_OFFICE = 'e1a0a000-0000-4000-8000-000000000002';
const HELPDESK_ADMIN = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';

describe('GraphDirectory against the simulated tenant', function () {
  this.timeout(30_000);

  let simulator: RunningSimulator;
  let sut: GraphDirectory;

  const control = (method: string, path: string, body?: unknown) =>
    simulatorControl(simulator, method, `/_sim/${path}`, body);

  before(async () => {
    simulator = await startSimulator({ port: 0 });
    sut = new GraphDirectory(
      createGraphClient({
        tenantId: simulator.tenantId,
        clientId: '3f2c8a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7',
        clientSecret: 'sim-demo-client-secret',
        authorityHost: simulator.url,
        graphBaseUrl: simulator.url,
      }),
    );
  });

  after(async () => {
    await simulator?.close();
  });

  beforeEach(async () => {
    await control('POST', 'reset');
  });

  it('finds users by the start of a name', async () => {
    const result = await sut.findUsers('Megan', 10);

    assert.deepEqual(result.users.map((u) => u.displayName).sort(), ['Megan Bowen', 'Megan Smith']);
    assert.equal(result.hasMore, false);
  });

  it('finds a user by exact UPN first', async () => {
    const result = await sut.findUsers('meganb@contoso.com', 5);

    assert.equal(result.users[0]?.id, MEGAN);
  });

  it("finds a name with an apostrophe (O'Brien)", async () => {
    const result = await sut.findUsers("Aoife O'Brien", 5);

    assert.deepEqual(
      result.users.map((u) => u.surname),
      ["O'Brien"],
    );
  });

  it('says there are more matches than the limit', async () => {
    const result = await sut.findUsers('Alex', 2);

    assert.equal(result.users.length, 2);
    assert.equal(result.hasMore, true);
  });

  it('reads a guest by its #EXT# UPN', async () => {
    const guest = await sut.getUser('benw_northwind.com#EXT#@contoso.onmicrosoft.com');

    assert.equal(guest.id, id('14'));
    assert.ok(guest.identities.some((i) => i.issuer === 'ExternalAzureAD'));
  });

  it("reads Alex's tenant-wide Helpdesk Administrator role", async () => {
    const { roles } = await sut.getUserRoles(ALEX);

    assert.deepEqual(roles, [{ roleDefinitionId: HELPDESK_ADMIN, directoryScopeId: '/', kind: 'active' }]);
  });

  it("reads Patti's active Global Administrator role", async () => {
    const { roles } = await sut.getUserRoles(PATTI);

    assert.ok(roles.some((r) => r.roleDefinitionId === GLOBAL_ADMIN && r.kind === 'active'));
  });

  it('reads a PIM-eligible Global Administrator as eligible', async () => {
    const { roles } = await sut.getUserRoles(LEE_ELIGIBLE_GLOBAL_ADMIN);

    assert.deepEqual(roles, [{ roleDefinitionId: GLOBAL_ADMIN, directoryScopeId: '/', kind: 'eligible' }]);
  });

  it("reads Miriam's Helpdesk Administrator role held through her role-assignable group, from v1.0 only", async () => {
    await control('DELETE', 'calls');

    const { roles, roleAssignableGroups } = await sut.getUserRoles(MIRIAM_VIA_GROUP);

    assert.deepEqual(roles, [{ roleDefinitionId: HELPDESK_ADMIN, directoryScopeId: '/', kind: 'active' }]);
    assert.deepEqual(
      roleAssignableGroups.map((g) => g.displayName),
      ['Helpdesk Team'],
    );
    const calls = (await control('GET', 'calls')) as { value: { path: string }[] };
    assert.ok(calls.value.length > 0);
    assert.ok(
      calls.value.every((call) => call.path.startsWith('/v1.0/')),
      calls.value.map((c) => c.path).join(', '),
    );
  });

  it('reads role-assignable groups a user is a member of, and ones a user owns', async () => {
    assert.deepEqual(
      (await sut.getUserRoles(id('0d'))).roleAssignableGroups.map((g) => g.displayName),
      ['Tier 0 Operators'],
    );
    assert.deepEqual(
      (await sut.getUserRoles(id('2a'))).roleAssignableGroups.map((g) => g.displayName),
      ['Executive Assistants'],
    );
    assert.deepEqual((await sut.getUserRoles(MEGAN)).roleAssignableGroups, []);
  });

  it('reads whether the unit of a role is a restricted management unit', async () => {
    assert.equal((await sut.getAdministrativeUnit(EXECUTIVE_PROTECTION)).isMemberManagementRestricted, true);
    assert.equal((await sut.getAdministrativeUnit(SEATTLE_OFFICE)).isMemberManagementRestricted, false);
  });

  it('reads domains, and null for one the tenant does not have', async () => {
    assert.deepEqual(await sut.getDomain('fabrikam.com'), {
      id: 'fabrikam.com',
      authenticationType: 'Federated',
    });
    assert.equal(await sut.getDomain('example.org'), null);
  });

  it("resets Megan's password: the new one signs in and must be changed", async () => {
    const password = generateTemporaryPassword();

    await sut.resetPassword(MEGAN, password, { requireMfa: false });

    const signIn = (await control('POST', 'signin', {
      userPrincipalName: 'meganb@contoso.com',
      password,
    })) as {
      signedIn: boolean;
      passwordChangeRequired: boolean;
      mfaRequired: boolean;
    };
    assert.equal(signIn.signedIn, true);
    assert.equal(signIn.passwordChangeRequired, true);
    assert.equal(signIn.mfaRequired, false);
  });

  it('asks for MFA before the change when requested', async () => {
    const password = generateTemporaryPassword();

    await sut.resetPassword(MEGAN, password, { requireMfa: true });

    const signIn = (await control('POST', 'signin', {
      userPrincipalName: 'meganb@contoso.com',
      password,
    })) as {
      mfaRequired: boolean;
    };
    assert.equal(signIn.mfaRequired, true);
  });

  it("is refused by Entra when resetting a Global Administrator beyond the bot's role (403 → NotAllowed)", async () => {
    let caught: unknown;
    await sut
      .resetPassword(PATTI, generateTemporaryPassword(), { requireMfa: false })
      .catch((error: unknown) => {
        caught = error;
      });

    assert.ok(caught instanceof AgentFacingError);
    assert.equal(caught.kind, 'NotAllowed');
    assert.ok(caught.requestId, 'keeps the request id');
  });

  /**
   * The demo's bot holds User Administrator scoped to the AU Helpdesk-served users (as the README recommends):
   * Entra refuses whom that role does not reach, even when the bot's own rules would let the agent reset them.
   */
  for (const [who, targetId] of [
    ['a user outside its administrative unit (Grace Taylor)', id('2e')],
    ["a Password Administrator Alex's Helpdesk role covers (Lynne Robbins)", id('06')],
  ] as const) {
    it(`is refused by Entra when resetting ${who}: the bot's unit-scoped role does not reach them (403 → NotAllowed)`, async () => {
      const caught = await sut
        .resetPassword(targetId, generateTemporaryPassword(), { requireMfa: false })
        .then(
          () => null,
          (error: unknown) => error,
        );

      assert.ok(caught instanceof AgentFacingError);
      assert.equal(caught.kind, 'NotAllowed');
    });
  }

  it("revokes Megan's sessions", async () => {
    await sut.revokeSignInSessions(MEGAN);
  });

  it('reports an unknown user as UserNotFound', async () => {
    await assert.rejects(sut.getUser(id('ff')), { kind: 'UserNotFound' });
  });

  it('lets Alex reset Megan but not Patti, from profiles loaded through Graph', async () => {
    const alex = await loadRequesterProfile(sut, ALEX);
    const settings = { passwordWritebackEnabled: false, resetAs: 'bot' as const };

    assert.equal(decideReset(alex, await loadTargetProfile(sut, MEGAN), settings).allowed, true);
    const patti = decideReset(alex, await loadTargetProfile(sut, PATTI), settings);
    assert.ok(!patti.allowed && patti.refusal.rule === 'target-role-protected');
  });

  const refusals: [string, string, string][] = [
    ['a user of the federated domain', id('12'), 'federated-domain'],
    ['a synced user without writeback', id('10'), 'on-premises-synced'],
    ['a B2B guest of another tenant', id('14'), 'external-identity'],
    ['a Microsoft-account guest', id('15'), 'external-identity'],
    ['a guest with a pending invitation', id('17'), 'pending-invitation'],
    ['a user in a restricted management unit', id('0f'), 'restricted-management-unit'],
    ['a PIM-eligible Global Administrator', LEE_ELIGIBLE_GLOBAL_ADMIN, 'target-role-protected'],
    ['a member of a role-assignable group', LIDIA_IN_TIER0, 'role-assignable-group'],
    [
      'a user whose role is scoped to a restricted unit',
      KARA_SCOPED_TO_RESTRICTED_UNIT,
      'restricted-unit-role',
    ],
    ['the owner of a role-assignable group', id('2a'), 'role-assignable-group'],
    ['Alex himself', ALEX, 'self-reset'],
  ];
  for (const [name, targetId, rule] of refusals) {
    it(`refuses Alex resetting ${name} (${rule})`, async () => {
      const decision = decideReset(
        await loadRequesterProfile(sut, ALEX),
        await loadTargetProfile(sut, targetId),
        {
          passwordWritebackEnabled: false,
          resetAs: 'bot' as const,
        },
      );

      assert.equal(decision.allowed ? 'allowed' : decision.refusal.rule, rule);
    });
  }

  describe('owners of role-assignable groups, read app-only', () => {
    const EXECUTIVE_ASSISTANTS = 'e1a0c000-0000-4000-8000-000000000004';
    const CARLOS_OWNER = id('2a');
    /** 25 fixture users first, Megan last: she is past what `$expand` returns (20). */
    const manyOwners = [
      ...['03', '04', '06', '07', '08', '09', '0a', '0b', '0c', '0d', '0e', '0f', '10', '11', '12', '13'],
      ...['16', '18', '19', '1a', '1b', '1c', '1d', '1e', '1f'],
      '02',
    ].map(id);

    async function decisionForAlex(targetId: string) {
      return decideReset(await loadRequesterProfile(sut, ALEX), await loadTargetProfile(sut, targetId), {
        passwordWritebackEnabled: false,
        resetAs: 'bot' as const,
      });
    }

    async function graphCalls(): Promise<string[]> {
      const calls = (await control('GET', 'calls')) as { value: { path: string; status: number }[] };
      return calls.value.map((call) => `${call.status} ${call.path}`);
    }

    it('refuses a Helpdesk Administrator resetting the owner of a role-assignable group, without ownedObjects', async () => {
      await control('DELETE', 'calls');

      const decision = await decisionForAlex(CARLOS_OWNER);

      assert.equal(decision.allowed ? 'allowed' : decision.refusal.rule, 'role-assignable-group');
      const calls = await graphCalls();
      assert.ok(calls.includes('200 /v1.0/groups'), calls.join(', '));
      assert.ok(!calls.some((call) => call.includes('ownedObjects')), calls.join(', '));
    });

    it('refuses the owner of a group with more owners than $expand returns', async () => {
      await control('PUT', `groups/${EXECUTIVE_ASSISTANTS}/owners`, { owners: manyOwners });
      await control('DELETE', 'calls');

      const decision = await decisionForAlex(MEGAN);

      assert.equal(decision.allowed ? 'allowed' : decision.refusal.rule, 'role-assignable-group');
      assert.ok((await graphCalls()).includes(`200 /v1.0/groups/${EXECUTIVE_ASSISTANTS}/owners`));
    });

    it('fails closed when the full owners of such a group cannot be read', async () => {
      await control('PUT', `groups/${EXECUTIVE_ASSISTANTS}/owners`, { owners: manyOwners });
      await control('POST', 'faults', {
        path: '^/v1.0/groups/[^/]+/owners$',
        kind: 'status',
        status: 500,
        count: 10,
      });

      await assert.rejects(loadTargetProfile(sut, MEGAN), { kind: 'GraphUnavailable' });
    });
  });

  it('lets Miriam, Helpdesk Administrator through a group, reset Megan', async () => {
    const miriam = await loadRequesterProfile(sut, MIRIAM_VIA_GROUP);

    const decision = decideReset(miriam, await loadTargetProfile(sut, MEGAN), {
      passwordWritebackEnabled: false,
      resetAs: 'bot' as const,
    });

    assert.equal(decision.allowed, true);
  });

  describe('with the consent the bot had before it asked for GroupMember.Read.All', () => {
    let outdated: GraphDirectory;
    before(() => {
      outdated = new GraphDirectory(
        createGraphClient({
          tenantId: simulator.tenantId,
          clientId: '2c9d4e6f-7a8b-4c1d-9e2f-3a4b5c6d7e8f',
          clientSecret: 'sim-outdated-consent-secret',
          authorityHost: simulator.url,
          graphBaseUrl: simulator.url,
        }),
      );
    });

    it('cannot read the profile of a member of a role-assignable group, and names the missing permission', async () => {
      const failure = await loadTargetProfile(outdated, LIDIA_IN_TIER0).then(
        () => null,
        (error: unknown) => error,
      );

      assert.ok(failure instanceof AgentFacingError, `expected a refusal, got ${String(failure)}`);
      assert.equal(failure.kind, 'MissingPermission');
      assert.match(failure.message, /GroupMember\.Read\.All/);
    });

    it('cannot check group memberships for protected accounts, and names GroupMember.Read.All', async () => {
      await assert.rejects(outdated.memberGroupsOf(AOIFE_IN_NESTED_GROUP, [PROTECTED_ACCOUNTS]), {
        kind: 'MissingPermission',
        message: /GroupMember\.Read\.All/,
      });
    });

    it('names AdministrativeUnit.Read.All for the unit of a role', async () => {
      await assert.rejects(outdated.getAdministrativeUnit(EXECUTIVE_PROTECTION), {
        kind: 'MissingPermission',
        message: /AdministrativeUnit\.Read\.All/,
      });
    });
  });

  describe('checkMemberGroups, for the helpdesk group and protected groups', () => {
    it('finds membership through a nested group (Aoife is in Legal Leadership, which is in Protected Accounts)', async () => {
      assert.deepEqual(
        await sut.memberGroupsOf(AOIFE_IN_NESTED_GROUP, [PROTECTED_ACCOUNTS, HELPDESK_AGENTS]),
        [PROTECTED_ACCOUNTS],
      );
      assert.deepEqual(await sut.memberGroupsOf(ALEX, [PROTECTED_ACCOUNTS, HELPDESK_AGENTS]), [
        HELPDESK_AGENTS,
      ]);
      assert.deepEqual(await sut.memberGroupsOf(MEGAN, [PROTECTED_ACCOUNTS, HELPDESK_AGENTS]), []);
    });

    it('asks in requests of at most 20 groups, as Graph takes them', async () => {
      const unknownGroups = Array.from(
        { length: 25 },
        (_, n) => `e1a0c000-0000-4000-9000-${n.toString(16).padStart(12, '0')}`,
      );
      assert.deepEqual(
        await sut.memberGroupsOf(AOIFE_IN_NESTED_GROUP, [...unknownGroups, PROTECTED_ACCOUNTS]),
        [PROTECTED_ACCOUNTS],
      );
    });

    it('refuses Aoife through the nested group, from profiles loaded through Graph', async () => {
      const settings: PolicySettings = {
        passwordWritebackEnabled: false,
        resetAs: 'bot',
        protectedGroupIds: [PROTECTED_ACCOUNTS],
      };
      const alex = await loadRequesterProfile(sut, ALEX, settings);
      const aoife = await loadTargetProfile(sut, AOIFE_IN_NESTED_GROUP, settings);
      const decision = decideReset(alex, aoife, settings);
      assert.equal(!decision.allowed && decision.refusal.rule, 'target-protected');
      assert.equal(decideReset(alex, await loadTargetProfile(sut, MEGAN, settings), settings).allowed, true);
    });
  });

  it('lets Alex reset an internal guest, and a disabled account with a warning', async () => {
    const alex = await loadRequesterProfile(sut, ALEX);
    const settings = { passwordWritebackEnabled: false, resetAs: 'bot' as const };

    assert.equal(decideReset(alex, await loadTargetProfile(sut, id('16')), settings).allowed, true);
    const disabled = decideReset(alex, await loadTargetProfile(sut, id('13')), settings);
    assert.ok(disabled.allowed && disabled.warnings.length === 1);
  });

  it('reads roles in a tenant without PIM (P1): no eligible roles, the reset decided, one notice', async () => {
    await control('PUT', 'licence', { licence: 'P1' });
    const notices: string[] = [];
    const directory = new GraphDirectory(
      createGraphClient({
        tenantId: simulator.tenantId,
        clientId: '3f2c8a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7',
        clientSecret: 'sim-demo-client-secret',
        authorityHost: simulator.url,
        graphBaseUrl: simulator.url,
      }),
      { info: (message) => notices.push(message) },
    );

    const [requester, target] = await Promise.all([
      loadRequesterProfile(directory, ALEX),
      loadTargetProfile(directory, MEGAN),
    ]);
    assert.ok(requester.roles.some((role) => role.roleDefinitionId === HELPDESK_ADMIN));
    assert.ok([...requester.roles, ...target.roles].every((role) => role.kind === 'active'));
    assert.equal(
      decideReset(requester, target, { passwordWritebackEnabled: false, resetAs: 'bot' as const }).allowed,
      true,
    );
    assert.equal(notices.length, 1, `one notice for the tenant: ${JSON.stringify(notices)}`);
    assert.match(notices[0] ?? '', /P2|Governance|PIM/);
  });

  it("reads a requester's roles without the tenant-wide list of role-assignable groups and their owners", async () => {
    await control('DELETE', 'calls');
    const withoutOwned = await sut.getUserRoles(ALEX, { ownedGroups: false });
    const calls = (await control('GET', 'calls')) as { value: Array<{ path: string }> };
    assert.ok(withoutOwned.roles.some((role) => role.roleDefinitionId === HELPDESK_ADMIN));
    assert.deepEqual(
      calls.value.filter((call) => call.path.startsWith('/v1.0/groups')),
      [],
      'no /groups read',
    );
  });
});

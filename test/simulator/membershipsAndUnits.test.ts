import assert from 'node:assert/strict';
import type { Client } from '@microsoft/microsoft-graph-client';
import { demo, graphFailure, SimulatorHarness, userId } from './harness';

const tier0Operators = 'e1a0c000-0000-4000-8000-000000000001';
const helpdeskTeam = 'e1a0c000-0000-4000-8000-000000000002';
const allCompany = 'e1a0c000-0000-4000-8000-000000000003';
const executiveProtection = 'e1a0a000-0000-4000-8000-000000000001';
const seattleOffice = 'e1a0a000-0000-4000-8000-000000000002';
const helpdeskAdministrator = '729827e3-9c14-49f7-bb1b-9608f156bbb8';

interface DirectoryObjectPage {
  value: Record<string, unknown>[];
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
}

/** The documented query for a user's role-assignable groups (cast, filter, advanced query parameters). */
function roleAssignableGroups(client: Client, user: string, relationship = 'transitiveMemberOf') {
  return client
    .api(`/users/${user}/${relationship}/microsoft.graph.group`)
    .header('ConsistencyLevel', 'eventual')
    .count(true)
    .filter('isAssignableToRole eq true')
    .select(['id', 'displayName', 'isAssignableToRole'])
    .top(999);
}

describe('simulator: memberships with limited information, and administrative units', () => {
  let h: SimulatorHarness;
  let bot: Client;
  let outdated: Client;
  before(async () => {
    h = await SimulatorHarness.start();
    bot = h.botClient();
    outdated = h.graphClient(h.appCredential(demo.outdatedConsentAppId, demo.outdatedConsentSecret));
  });
  after(async () => {
    await h.close();
  });

  describe('transitiveMemberOf and ownedObjects', () => {
    it('returns role-assignable groups in full to an app with GroupMember.Read.All', async () => {
      const page = (await roleAssignableGroups(bot, userId('0d')).get()) as DirectoryObjectPage;

      assert.deepEqual(page.value, [
        {
          '@odata.type': '#microsoft.graph.group',
          id: tier0Operators,
          displayName: 'Tier 0 Operators',
          isAssignableToRole: true,
        },
      ]);
      assert.equal(page['@odata.count'], 1);
    });

    it('leaves out groups a filter cannot be evaluated on for an app with only User.Read.All', async () => {
      const page = (await roleAssignableGroups(outdated, userId('0d')).get()) as DirectoryObjectPage;

      assert.deepEqual(page.value, []);
    });

    it('returns groups with limited information (type and id only) when nothing is filtered', async () => {
      const page = (await outdated
        .api(`/users/${userId('0d')}/transitiveMemberOf`)
        .select(['id', 'displayName', 'isAssignableToRole'])
        .get()) as DirectoryObjectPage;

      const limited = (id: string) => ({
        '@odata.type': '#microsoft.graph.group',
        id,
        displayName: null,
        isAssignableToRole: null,
      });
      assert.deepEqual(
        page.value.filter((o) => o['@odata.type'] === '#microsoft.graph.group'),
        [limited(tier0Operators), limited(allCompany)],
      );
    });

    it('nulls every property of a limited group and empties its collections when nothing is selected', async () => {
      const page = (await outdated
        .api(`/users/${userId('0e')}/transitiveMemberOf`)
        .get()) as DirectoryObjectPage;

      const group = page.value.find((o) => o.id === helpdeskTeam);
      assert.deepEqual(group, {
        '@odata.type': '#microsoft.graph.group',
        id: helpdeskTeam,
        displayName: null,
        description: null,
        isAssignableToRole: null,
        securityEnabled: null,
        mailEnabled: null,
        groupTypes: [],
      });
    });

    it('refuses app-only calls to ownedObjects, and its group cast: Learn lists application permissions as "Not supported"', async () => {
      for (const path of [
        `/users/${userId('2a')}/ownedObjects`,
        `/users/${userId('2a')}/ownedObjects/microsoft.graph.group`,
      ]) {
        const failure = await graphFailure(bot.api(path).get());

        assert.equal(failure.statusCode, 403, path);
        assert.equal(failure.code, 'Authorization_RequestDenied');
        assert.equal(failure.message, 'Insufficient privileges to complete the operation.');
      }
    });

    it('still answers delegated calls to ownedObjects', async () => {
      const page = (await h
        .userClient('alexw@contoso.com')
        .api(`/users/${userId('2a')}/ownedObjects/microsoft.graph.group`)
        .select(['displayName', 'isAssignableToRole'])
        .get()) as DirectoryObjectPage;

      assert.deepEqual(
        page.value.map((g) => [g.displayName, g.isAssignableToRole]),
        [['Executive Assistants', true]],
      );
    });

    it('leaves isAssignableToRole null on a group created without it, as Graph does', async () => {
      const page = (await bot
        .api(`/users/${userId('04')}/transitiveMemberOf`)
        .select(['displayName', 'isAssignableToRole'])
        .get()) as DirectoryObjectPage;
      // Administrative units are listed too (Megan is in "Helpdesk-served users"); only groups have the flag.
      const groups = page.value.filter((entry) => entry['@odata.type'] === '#microsoft.graph.group');

      assert.deepEqual(groups.map((g) => [g.displayName, g.isAssignableToRole]).sort(), [
        ['All Company', false],
        ['Contoso Sales', null],
      ]);
    });

    for (const [name, withHeader, withCount] of [
      ['without ConsistencyLevel', false, true],
      ['without $count=true', true, false],
    ] as const) {
      it(`refuses the group cast ${name} (400 Request_UnsupportedQuery)`, async () => {
        let request = bot.api(`/users/${userId('0d')}/transitiveMemberOf/microsoft.graph.group`);
        if (withHeader) request = request.header('ConsistencyLevel', 'eventual');
        if (withCount) request = request.query({ $count: 'true' });
        const failure = await graphFailure(request.get());

        assert.equal(failure.statusCode, 400);
        assert.equal(failure.code, 'Request_UnsupportedQuery');
      });
    }

    it('pages with $top and @odata.nextLink, and refuses a page of more than 999', async () => {
      const all = (await bot.api(`/users/${userId('04')}/transitiveMemberOf`).get()) as DirectoryObjectPage;
      assert.ok(all.value.length >= 2);
      const ids: unknown[] = [];
      let page = (await bot
        .api(`/users/${userId('04')}/transitiveMemberOf`)
        .top(1)
        .get()) as DirectoryObjectPage;
      for (;;) {
        assert.equal(page.value.length, 1);
        ids.push(page.value[0]?.id);
        const next = page['@odata.nextLink'];
        if (next === undefined) break;
        page = (await bot.api(next).get()) as DirectoryObjectPage;
      }
      assert.deepEqual(ids.sort(), all.value.map((entry) => entry.id).sort());

      const failure = await graphFailure(
        bot
          .api(`/users/${userId('04')}/transitiveMemberOf`)
          .top(1000)
          .get(),
      );
      assert.equal(failure.statusCode, 400);
    });
  });

  describe('administrative units', () => {
    it('reads isMemberManagementRestricted of a unit (v1.0 /directory/administrativeUnits/{id})', async () => {
      const restricted = (await bot
        .api(`/directory/administrativeUnits/${executiveProtection}`)
        .select(['id', 'displayName', 'isMemberManagementRestricted'])
        .get()) as Record<string, unknown>;
      const open = (await bot.api(`/directory/administrativeUnits/${seattleOffice}`).get()) as Record<
        string,
        unknown
      >;

      assert.equal(restricted.isMemberManagementRestricted, true);
      assert.equal(restricted.displayName, 'Executive Protection');
      assert.equal(open.isMemberManagementRestricted, false);
    });

    it('answers 404 for an unknown unit and 403 without AdministrativeUnit.Read.All', async () => {
      const unknown = await graphFailure(
        bot.api('/directory/administrativeUnits/e1a0a000-0000-4000-8000-0000000000ff').get(),
      );
      const denied = await graphFailure(
        outdated.api(`/directory/administrativeUnits/${seattleOffice}`).get(),
      );

      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.code, 'Request_ResourceNotFound');
      assert.equal(denied.statusCode, 403);
      assert.equal(denied.code, 'Authorization_RequestDenied');
    });

    it("refuses the Helpdesk app resetting Kara, whose role is scoped to a restricted unit she isn't in", async () => {
      const failure = await graphFailure(
        bot.api(`/users/${userId('23')}`).patch({
          passwordProfile: { password: 'Kq7#vR2m!Lp9$wT4', forceChangePasswordNextSignIn: true },
        }),
      );

      assert.equal(failure.statusCode, 403);
    });

    it('lets a Privileged Authentication Administrator reset Kara', async () => {
      await h.reset();
      const henrietta = h.userClient('henriettam@contoso.com');

      await henrietta.api(`/users/${userId('23')}`).patch({
        passwordProfile: { password: 'Kq7#vR2m!Lp9$wT4', forceChangePasswordNextSignIn: true },
      });

      assert.equal((await h.signIn('karat@contoso.com', 'Kq7#vR2m!Lp9$wT4')).signedIn, true);
      await h.reset();
    });
  });

  describe('v1.0 roleAssignments', () => {
    it('filters principalId with in, as the unifiedRoleAssignment resource documents', async () => {
      const page = (await bot
        .api('/roleManagement/directory/roleAssignments')
        .filter(`principalId in ('${userId('01')}', '${helpdeskTeam}')`)
        .get()) as { value: { principalId: string; roleDefinitionId: string }[] };

      assert.deepEqual(
        page.value.map((a) => [a.principalId, a.roleDefinitionId]).sort(),
        [
          [helpdeskTeam, helpdeskAdministrator],
          [userId('01'), helpdeskAdministrator],
        ].sort(),
      );
    });

    it('refuses operators other than eq and in, and properties it does not filter on', async () => {
      const startsWith = await graphFailure(
        bot.api('/roleManagement/directory/roleAssignments').filter("startswith(principalId,'e1')").get(),
      );
      const byId = await graphFailure(
        bot.api('/roleManagement/directory/roleAssignments').filter("id eq 'x'").get(),
      );

      assert.equal(startsWith.code, 'Request_UnsupportedQuery');
      assert.equal(byId.code, 'Request_UnsupportedQuery');
    });
  });
});

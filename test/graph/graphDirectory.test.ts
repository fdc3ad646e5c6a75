import assert from 'node:assert/strict';
import { AgentFacingError } from '../../core/errors';
import { decideReset } from '../../core/policy/resetPolicy';
import { loadRequesterProfile, loadTargetProfile } from '../../core/profiles';
import { GraphDirectory, directoryMemory } from '../../graph/graphDirectory';
import { DomainCache } from '../../graph/domainCache';
import { RoleGroupHints } from '../../graph/roleGroupHints';
import { FakeGraphTransport, graphError, graphUser, json, type SentRequest } from './fakeGraphTransport';

const MEGAN = 'e1a00000-0000-4000-8000-000000000002';
const ALEX = 'e1a00000-0000-4000-8000-000000000001';
const PATTI = 'e1a00000-0000-4000-8000-000000000005';
const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const HELPDESK_ADMIN = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const SELECT =
  'id,displayName,userPrincipalName,mail,givenName,surname,jobTitle,department,accountEnabled,userType,' +
  'creationType,externalUserState,identities,onPremisesSyncEnabled,isManagementRestricted,lastPasswordChangeDateTime';

function query(request: SentRequest): URLSearchParams {
  return new URL(request.url).searchParams;
}

async function rejectsWith(promise: Promise<unknown>, kind: string): Promise<AgentFacingError> {
  let caught: unknown;
  await promise.catch((error: unknown) => {
    caught = error;
  });
  assert.ok(caught instanceof AgentFacingError, `expected an AgentFacingError, got ${String(caught)}`);
  assert.equal(caught.kind, kind);
  return caught;
}

describe('GraphDirectory', () => {
  let transport: FakeGraphTransport;
  let sut: GraphDirectory;

  beforeEach(() => {
    transport = new FakeGraphTransport();
    sut = new GraphDirectory(transport.client());
  });

  describe('findUsers', () => {
    it('searches by prefix of display name, given name, surname, UPN and mail, asking for one more than the limit', async () => {
      transport.on('GET', '/v1.0/users', json(200, { value: [graphUser()] }));

      const result = await sut.findUsers('  Megan   ', 5);

      assert.equal(transport.sent.length, 1);
      const filter =
        "startswith(displayName,'Megan') or startswith(givenName,'Megan') or startswith(surname,'Megan') or " +
        "startswith(userPrincipalName,'Megan') or startswith(mail,'Megan')";
      assert.equal(
        transport.sent[0].url,
        `https://graph.microsoft.com/v1.0/users?$select=${SELECT}&$filter=${encodeURIComponent(filter)}&$top=6`,
      );
      assert.deepEqual(
        result.users.map((u) => u.id),
        [MEGAN],
      );
      assert.equal(result.hasMore, false);
    });

    it("encodes a typed name with ', #, &, %, + and = so it stays inside the $filter value", async () => {
      transport.on('GET', '/v1.0/users', json(200, { value: [] }));

      await sut.findUsers("O'Neil #1 & co=100%+", 5);

      const sent = transport.sent[0];
      assert.ok(!sent.url.includes('#'), 'a raw # would cut the URL');
      assert.deepEqual([...query(sent).keys()], ['$select', '$filter', '$top']);
      assert.equal(
        query(sent).get('$filter')?.split(' or ')[0],
        "startswith(displayName,'O''Neil #1 & co=100%+')",
      );
      assert.equal(query(sent).get('$top'), '6');
    });

    it('keeps a typed URL from changing the host the SDK sends to', async () => {
      transport.on('GET', '/v1.0/users', json(200, { value: [] }));

      await sut.findUsers('https://evil.example/v1.0/x', 5);

      assert.equal(new URL(transport.sent[0].url).host, 'graph.microsoft.com');
      assert.equal(new URL(transport.sent[0].url).pathname, '/v1.0/users');
    });

    it('finds an exact UPN or mail match with the one prefix query, and lists it first', async () => {
      const exact = graphUser();
      const other = graphUser({
        id: 'e1a00000-0000-4000-8000-000000000010',
        displayName: 'Megan Bowen-Smith',
        userPrincipalName: 'meganb@contoso.com.example',
        mail: null,
      });
      transport.on('GET', '/v1.0/users', json(200, { value: [other, exact] }));

      const result = await sut.findUsers('MeganB@contoso.com', 5);

      assert.equal(transport.sent.length, 1);
      assert.deepEqual(
        result.users.map((u) => u.id),
        [MEGAN, 'e1a00000-0000-4000-8000-000000000010'],
        'exact match first',
      );
    });

    it('asks for the exact match by name when the prefix query was cut short without it', async () => {
      const exact = graphUser();
      const others = Array.from({ length: 6 }, (_, index) =>
        graphUser({
          id: `e1a00000-0000-4000-8000-00000000002${index}`,
          userPrincipalName: `meganb@contoso.com.x${index}`,
          mail: null,
        }),
      );
      transport.on('GET', '/v1.0/users', (request) =>
        query(request).get('$filter')?.startsWith('userPrincipalName eq')
          ? json(200, { value: [exact] })
          : json(200, { value: others }),
      );

      const result = await sut.findUsers('meganb@contoso.com', 5);

      const filters = transport.sent.map((r) => query(r).get('$filter'));
      assert.ok(
        filters.includes("userPrincipalName eq 'meganb@contoso.com' or mail eq 'meganb@contoso.com'"),
      );
      assert.equal(result.users[0].id, MEGAN);
      assert.equal(result.users.length, 5);
      assert.equal(result.hasMore, true);
    });

    it('does not run an exact lookup for a plain name', async () => {
      transport.on('GET', '/v1.0/users', json(200, { value: [] }));

      await sut.findUsers('Megan Bowen', 5);

      assert.equal(transport.sent.length, 1);
      assert.match(query(transport.sent[0]).get('$filter') ?? '', /^startswith/);
    });

    it('returns at most the limit and says there are more when Graph returned more', async () => {
      const users = [1, 2, 3].map((n) => graphUser({ id: `e1a00000-0000-4000-8000-00000000001${n}` }));
      transport.on('GET', '/v1.0/users', json(200, { value: users }));

      const result = await sut.findUsers('Meg', 2);

      assert.equal(result.users.length, 2);
      assert.equal(result.hasMore, true);
    });

    it('drops agent identities from the results', async () => {
      const agent = {
        '@odata.type': '#microsoft.graph.agentUser',
        id: 'e1a00000-0000-4000-8000-0000000000aa',
        displayName: 'Megan helper agent',
      };
      transport.on('GET', '/v1.0/users', json(200, { value: [agent, graphUser()] }));

      const result = await sut.findUsers('Meg', 5);

      assert.deepEqual(
        result.users.map((u) => u.id),
        [MEGAN],
      );
    });

    it('refuses a user list missing a property the reset rules read', async () => {
      const withoutIdentities = graphUser();
      delete withoutIdentities.identities;
      transport.on('GET', '/v1.0/users', json(200, { value: [withoutIdentities] }));

      await rejectsWith(sut.findUsers('Meg', 5), 'GraphUnavailable');
    });

    it('refuses an answer that is not a user list at all', async () => {
      transport.on('GET', '/v1.0/users', json(200, { users: 'nope' }));

      await rejectsWith(sut.findUsers('Meg', 5), 'GraphUnavailable');
    });

    for (const typed of ['', '   ', '\u0000\u0007', 'x'.repeat(101)]) {
      it(`refuses search text ${JSON.stringify(typed.slice(0, 12))}${typed.length > 12 ? '…' : ''} without calling Graph`, async () => {
        await rejectsWith(sut.findUsers(typed, 5), 'BadInput');
        assert.equal(transport.sent.length, 0);
      });
    }
  });

  describe('getUser', () => {
    it('reads a user by UPN with the UPN encoded as one path segment', async () => {
      const guest = graphUser({ userPrincipalName: 'pat_fabrikam.com#EXT#@contoso.onmicrosoft.com' });
      transport.on(
        'GET',
        '/v1.0/users/pat_fabrikam.com%23EXT%23%40contoso.onmicrosoft.com',
        json(200, guest),
      );

      const user = await sut.getUser('pat_fabrikam.com#EXT#@contoso.onmicrosoft.com');

      assert.equal(user.userPrincipalName, 'pat_fabrikam.com#EXT#@contoso.onmicrosoft.com');
      assert.equal(query(transport.sent[0]).get('$select'), SELECT);
    });

    it('maps the user properties the reset rules read', async () => {
      transport.on(
        'GET',
        `/v1.0/users/${MEGAN}`,
        json(
          200,
          graphUser({ onPremisesSyncEnabled: true, isManagementRestricted: true, displayName: null }),
        ),
      );

      const user = await sut.getUser(MEGAN);

      assert.equal(user.onPremisesSyncEnabled, true);
      assert.equal(user.isManagementRestricted, true);
      assert.equal(user.displayName, 'meganb@contoso.com', 'the UPN stands in for a missing display name');
      assert.deepEqual(user.identities, [
        {
          signInType: 'userPrincipalName',
          issuer: 'contoso.onmicrosoft.com',
          issuerAssignedId: 'meganb@contoso.com',
        },
      ]);
    });

    it('treats an absent isManagementRestricted as not restricted', async () => {
      const user = graphUser();
      delete user.isManagementRestricted;
      transport.on('GET', `/v1.0/users/${MEGAN}`, json(200, user));

      assert.equal((await sut.getUser(MEGAN)).isManagementRestricted, null);
    });

    for (const reference of ['..', '.', 'megan', '../../domains', 'a/b']) {
      it(`refuses ${JSON.stringify(reference)} as a user reference without calling Graph`, async () => {
        await rejectsWith(sut.getUser(reference), 'BadInput');
        assert.equal(transport.sent.length, 0);
      });
    }

    it('names User.Read.All when reading users is refused (403 on a read: missing consent)', async () => {
      transport.on(
        'GET',
        `/v1.0/users/${MEGAN}`,
        graphError(403, 'Authorization_RequestDenied', 'Insufficient'),
      );

      const error = await rejectsWith(sut.getUser(MEGAN), 'MissingPermission');
      assert.match(error.message, /User\.Read\.All/);
      assert.doesNotMatch(error.message, /role/);
    });

    it('reports an unknown user as UserNotFound with the request id', async () => {
      transport.on(
        'GET',
        `/v1.0/users/${MEGAN}`,
        graphError(404, 'Request_ResourceNotFound', 'Resource x does not exist', 'abc-123'),
      );

      const error = await rejectsWith(sut.getUser(MEGAN), 'UserNotFound');
      assert.equal(error.requestId, 'abc-123');
    });

    it('refuses an answer about a different user than the one asked for', async () => {
      transport.on('GET', `/v1.0/users/${MEGAN}`, json(200, graphUser({ id: ALEX })));

      await rejectsWith(sut.getUser(MEGAN), 'GraphUnavailable');
    });

    it('refuses an agent identity as not resettable', async () => {
      transport.on(
        'GET',
        `/v1.0/users/${MEGAN}`,
        json(200, graphUser({ '@odata.type': '#microsoft.graph.agentUser' })),
      );

      await rejectsWith(sut.getUser(MEGAN), 'NotResettable');
    });

    it('refuses a user whose accountEnabled is not a boolean', async () => {
      transport.on('GET', `/v1.0/users/${MEGAN}`, json(200, graphUser({ accountEnabled: 'yes' })));

      await rejectsWith(sut.getUser(MEGAN), 'GraphUnavailable');
    });

    it('reports a network failure as GraphUnavailable', async () => {
      transport.on('GET', `/v1.0/users/${MEGAN}`, () => {
        throw new TypeError('fetch failed');
      });

      await rejectsWith(sut.getUser(MEGAN), 'GraphUnavailable');
    });
  });

  describe('getUserRoles', () => {
    const active = '/v1.0/roleManagement/directory/roleAssignments';
    const eligible = '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances';
    const memberOf = `/v1.0/users/${ALEX}/transitiveMemberOf`;
    const groupsList = '/v1.0/groups';
    const HELPDESK_TEAM = 'e1a0c000-0000-4000-8000-000000000002';
    const TIER0 = 'e1a0c000-0000-4000-8000-000000000001';
    const UNIT_SCOPE = '/administrativeUnits/e1a0a000-0000-4000-8000-000000000001';

    function group(id: string, displayName: string | null, isAssignableToRole: boolean | null) {
      return { '@odata.type': '#microsoft.graph.group', id, displayName, isAssignableToRole };
    }

    /** A role-assignable group as `GET /groups?…&$expand=owners($select=id)` lists it. */
    function ownedGroup(id: string, displayName: string, ownerIds: string[], isAssignableToRole = true) {
      return {
        id,
        displayName,
        isAssignableToRole,
        owners: ownerIds.map((owner) => ({ '@odata.type': '#microsoft.graph.user', id: owner })),
      };
    }

    /** `count` distinct user ids that are none of the test's people. */
    function otherUsers(count: number, from = 0): string[] {
      return Array.from(
        { length: count },
        (_, n) => `e1a00000-0000-4000-9000-${String(from + n).padStart(12, '0')}`,
      );
    }

    /** A directory where Alex holds Helpdesk directly and through the Helpdesk Team group. */
    function alexDirectory(overrides: { memberOf?: unknown[]; eligible?: Response } = {}): void {
      transport.on(
        'GET',
        memberOf,
        json(200, {
          value: overrides.memberOf ?? [
            group(HELPDESK_TEAM, 'Helpdesk Team', true),
            group('e1a0c000-0000-4000-8000-000000000003', 'All Company', false),
            group('e1a0c000-0000-4000-8000-000000000005', 'Contoso Sales', null),
            { '@odata.type': '#microsoft.graph.directoryRole', id: 'role-1', displayName: 'Helpdesk' },
          ],
        }),
      );
      transport.on(
        'GET',
        groupsList,
        json(200, {
          value: [ownedGroup(TIER0, 'Tier 0', [PATTI]), ownedGroup(HELPDESK_TEAM, 'Helpdesk Team', [])],
        }),
      );
      transport.on('GET', active, (request) => {
        const filter = query(request).get('$filter') ?? '';
        const rows = [
          { id: 'a1', principalId: ALEX, roleDefinitionId: HELPDESK_ADMIN, directoryScopeId: '/' },
          {
            id: 'a2',
            principalId: HELPDESK_TEAM,
            roleDefinitionId: HELPDESK_ADMIN.toUpperCase(),
            directoryScopeId: '/',
          },
          { id: 'a3', principalId: ALEX, roleDefinitionId: HELPDESK_ADMIN, directoryScopeId: UNIT_SCOPE },
        ];
        return json(200, { value: rows.filter((row) => filter.includes(row.principalId)) });
      });
      transport.on(
        'GET',
        eligible,
        overrides.eligible ??
          json(200, {
            value: [{ id: 'e1', principalId: ALEX, roleDefinitionId: GLOBAL_ADMIN, directoryScopeId: '/' }],
          }),
      );
    }

    it('reads active roles from v1.0 only: assigned to the user, and to their role-assignable groups', async () => {
      alexDirectory();

      const { roles } = await sut.getUserRoles(ALEX);

      assert.deepEqual(roles, [
        { roleDefinitionId: HELPDESK_ADMIN, directoryScopeId: '/', kind: 'active' },
        { roleDefinitionId: HELPDESK_ADMIN, directoryScopeId: UNIT_SCOPE, kind: 'active' },
        { roleDefinitionId: GLOBAL_ADMIN, directoryScopeId: '/', kind: 'eligible' },
      ]);
      assert.ok(
        transport.sent.every((r) => new URL(r.url).pathname.startsWith('/v1.0/')),
        'no beta call',
      );
      const filters = transport.sent
        .filter((r) => new URL(r.url).pathname === active)
        .map((r) => query(r).get('$filter'));
      assert.deepEqual(filters.sort(), [`principalId eq '${ALEX}'`, `principalId eq '${HELPDESK_TEAM}'`]);
    });

    it("asks for the roles of the groups the user was in last time with the user's own, and trusts only the fresh membership", async () => {
      alexDirectory();
      const memory = directoryMemory();
      const turn = () => new GraphDirectory(transport.client(), undefined, undefined, memory);
      const activeFilters = () =>
        transport.sent.filter((r) => new URL(r.url).pathname === active).map((r) => query(r).get('$filter'));

      const first = await turn().getUserRoles(ALEX);
      assert.deepEqual(activeFilters().sort(), [
        `principalId eq '${ALEX}'`,
        `principalId eq '${HELPDESK_TEAM}'`,
      ]);
      transport.sent.splice(0);

      const second = await turn().getUserRoles(ALEX);
      assert.deepEqual(
        activeFilters(),
        [`principalId in ('${ALEX}','${HELPDESK_TEAM}')`],
        'one read, with the guess',
      );
      assert.deepEqual(second, first);
      transport.sent.splice(0);

      // Alex has left the Helpdesk Team, which now holds Global Administrator: asked for (the guess), not lent.
      alexDirectory({ memberOf: [] });
      transport.on('GET', active, (request) => {
        const filter = query(request).get('$filter') ?? '';
        const rows = [
          { id: 'a1', principalId: ALEX, roleDefinitionId: HELPDESK_ADMIN, directoryScopeId: '/' },
          { id: 'a4', principalId: HELPDESK_TEAM, roleDefinitionId: GLOBAL_ADMIN, directoryScopeId: '/' },
        ];
        return json(200, { value: rows.filter((row) => filter.includes(row.principalId)) });
      });
      const third = await turn().getUserRoles(ALEX);
      assert.deepEqual(activeFilters(), [`principalId in ('${ALEX}','${HELPDESK_TEAM}')`]);
      assert.deepEqual(third.roleAssignableGroups, []);
      assert.deepEqual(
        third.roles.filter((role) => role.kind === 'active'),
        [{ roleDefinitionId: HELPDESK_ADMIN, directoryScopeId: '/', kind: 'active' }],
        "only Alex's own rows",
      );
      transport.sent.splice(0);
      await turn().getUserRoles(ALEX);
      assert.deepEqual(activeFilters(), [`principalId eq '${ALEX}'`], 'the guess follows the membership');
    });

    it('asks about several groups at once with in, at most 15 to a request', async () => {
      const groups = Array.from({ length: 16 }, (_, n) =>
        group(`e1a0c000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`, `Group ${n}`, true),
      );
      alexDirectory({ memberOf: groups });

      await sut.getUserRoles(ALEX);

      const filters = transport.sent
        .filter((r) => new URL(r.url).pathname === active)
        .map((r) => query(r).get('$filter') ?? '');
      assert.equal(filters.length, 3);
      assert.ok(filters.some((f) => f.startsWith('principalId in (') && f.split(',').length === 15));
      assert.ok(filters.includes(`principalId eq '${groups[15].id}'`));
    });

    it('keeps the role reads to two round trips: only the group-based read waits for the groups', async () => {
      const order: string[] = [];
      let releaseGroups: () => void = () => undefined;
      const groupsAnswered = new Promise<void>((resolve) => (releaseGroups = resolve));
      alexDirectory();
      const fake = transport as unknown as { execute: (context: { request: string }) => Promise<void> };
      const execute = fake.execute.bind(transport);
      fake.execute = async (context) => {
        const url = String(context.request);
        order.push(new URL(url).pathname + (url.includes(HELPDESK_TEAM) ? '#groups' : ''));
        if (url.includes('transitiveMemberOf')) await groupsAnswered;
        return execute(context);
      };

      const reading = sut.getUserRoles(ALEX);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(
        order.sort(),
        [active, eligible, memberOf, groupsList].sort(),
        'all independent reads start',
      );
      releaseGroups();
      await reading;
      assert.equal(order.at(-1), `${active}#groups`);
    });

    it('lists role-assignable groups the user is a member or owner of, once each, with $top=999', async () => {
      alexDirectory();
      transport.on(
        'GET',
        groupsList,
        json(200, {
          value: [
            ownedGroup(HELPDESK_TEAM, 'Helpdesk Team', [ALEX]),
            ownedGroup(TIER0, 'Tier 0', [PATTI, ALEX.toUpperCase()]),
          ],
        }),
      );

      const { roleAssignableGroups } = await sut.getUserRoles(ALEX);

      assert.deepEqual(roleAssignableGroups, [
        { id: HELPDESK_TEAM, displayName: 'Helpdesk Team' },
        { id: TIER0, displayName: 'Tier 0' },
      ]);
      const membership = transport.sent.find((r) => new URL(r.url).pathname === memberOf);
      assert.equal(query(membership as SentRequest).get('$select'), 'id,displayName,isAssignableToRole');
      assert.equal(query(membership as SentRequest).get('$top'), '999');
    });

    describe('role-assignable groups the user owns', () => {
      it('lists role-assignable groups with their owners (app-only), never ownedObjects (no application permission)', async () => {
        alexDirectory();
        transport.on(
          'GET',
          groupsList,
          json(200, {
            value: [
              ownedGroup(TIER0, 'Tier 0', [PATTI, ALEX]),
              ownedGroup(HELPDESK_TEAM, 'Helpdesk Team', [PATTI]),
            ],
          }),
        );

        const { roleAssignableGroups } = await sut.getUserRoles(ALEX);

        assert.deepEqual(
          roleAssignableGroups.map((g) => g.displayName),
          ['Helpdesk Team', 'Tier 0'],
        );
        const listing = query(
          transport.sent.find((r) => new URL(r.url).pathname === groupsList) as SentRequest,
        );
        assert.equal(listing.get('$filter'), 'isAssignableToRole eq true');
        assert.equal(listing.get('$select'), 'id,displayName,isAssignableToRole');
        assert.equal(listing.get('$expand'), 'owners($select=id)');
        assert.equal(listing.get('$top'), '999');
        assert.ok(transport.sent.every((r) => !r.url.includes('ownedObjects')));
      });

      it('does not protect the owner of a group that is not role-assignable, should the filter not be applied', async () => {
        alexDirectory({ memberOf: [] });
        transport.on(
          'GET',
          groupsList,
          json(200, {
            value: [
              ownedGroup(TIER0, 'All Company', [ALEX], false),
              { ...ownedGroup(HELPDESK_TEAM, 'Sales', [ALEX]), isAssignableToRole: null },
            ],
          }),
        );

        assert.deepEqual((await sut.getUserRoles(ALEX)).roleAssignableGroups, []);
      });

      it('finds an owner past the expand limit by reading that group’s owners in full, page by page', async () => {
        alexDirectory({ memberOf: [] });
        transport.on(
          'GET',
          groupsList,
          json(200, {
            value: [
              ownedGroup(TIER0, 'Tier 0', otherUsers(20)),
              ownedGroup(HELPDESK_TEAM, 'Helpdesk Team', otherUsers(19)),
            ],
          }),
        );
        const owners = `/v1.0/groups/${TIER0}/owners`;
        const next = `https://graph.microsoft.com${owners}?$select=id&$top=999&$skiptoken=p2`;
        transport.on('GET', owners, (request) =>
          request.url.includes('skiptoken')
            ? json(200, { value: [{ '@odata.type': '#microsoft.graph.user', id: ALEX }] })
            : json(200, {
                value: otherUsers(25).map((id) => ({ id })),
                '@odata.nextLink': next,
              }),
        );

        const { roleAssignableGroups } = await sut.getUserRoles(ALEX);

        assert.deepEqual(roleAssignableGroups, [{ id: TIER0, displayName: 'Tier 0' }]);
        const ownerReads = transport.sent.filter((r) => new URL(r.url).pathname.endsWith('/owners'));
        assert.equal(ownerReads.length, 2, 'only the group at the limit is read again, both pages');
        assert.equal(query(ownerReads[0]).get('$select'), 'id');
      });

      it('does not read the owners again when the user is among the expanded ones', async () => {
        alexDirectory({ memberOf: [] });
        transport.on(
          'GET',
          groupsList,
          json(200, { value: [ownedGroup(TIER0, 'Tier 0', [...otherUsers(19), ALEX])] }),
        );

        const { roleAssignableGroups } = await sut.getUserRoles(ALEX);

        assert.deepEqual(roleAssignableGroups, [{ id: TIER0, displayName: 'Tier 0' }]);
        assert.ok(transport.sent.every((r) => !new URL(r.url).pathname.endsWith('/owners')));
      });

      it('reads the owners in full when an expanded list comes with a nextLink of its own', async () => {
        alexDirectory({ memberOf: [] });
        transport.on(
          'GET',
          groupsList,
          json(200, {
            value: [
              {
                ...ownedGroup(TIER0, 'Tier 0', otherUsers(3)),
                'owners@odata.nextLink': `https://graph.microsoft.com/v1.0/groups/${TIER0}/owners?$skiptoken=x`,
              },
            ],
          }),
        );
        transport.on('GET', `/v1.0/groups/${TIER0}/owners`, json(200, { value: [{ id: ALEX }] }));

        assert.deepEqual(
          (await sut.getUserRoles(ALEX)).roleAssignableGroups.map((g) => g.id),
          [TIER0],
        );
      });

      it('follows nextLink pages of the groups list', async () => {
        alexDirectory({ memberOf: [] });
        const next = 'https://graph.microsoft.com/v1.0/groups?$skiptoken=p2';
        transport.on('GET', groupsList, (request) =>
          request.url.includes('skiptoken')
            ? json(200, { value: [ownedGroup(TIER0, 'Tier 0', [ALEX])] })
            : json(200, { value: [ownedGroup(HELPDESK_TEAM, 'Helpdesk Team', [])], '@odata.nextLink': next }),
        );

        assert.deepEqual(
          (await sut.getUserRoles(ALEX)).roleAssignableGroups.map((g) => g.id),
          [TIER0],
        );
      });

      const unreadable: [string, unknown][] = [
        [
          'a group without its expanded owners',
          { value: [{ id: TIER0, displayName: 'Tier 0', isAssignableToRole: true }] },
        ],
        [
          'an owner without an id',
          {
            value: [
              { ...ownedGroup(TIER0, 'Tier 0', []), owners: [{ '@odata.type': '#microsoft.graph.user' }] },
            ],
          },
        ],
        ['a group without isAssignableToRole', { value: [{ id: TIER0, displayName: 'Tier 0', owners: [] }] }],
        ['a list that is not a list', { value: { id: TIER0 } }],
      ];
      for (const [name, body] of unreadable) {
        it(`fails closed on ${name}`, async () => {
          alexDirectory({ memberOf: [] });
          transport.on('GET', groupsList, json(200, body));

          await rejectsWith(sut.getUserRoles(ALEX), 'GraphUnavailable');
        });
      }

      it('fails closed when the full owners of a group at the limit cannot be read', async () => {
        alexDirectory({ memberOf: [] });
        transport.on('GET', groupsList, json(200, { value: [ownedGroup(TIER0, 'Tier 0', otherUsers(20))] }));
        transport.on('GET', `/v1.0/groups/${TIER0}/owners`, json(200, { value: [{ displayName: 'no id' }] }));

        await rejectsWith(sut.getUserRoles(ALEX), 'GraphUnavailable');
      });

      it('fails closed on a group id that is not an object id before reading its owners', async () => {
        alexDirectory({ memberOf: [] });
        transport.on(
          'GET',
          groupsList,
          json(200, { value: [ownedGroup('../users', 'Odd', otherUsers(20))] }),
        );

        await rejectsWith(sut.getUserRoles(ALEX), 'GraphUnavailable');
        assert.ok(transport.sent.every((r) => !new URL(r.url).pathname.endsWith('/owners')));
      });

      it('names GroupMember.Read.All when listing groups is refused (403)', async () => {
        alexDirectory();
        transport.on(
          'GET',
          groupsList,
          graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges'),
        );

        const error = await rejectsWith(sut.getUserRoles(ALEX), 'MissingPermission');
        assert.match(
          error.message,
          /read the owners of role-assignable groups: .* permission GroupMember\.Read\.All/,
        );
      });

      it('names GroupMember.Read.All when reading the owners of a group is refused (403)', async () => {
        alexDirectory({ memberOf: [] });
        transport.on('GET', groupsList, json(200, { value: [ownedGroup(TIER0, 'Tier 0', otherUsers(20))] }));
        transport.on(
          'GET',
          `/v1.0/groups/${TIER0}/owners`,
          graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges'),
        );

        const error = await rejectsWith(sut.getUserRoles(ALEX), 'MissingPermission');
        assert.match(error.message, /GroupMember\.Read\.All/);
      });
    });

    it('follows nextLink pages of memberships', async () => {
      alexDirectory();
      const next = `https://graph.microsoft.com/v1.0/users/${ALEX}/transitiveMemberOf?$skiptoken=p2`;
      transport.on('GET', memberOf, (request) =>
        request.url.includes('skiptoken')
          ? json(200, { value: [group(TIER0, 'Tier 0', true)] })
          : json(200, { value: [group(HELPDESK_TEAM, 'Helpdesk Team', true)], '@odata.nextLink': next }),
      );

      const { roleAssignableGroups } = await sut.getUserRoles(ALEX);

      assert.deepEqual(
        roleAssignableGroups.map((g) => g.id),
        [HELPDESK_TEAM, TIER0],
      );
    });

    it('refuses to guess when transitiveMemberOf lists groups with limited information, naming GroupMember.Read.All', async () => {
      alexDirectory();
      transport.on('GET', memberOf, json(200, { value: [group(TIER0, null, null)] }));

      const error = await rejectsWith(sut.getUserRoles(ALEX), 'MissingPermission');
      assert.match(error.message, /GroupMember\.Read\.All/);
      assert.match(error.nextStep, /admin consent/);
    });

    it('refuses a group entry without isAssignableToRole (the property was not returned as selected)', async () => {
      alexDirectory({
        memberOf: [{ '@odata.type': '#microsoft.graph.group', id: TIER0, displayName: 'Tier 0' }],
      });

      await rejectsWith(sut.getUserRoles(ALEX), 'GraphUnavailable');
    });

    it('treats 400 AadPremiumLicenseRequired (no Entra ID P2) as no eligible roles, and says so once', async () => {
      const notices: string[] = [];
      sut = new GraphDirectory(transport.client(), { info: (message) => notices.push(message) });
      alexDirectory({
        eligible: graphError(
          400,
          'AadPremiumLicenseRequired',
          'The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.',
        ),
      });

      const first = await sut.getUserRoles(ALEX);
      await sut.getUserRoles(ALEX);

      assert.ok(first.roles.every((r) => r.kind === 'active'));
      assert.equal(notices.length, 1);
      assert.match(notices[0], /AadPremiumLicenseRequired/);
    });

    it('fails on any other 400 from the eligibility read', async () => {
      alexDirectory({ eligible: graphError(400, 'BadRequest', 'nope') });

      await rejectsWith(sut.getUserRoles(ALEX), 'GraphUnavailable');
    });

    it('refuses role rows for another principal than asked (a filter Graph ignored must not lend roles)', async () => {
      alexDirectory();
      transport.on(
        'GET',
        active,
        json(200, {
          value: [{ principalId: PATTI, roleDefinitionId: GLOBAL_ADMIN, directoryScopeId: '/' }],
        }),
      );

      await rejectsWith(sut.getUserRoles(ALEX), 'GraphUnavailable');
    });

    it('gives up on a directory that keeps paging', async () => {
      alexDirectory();
      const next = `https://graph.microsoft.com/v1.0/users/${ALEX}/transitiveMemberOf?$skiptoken=again`;
      transport.on('GET', memberOf, json(200, { value: [], '@odata.nextLink': next }));

      await rejectsWith(sut.getUserRoles(ALEX), 'GraphUnavailable');
      assert.ok(transport.sent.length <= 25);
    });

    it('fails when any read fails, so roles are never half-known', async () => {
      alexDirectory({ eligible: graphError(503, 'ServiceUnavailable', 'try later') });

      await rejectsWith(sut.getUserRoles(ALEX), 'GraphUnavailable');
    });

    it('refuses a role row without a scope', async () => {
      alexDirectory();
      transport.on(
        'GET',
        active,
        json(200, { value: [{ principalId: ALEX, roleDefinitionId: GLOBAL_ADMIN }] }),
      );

      await rejectsWith(sut.getUserRoles(ALEX), 'GraphUnavailable');
    });

    it('names RoleManagement.Read.Directory when the role read is refused (403 on a read: missing consent)', async () => {
      alexDirectory();
      transport.on('GET', active, graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges'));

      const error = await rejectsWith(sut.getUserRoles(ALEX), 'MissingPermission');
      assert.match(
        error.message,
        /lacks the Microsoft Graph application permission RoleManagement\.Read\.Directory/,
      );
      assert.equal(error.requestId, 'req-1234');
    });

    it('names User.Read.All when listing memberships is refused', async () => {
      alexDirectory();
      transport.on(
        'GET',
        memberOf,
        graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges'),
      );

      const error = await rejectsWith(sut.getUserRoles(ALEX), 'MissingPermission');
      assert.match(error.message, /read group memberships: .* permission User\.Read\.All/);
    });

    it("refuses a principal id that is not an object id (no OData injection such as ' or 1 eq 1)", async () => {
      await rejectsWith(sut.getUserRoles(`${ALEX}' or principalId ne '`), 'BadInput');
      assert.equal(transport.sent.length, 0);
    });
  });

  describe('who may reset, decided from Graph answers', () => {
    const EXECUTIVE_ASSISTANTS = 'e1a0c000-0000-4000-8000-000000000004';
    const owners = (ids: string[]) => ids.map((id) => ({ '@odata.type': '#microsoft.graph.user', id }));
    const others = Array.from(
      { length: 20 },
      (_, n) => `e1a00000-0000-4000-9000-${String(n).padStart(12, '0')}`,
    );

    /** Alex is a Helpdesk Administrator; Megan holds no role and is in no group. */
    function tenant(groups: unknown[]): void {
      transport.on(
        'GET',
        `/v1.0/users/${ALEX}`,
        json(200, graphUser({ id: ALEX, userPrincipalName: 'alexw@contoso.com' })),
      );
      transport.on('GET', `/v1.0/users/${MEGAN}`, json(200, graphUser()));
      transport.on(
        'GET',
        '/v1.0/domains/contoso.com',
        json(200, { id: 'contoso.com', authenticationType: 'Managed' }),
      );
      for (const user of [ALEX, MEGAN]) {
        transport.on('GET', `/v1.0/users/${user}/transitiveMemberOf`, json(200, { value: [] }));
      }
      transport.on('GET', '/v1.0/groups', json(200, { value: groups }));
      transport.on('GET', '/v1.0/roleManagement/directory/roleAssignments', (request) =>
        json(200, {
          value: (query(request).get('$filter') ?? '').includes(ALEX)
            ? [{ principalId: ALEX, roleDefinitionId: HELPDESK_ADMIN, directoryScopeId: '/' }]
            : [],
        }),
      );
      transport.on(
        'GET',
        '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances',
        json(200, { value: [] }),
      );
    }

    async function decisionForMegan() {
      const settings = { passwordWritebackEnabled: false, resetAs: 'bot' as const };
      return decideReset(
        await loadRequesterProfile(sut, ALEX),
        await loadTargetProfile(sut, MEGAN),
        settings,
      );
    }

    it('lets a Helpdesk Administrator reset a user who owns no role-assignable group', async () => {
      tenant([
        {
          id: EXECUTIVE_ASSISTANTS,
          displayName: 'Executive Assistants',
          isAssignableToRole: true,
          owners: [],
        },
      ]);

      assert.equal((await decisionForMegan()).allowed, true);
    });

    it('refuses a Helpdesk Administrator resetting the owner of a role-assignable group', async () => {
      tenant([
        {
          id: EXECUTIVE_ASSISTANTS,
          displayName: 'Executive Assistants',
          isAssignableToRole: true,
          owners: owners([MEGAN]),
        },
      ]);

      const decision = await decisionForMegan();
      assert.equal(decision.allowed ? 'allowed' : decision.refusal.rule, 'role-assignable-group');
    });

    it('refuses the owner of a group with more owners than $expand returns', async () => {
      tenant([
        {
          id: EXECUTIVE_ASSISTANTS,
          displayName: 'Executive Assistants',
          isAssignableToRole: true,
          owners: owners(others),
        },
      ]);
      transport.on(
        'GET',
        `/v1.0/groups/${EXECUTIVE_ASSISTANTS}/owners`,
        json(200, { value: owners([...others, MEGAN]) }),
      );

      const decision = await decisionForMegan();
      assert.equal(decision.allowed ? 'allowed' : decision.refusal.rule, 'role-assignable-group');
    });

    it('fails closed (no decision at all) when the groups answer cannot be read', async () => {
      tenant([{ id: EXECUTIVE_ASSISTANTS, displayName: 'Executive Assistants', isAssignableToRole: true }]);

      await rejectsWith(decisionForMegan(), 'GraphUnavailable');
    });
  });

  describe('getAdministrativeUnit', () => {
    const UNIT = 'e1a0a000-0000-4000-8000-000000000001';
    const path = `/v1.0/directory/administrativeUnits/${UNIT}`;

    it('reads whether the unit is a restricted management unit', async () => {
      transport.on(
        'GET',
        path,
        json(200, { id: UNIT, displayName: 'Executive Protection', isMemberManagementRestricted: true }),
      );

      assert.deepEqual(await sut.getAdministrativeUnit(UNIT), {
        id: UNIT,
        displayName: 'Executive Protection',
        isMemberManagementRestricted: true,
      });
      assert.equal(query(transport.sent[0]).get('$select'), 'id,displayName,isMemberManagementRestricted');
    });

    it('reads a null isMemberManagementRestricted as not restricted ("the default behavior is false")', async () => {
      transport.on(
        'GET',
        path,
        json(200, { id: UNIT, displayName: 'Seattle', isMemberManagementRestricted: null }),
      );

      assert.equal((await sut.getAdministrativeUnit(UNIT)).isMemberManagementRestricted, false);
    });

    it('names AdministrativeUnit.Read.All when the read is refused', async () => {
      transport.on('GET', path, graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges'));

      const error = await rejectsWith(sut.getAdministrativeUnit(UNIT), 'MissingPermission');
      assert.match(error.message, /AdministrativeUnit\.Read\.All/);
    });

    it('fails closed on a unit the directory does not know, without calling it a missing user', async () => {
      transport.on('GET', path, graphError(404, 'Request_ResourceNotFound', 'gone', 'req-au'));

      const error = await rejectsWith(sut.getAdministrativeUnit(UNIT), 'GraphUnavailable');
      assert.match(error.message, /administrative unit/);
      assert.equal(error.requestId, 'req-au');
    });

    it('refuses an answer about another unit, and an id that is not an object id', async () => {
      transport.on(
        'GET',
        path,
        json(200, { id: ALEX, displayName: 'x', isMemberManagementRestricted: false }),
      );

      await rejectsWith(sut.getAdministrativeUnit(UNIT), 'GraphUnavailable');
      await rejectsWith(sut.getAdministrativeUnit('../users'), 'BadInput');
    });
  });

  describe('memberGroupsOf (checkMemberGroups)', () => {
    const PROTECTED = 'e1a0c000-0000-4000-8000-000000000007';
    const OTHER = 'e1a0c000-0000-4000-8000-000000000008';

    it('posts the group ids and returns the ones Graph says the user is in', async () => {
      transport.on('POST', `/v1.0/users/${MEGAN}/checkMemberGroups`, json(200, { value: [PROTECTED] }));

      assert.deepEqual(await sut.memberGroupsOf(MEGAN, [PROTECTED, OTHER]), [PROTECTED]);
      assert.deepEqual(transport.sent[0]?.body, { groupIds: [PROTECTED, OTHER] });
    });

    it('refuses an answer naming a group it was not asked about (a confused or hostile answer)', async () => {
      transport.on(
        'POST',
        `/v1.0/users/${MEGAN}/checkMemberGroups`,
        json(200, { value: ['e1a0c000-0000-4000-8000-0000000000ee'] }),
      );

      await rejectsWith(sut.memberGroupsOf(MEGAN, [PROTECTED]), 'GraphUnavailable');
    });

    it('names GroupMember.Read.All when Graph refuses the check (403)', async () => {
      transport.on(
        'POST',
        `/v1.0/users/${MEGAN}/checkMemberGroups`,
        graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
      );

      const error = await rejectsWith(sut.memberGroupsOf(MEGAN, [PROTECTED]), 'MissingPermission');
      assert.match(error.message, /GroupMember\.Read\.All/);
    });
  });

  describe('getDomain', () => {
    it('reads the domain authentication type', async () => {
      transport.on(
        'GET',
        '/v1.0/domains/fabrikam.com',
        json(200, { id: 'fabrikam.com', authenticationType: 'Federated', isVerified: true }),
      );

      assert.deepEqual(await sut.getDomain('fabrikam.com'), {
        id: 'fabrikam.com',
        authenticationType: 'Federated',
      });
    });

    it('returns null for a domain Graph does not know', async () => {
      transport.on(
        'GET',
        '/v1.0/domains/example.org',
        graphError(404, 'Request_ResourceNotFound', 'not found'),
      );

      assert.equal(await sut.getDomain('example.org'), null);
    });

    it("keeps a domain's answer five minutes for the directories of every turn, and no failure", async () => {
      let now = Date.parse('2026-12-02T10:00:00Z');
      const domains = new DomainCache(() => now);
      const memory = { domains, roleGroups: new RoleGroupHints() };
      const turn = () => new GraphDirectory(transport.client(), undefined, undefined, memory);
      transport.on('GET', '/v1.0/domains/example.org', graphError(503, 'serviceNotAvailable', 'busy'));
      await assert.rejects(turn().getDomain('example.org'));
      transport.on('GET', '/v1.0/domains/example.org', graphError(404, 'Request_ResourceNotFound', 'no'));
      transport.on(
        'GET',
        '/v1.0/domains/fabrikam.com',
        json(200, { id: 'fabrikam.com', authenticationType: 'Federated', isVerified: true }),
      );

      assert.equal(await turn().getDomain('example.org'), null);
      assert.equal(await turn().getDomain('example.org'), null);
      assert.equal((await turn().getDomain('fabrikam.com'))?.authenticationType, 'Federated');
      now += 5 * 60 * 1000 - 1;
      assert.equal((await turn().getDomain('Fabrikam.com'))?.authenticationType, 'Federated');
      const domainReads = () => transport.sent.filter((request) => request.url.includes('/domains/')).length;
      assert.equal(domainReads(), 3, 'the failed read, then one read of each domain');
      now += 2;
      await turn().getDomain('fabrikam.com');
      assert.equal(domainReads(), 4, 'read again once five minutes have passed');
    });

    it('returns null for a name that cannot be a domain, without calling Graph', async () => {
      assert.equal(await sut.getDomain('../users'), null);
      assert.equal(transport.sent.length, 0);
    });

    it('names Domain.Read.All when reading domains is refused', async () => {
      transport.on('GET', '/v1.0/domains/contoso.com', graphError(403, 'Authorization_RequestDenied', 'no'));

      const error = await rejectsWith(sut.getDomain('contoso.com'), 'MissingPermission');
      assert.match(error.message, /Domain\.Read\.All/);
    });

    it('refuses an authentication type it does not know', async () => {
      transport.on(
        'GET',
        '/v1.0/domains/contoso.com',
        json(200, { id: 'contoso.com', authenticationType: 'Whatever' }),
      );

      await rejectsWith(sut.getDomain('contoso.com'), 'GraphUnavailable');
    });
  });

  describe('resetPassword', () => {
    const password = 'Xy7#kP2m!Qr9$tW4';

    it('patches the password profile and forces a change at next sign-in', async () => {
      transport.on('PATCH', `/v1.0/users/${MEGAN}`, new Response(null, { status: 204 }));

      await sut.resetPassword(MEGAN, password, { requireMfa: false });

      assert.equal(transport.sent[0].url, `https://graph.microsoft.com/v1.0/users/${MEGAN}`);
      assert.deepEqual(transport.sent[0].body, {
        passwordProfile: {
          password,
          forceChangePasswordNextSignIn: true,
          forceChangePasswordNextSignInWithMfa: false,
        },
      });
    });

    it('asks for MFA before the change when requested', async () => {
      transport.on('PATCH', `/v1.0/users/${MEGAN}`, new Response(null, { status: 204 }));

      await sut.resetPassword(MEGAN, password, { requireMfa: true });

      assert.deepEqual(transport.sent[0].body, {
        passwordProfile: {
          password,
          forceChangePasswordNextSignIn: true,
          forceChangePasswordNextSignInWithMfa: true,
        },
      });
    });

    it('reports a rejected password without repeating it', async () => {
      transport.on(
        'PATCH',
        `/v1.0/users/${MEGAN}`,
        graphError(
          400,
          'Request_BadRequest',
          `The specified password does not comply with password complexity requirements. ${password}`,
        ),
      );

      const error = await rejectsWith(
        sut.resetPassword(MEGAN, password, { requireMfa: false }),
        'PasswordRejected',
      );
      assert.ok(!JSON.stringify({ ...error, message: error.message }).includes(password));
      assert.ok(!String(error.stack).includes(password));
    });

    it("reports a denied reset as the bot's own role being too low, not as missing consent", async () => {
      transport.on(
        'PATCH',
        `/v1.0/users/${MEGAN}`,
        graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges'),
      );

      const error = await rejectsWith(
        sut.resetPassword(MEGAN, password, { requireMfa: false }),
        'NotAllowed',
      );
      assert.match(
        error.message,
        /your role covers this user, but the directory role of the bot's own identity/,
      );
      assert.match(error.nextStep, /Privileged Authentication Administrator/);
      assert.match(error.nextStep, /User-PasswordProfile\.ReadWrite\.All/);
    });

    it('never resets a user named by UPN (only object ids reach the PATCH)', async () => {
      await rejectsWith(sut.resetPassword('meganb@contoso.com', password, { requireMfa: false }), 'BadInput');
      assert.equal(transport.sent.length, 0);
    });
  });

  describe('revokeSignInSessions', () => {
    it('posts revokeSignInSessions and accepts the documented 200 {"value": true}', async () => {
      transport.on('POST', `/v1.0/users/${MEGAN}/revokeSignInSessions`, json(200, { value: true }));

      await sut.revokeSignInSessions(MEGAN);

      assert.equal(transport.sent[0].method, 'POST');
    });

    it('accepts a 204 too', async () => {
      transport.on('POST', `/v1.0/users/${MEGAN}/revokeSignInSessions`, new Response(null, { status: 204 }));

      await sut.revokeSignInSessions(MEGAN);
    });

    it("reports a refused sign-out as the bot's role being too low, naming User.RevokeSessions.All too", async () => {
      transport.on(
        'POST',
        `/v1.0/users/${MEGAN}/revokeSignInSessions`,
        graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges'),
      );

      const error = await rejectsWith(sut.revokeSignInSessions(MEGAN), 'NotAllowed');
      assert.match(error.message, /sign the user out of their sessions/);
      assert.match(error.nextStep, /User\.RevokeSessions\.All/);
    });

    it('reports a failure through the error mapping', async () => {
      transport.on(
        'POST',
        `/v1.0/users/${MEGAN}/revokeSignInSessions`,
        graphError(429, 'TooManyRequests', 'slow down'),
      );

      await rejectsWith(sut.revokeSignInSessions(MEGAN), 'Throttled');
    });
  });
});

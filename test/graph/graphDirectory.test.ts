import assert from 'node:assert/strict';
import { AgentFacingError } from '../../core/errors';
import { GraphDirectory } from '../../graph/graphDirectory';
import { FakeGraphTransport, graphError, graphUser, json, type SentRequest } from './fakeGraphTransport';

const MEGAN = 'e1a00000-0000-4000-8000-000000000002';
const ALEX = 'e1a00000-0000-4000-8000-000000000001';
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

    it('asks for an exact UPN or mail match when the text looks like an address, and lists it first', async () => {
      const exact = graphUser();
      const other = graphUser({
        id: 'e1a00000-0000-4000-8000-000000000010',
        displayName: 'Megan Bowen-Smith',
      });
      transport.on('GET', '/v1.0/users', (request) =>
        query(request).get('$filter')?.startsWith('userPrincipalName eq')
          ? json(200, { value: [exact] })
          : json(200, { value: [other, exact] }),
      );

      const result = await sut.findUsers('meganb@contoso.com', 5);

      const filters = transport.sent.map((r) => query(r).get('$filter'));
      assert.ok(
        filters.includes("userPrincipalName eq 'meganb@contoso.com' or mail eq 'meganb@contoso.com'"),
      );
      assert.deepEqual(
        result.users.map((u) => u.id),
        [MEGAN, 'e1a00000-0000-4000-8000-000000000010'],
        'exact match first, duplicates removed',
      );
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

  describe('getRoleAssignments', () => {
    const active = '/beta/roleManagement/directory/transitiveRoleAssignments';
    const eligible = '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances';

    it('reads active roles (beta, transitive, eventual consistency) and eligible roles with an encoded principal filter', async () => {
      transport.on('GET', active, json(200, { value: [] }));
      transport.on('GET', eligible, json(200, { value: [] }));

      await sut.getRoleAssignments(ALEX);

      const filter = encodeURIComponent(`principalId eq '${ALEX}'`);
      const activeRequest = transport.sent.find((r) => r.url.includes('transitiveRoleAssignments'));
      const eligibleRequest = transport.sent.find((r) => r.url.includes('roleEligibilityScheduleInstances'));
      assert.equal(
        activeRequest?.url,
        `https://graph.microsoft.com/beta${active.slice(5)}?$count=true&$filter=${filter}`,
      );
      assert.equal(activeRequest?.headers.consistencylevel, 'eventual');
      assert.equal(eligibleRequest?.url, `https://graph.microsoft.com${eligible}?$filter=${filter}`);
    });

    it('returns active and eligible roles with their scope, once each', async () => {
      transport.on(
        'GET',
        active,
        json(200, {
          value: [
            { id: 'a1', principalId: ALEX, roleDefinitionId: HELPDESK_ADMIN, directoryScopeId: '/' },
            {
              id: 'a2',
              principalId: 'group-id',
              roleDefinitionId: HELPDESK_ADMIN.toUpperCase(),
              directoryScopeId: '/',
            },
            {
              id: 'a3',
              principalId: ALEX,
              roleDefinitionId: HELPDESK_ADMIN,
              directoryScopeId: '/administrativeUnits/e1a0a000-0000-4000-8000-000000000001',
            },
          ],
        }),
      );
      transport.on(
        'GET',
        eligible,
        json(200, { value: [{ id: 'e1', roleDefinitionId: GLOBAL_ADMIN, directoryScopeId: '/' }] }),
      );

      const roles = await sut.getRoleAssignments(ALEX);

      assert.deepEqual(roles, [
        { roleDefinitionId: HELPDESK_ADMIN, directoryScopeId: '/', kind: 'active' },
        {
          roleDefinitionId: HELPDESK_ADMIN,
          directoryScopeId: '/administrativeUnits/e1a0a000-0000-4000-8000-000000000001',
          kind: 'active',
        },
        { roleDefinitionId: GLOBAL_ADMIN, directoryScopeId: '/', kind: 'eligible' },
      ]);
    });

    it('follows nextLink pages and keeps the ConsistencyLevel header on them', async () => {
      const next =
        'https://graph.microsoft.com/beta/roleManagement/directory/transitiveRoleAssignments?$skiptoken=abc%3D%3D';
      transport.on('GET', active, (request) =>
        request.url.includes('skiptoken')
          ? json(200, { value: [{ roleDefinitionId: GLOBAL_ADMIN, directoryScopeId: '/' }] })
          : json(200, {
              value: [{ roleDefinitionId: HELPDESK_ADMIN, directoryScopeId: '/' }],
              '@odata.nextLink': next,
            }),
      );
      transport.on('GET', eligible, json(200, { value: [] }));

      const roles = await sut.getRoleAssignments(ALEX);

      assert.deepEqual(
        roles.map((r) => r.roleDefinitionId),
        [HELPDESK_ADMIN, GLOBAL_ADMIN],
      );
      const second = transport.sent.find((r) => r.url.includes('skiptoken'));
      assert.equal(second?.url, next);
      assert.equal(second?.headers.consistencylevel, 'eventual');
    });

    it('gives up on a directory that keeps paging', async () => {
      const next =
        'https://graph.microsoft.com/beta/roleManagement/directory/transitiveRoleAssignments?$skiptoken=again';
      transport.on('GET', active, json(200, { value: [], '@odata.nextLink': next }));
      transport.on('GET', eligible, json(200, { value: [] }));

      await rejectsWith(sut.getRoleAssignments(ALEX), 'GraphUnavailable');
      assert.ok(transport.sent.length <= 21);
    });

    it('fails when either read fails, so roles are never half-known', async () => {
      transport.on('GET', active, json(200, { value: [] }));
      transport.on('GET', eligible, graphError(503, 'ServiceUnavailable', 'try later'));

      await rejectsWith(sut.getRoleAssignments(ALEX), 'GraphUnavailable');
    });

    it('refuses a role row without a scope', async () => {
      transport.on('GET', active, json(200, { value: [{ roleDefinitionId: GLOBAL_ADMIN }] }));
      transport.on('GET', eligible, json(200, { value: [] }));

      await rejectsWith(sut.getRoleAssignments(ALEX), 'GraphUnavailable');
    });

    it("refuses a principal id that is not an object id (no OData injection such as ' or 1 eq 1)", async () => {
      await rejectsWith(sut.getRoleAssignments(`${ALEX}' or principalId ne '`), 'BadInput');
      assert.equal(transport.sent.length, 0);
    });
  });

  describe('getRoleAssignableGroups', () => {
    const owned = `/v1.0/users/${MEGAN}/ownedObjects/microsoft.graph.group`;

    it('keeps only role-assignable groups among the transitive memberships, across pages', async () => {
      transport.on('GET', owned, json(200, { value: [] }));
      const path = `/v1.0/users/${MEGAN}/transitiveMemberOf`;
      const next = `https://graph.microsoft.com/v1.0/users/${MEGAN}/transitiveMemberOf?$skiptoken=p2`;
      transport.on('GET', path, (request) =>
        request.url.includes('skiptoken')
          ? json(200, {
              value: [
                {
                  '@odata.type': '#microsoft.graph.group',
                  id: 'e1a0c000-0000-4000-8000-000000000002',
                  displayName: 'Tier0 admins',
                  isAssignableToRole: true,
                },
              ],
            })
          : json(200, {
              value: [
                {
                  '@odata.type': '#microsoft.graph.group',
                  id: 'e1a0c000-0000-4000-8000-000000000001',
                  displayName: 'Marketing',
                  isAssignableToRole: false,
                },
                {
                  '@odata.type': '#microsoft.graph.directoryRole',
                  id: 'role-1',
                  displayName: 'Helpdesk Administrator',
                },
              ],
              '@odata.nextLink': next,
            }),
      );

      const groups = await sut.getRoleAssignableGroups(MEGAN);

      assert.deepEqual(groups, [{ id: 'e1a0c000-0000-4000-8000-000000000002', displayName: 'Tier0 admins' }]);
      assert.equal(query(transport.sent[0]).get('$select'), 'id,displayName,isAssignableToRole');
    });

    it('includes role-assignable groups the user owns, once each', async () => {
      const tier0 = {
        '@odata.type': '#microsoft.graph.group',
        id: 'e1a0c000-0000-4000-8000-000000000004',
        displayName: 'Executive Assistants',
        isAssignableToRole: true,
      };
      transport.on('GET', `/v1.0/users/${MEGAN}/transitiveMemberOf`, json(200, { value: [tier0] }));
      transport.on(
        'GET',
        owned,
        json(200, {
          value: [tier0, { ...tier0, id: 'e1a0c000-0000-4000-8000-000000000005', isAssignableToRole: false }],
        }),
      );

      const groups = await sut.getRoleAssignableGroups(MEGAN);

      assert.deepEqual(groups, [
        { id: 'e1a0c000-0000-4000-8000-000000000004', displayName: 'Executive Assistants' },
      ]);
      const ownedRequest = transport.sent.find((r) => r.url.includes('ownedObjects'));
      assert.equal(query(ownedRequest as SentRequest).get('$select'), 'id,displayName,isAssignableToRole');
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

    it('returns null for a name that cannot be a domain, without calling Graph', async () => {
      assert.equal(await sut.getDomain('../users'), null);
      assert.equal(transport.sent.length, 0);
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

    it('reports a denied reset as NotAllowed', async () => {
      transport.on(
        'PATCH',
        `/v1.0/users/${MEGAN}`,
        graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges'),
      );

      await rejectsWith(sut.resetPassword(MEGAN, password, { requireMfa: false }), 'NotAllowed');
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

import assert from 'node:assert/strict';
import sinon from 'sinon';
import { AgentFacingError } from '../../core/errors';
import { upnDomain } from '../../core/directoryIds';
import { loadRequesterProfile, loadTargetProfile } from '../../core/profiles';
import type {
  AdministrativeUnit,
  Directory,
  DirectoryUser,
  Domain,
  PasswordResetOptions,
  RoleAssignment,
  UserRoles,
  UserRolesOptions,
  UserSearchResult,
} from '../../core/directory';
import { directoryUser } from '../support/directoryUsers';

const MEGAN = 'e1a00000-0000-4000-8000-000000000002';
const UNIT = 'e1a0a000-0000-4000-8000-000000000001';
const OTHER_UNIT = 'e1a0a000-0000-4000-8000-000000000002';
const HELPDESK_ADMINISTRATOR: RoleAssignment = {
  roleDefinitionId: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  directoryScopeId: '/',
  kind: 'active',
};

function stubDirectory() {
  return {
    findUsers: sinon.stub<[string, number], Promise<UserSearchResult>>(),
    getUser: sinon.stub<[string], Promise<DirectoryUser>>().resolves(directoryUser()),
    getUserRoles: sinon.stub<[string, UserRolesOptions?], Promise<UserRoles>>().resolves({
      roles: [{ roleDefinitionId: 'r', directoryScopeId: '/', kind: 'active' }],
      roleAssignableGroups: [{ id: 'g', displayName: 'Tier0' }],
    }),
    getAdministrativeUnit: sinon
      .stub<[string], Promise<AdministrativeUnit>>()
      .callsFake((id) =>
        Promise.resolve({ id, displayName: `unit ${id}`, isMemberManagementRestricted: id === UNIT }),
      ),
    getEligibleRoles: sinon.stub<[string], Promise<RoleAssignment[]>>().resolves([]),
    memberGroupsOf: sinon.stub<[string, readonly string[]], Promise<string[]>>().resolves([]),
    getDomain: sinon
      .stub<[string], Promise<Domain | null>>()
      .resolves({ id: 'contoso.com', authenticationType: 'Managed' }),
    resetPassword: sinon.stub<[string, string, PasswordResetOptions], Promise<void>>(),
    revokeSignInSessions: sinon.stub<[string], Promise<void>>(),
  } satisfies Directory;
}

describe('loadTargetProfile', () => {
  it("gathers the user, their roles, role-assignable groups and their UPN's domain", async () => {
    const directory = stubDirectory();

    const profile = await loadTargetProfile(directory, MEGAN);

    assert.deepEqual(profile, {
      user: directoryUser(),
      roles: [{ roleDefinitionId: 'r', directoryScopeId: '/', kind: 'active' }],
      roleAssignableGroups: [{ id: 'g', displayName: 'Tier0' }],
      roleUnits: [],
      domain: { id: 'contoso.com', authenticationType: 'Managed' },
    });
    sinon.assert.calledWith(directory.getDomain, 'contoso.com');
    sinon.assert.calledWith(directory.getUserRoles, MEGAN);
    sinon.assert.notCalled(directory.getAdministrativeUnit);
  });

  it('reads each administrative unit that scopes a role once, to tell restricted management units', async () => {
    const directory = stubDirectory();
    directory.getUserRoles.resolves({
      roles: [
        { roleDefinitionId: 'r1', directoryScopeId: `/administrativeUnits/${UNIT}`, kind: 'active' },
        { roleDefinitionId: 'r2', directoryScopeId: `/administrativeUnits/${UNIT}`, kind: 'eligible' },
        { roleDefinitionId: 'r3', directoryScopeId: `/administrativeUnits/${OTHER_UNIT}`, kind: 'active' },
        { roleDefinitionId: 'r4', directoryScopeId: '/', kind: 'active' },
      ],
      roleAssignableGroups: [],
    });

    const profile = await loadTargetProfile(directory, MEGAN);

    assert.deepEqual(profile.roleUnits, [
      { id: UNIT, displayName: `unit ${UNIT}`, isMemberManagementRestricted: true },
      { id: OTHER_UNIT, displayName: `unit ${OTHER_UNIT}`, isMemberManagementRestricted: false },
    ]);
    sinon.assert.calledTwice(directory.getAdministrativeUnit);
  });

  it('reads roles and groups without waiting for the user', async () => {
    const directory = stubDirectory();
    let releaseUser: () => void = () => undefined;
    directory.getUser.returns(new Promise((resolve) => (releaseUser = () => resolve(directoryUser()))));

    const loading = loadTargetProfile(directory, MEGAN);
    await Promise.resolve();
    sinon.assert.calledOnce(directory.getUserRoles);
    releaseUser();
    await loading;
  });

  it('takes the user the search returned in this turn, and reads their domain alongside the roles', async () => {
    const directory = stubDirectory();
    let releaseRoles: () => void = () => undefined;
    directory.getUserRoles.returns(
      new Promise((resolve) => (releaseRoles = () => resolve({ roles: [], roleAssignableGroups: [] }))),
    );

    const loading = loadTargetProfile(directory, MEGAN, {}, { user: directoryUser() });
    await Promise.resolve();
    sinon.assert.calledWith(directory.getDomain, 'contoso.com');
    releaseRoles();
    assert.deepEqual((await loading).user, directoryUser());
    sinon.assert.notCalled(directory.getUser);
  });

  it("reads the known name's domain alongside the user, and the user's own when it has moved", async () => {
    const directory = stubDirectory();
    let releaseUser: (user: DirectoryUser) => void = () => undefined;
    directory.getUser.returns(new Promise((resolve) => (releaseUser = resolve)));

    const loading = loadTargetProfile(directory, MEGAN, {}, { userPrincipalName: 'meganb@contoso.com' });
    await Promise.resolve();
    sinon.assert.calledOnceWithExactly(directory.getDomain, 'contoso.com');
    releaseUser(directoryUser({ userPrincipalName: 'meganb@fabrikam.com' }));
    await loading;
    assert.deepEqual(
      directory.getDomain.getCalls().map((call) => call.args[0]),
      ['contoso.com', 'fabrikam.com'],
    );
  });

  it('resolves a UPN to the object id before reading roles', async () => {
    const directory = stubDirectory();

    await loadTargetProfile(directory, 'meganb@contoso.com');

    sinon.assert.calledWith(directory.getUserRoles, MEGAN);
  });

  it('does not look for the groups the agent owns, which protect only targets', async () => {
    const directory = stubDirectory();

    await loadRequesterProfile(directory, MEGAN);
    await loadTargetProfile(directory, MEGAN);

    assert.deepEqual(
      directory.getUserRoles.getCalls().map((call) => call.args[1]?.ownedGroups),
      [false, undefined],
    );
  });

  it('fails as a whole when any read fails, so no rule is evaluated on partial data', async () => {
    const directory = stubDirectory();
    directory.getUserRoles.rejects(new AgentFacingError('GraphUnavailable', 'down', 'later'));

    await assert.rejects(loadTargetProfile(directory, MEGAN), { kind: 'GraphUnavailable' });
  });

  it('fails when an administrative unit of a role cannot be read', async () => {
    const directory = stubDirectory();
    directory.getUserRoles.resolves({
      roles: [{ roleDefinitionId: 'r', directoryScopeId: `/administrativeUnits/${UNIT}`, kind: 'active' }],
      roleAssignableGroups: [],
    });
    directory.getAdministrativeUnit.rejects(new AgentFacingError('MissingPermission', 'no', 'grant'));

    await assert.rejects(loadTargetProfile(directory, MEGAN), { kind: 'MissingPermission' });
  });
});

describe('loadRequesterProfile', () => {
  it('reads the active roles of the agent by Entra object id, and nothing else when one lets them reset', async () => {
    const directory = stubDirectory();
    directory.getUserRoles.resolves({ roles: [HELPDESK_ADMINISTRATOR], roleAssignableGroups: [] });

    const profile = await loadRequesterProfile(directory, MEGAN);

    assert.deepEqual(profile, { user: { id: MEGAN }, roles: [HELPDESK_ADMINISTRATOR] });
    sinon.assert.calledOnceWithExactly(directory.getUserRoles, MEGAN, {
      ownedGroups: false,
      eligible: false,
    });
    sinon.assert.notCalled(directory.getUser);
    sinon.assert.notCalled(directory.getEligibleRoles);
  });

  it('reads the eligible roles too when no active role lets them reset, to tell them to activate one', async () => {
    const directory = stubDirectory();
    const eligible = { ...HELPDESK_ADMINISTRATOR, kind: 'eligible' as const };
    directory.getEligibleRoles.resolves([eligible]);

    const profile = await loadRequesterProfile(directory, MEGAN);

    assert.deepEqual(profile.roles, [
      { roleDefinitionId: 'r', directoryScopeId: '/', kind: 'active' },
      eligible,
    ]);
    sinon.assert.calledOnceWithExactly(directory.getEligibleRoles, MEGAN);
  });

  it('fails when the roles cannot be read', async () => {
    const directory = stubDirectory();
    directory.getUserRoles.rejects(new AgentFacingError('Throttled', 'busy', 'wait'));

    await assert.rejects(loadRequesterProfile(directory, MEGAN), { kind: 'Throttled' });
  });
});

describe('upnDomain', () => {
  it('takes the part after the last @, lower-cased', () => {
    assert.equal(upnDomain('pat_fabrikam.com#EXT#@Contoso.onmicrosoft.com'), 'contoso.onmicrosoft.com');
  });
});

import assert from 'node:assert/strict';
import { generateTemporaryPassword, isPasswordAcceptable } from '../../simulator/directory/passwordRules';
import {
  mayResetPassword,
  usableResetterRoles,
  type ResetTarget,
} from '../../simulator/directory/resetAuthorization';
import { Role } from '../../simulator/directory/roles';

const tenantWide = (roleDefinitionId: string): { roleDefinitionId: string; directoryScopeId: string } => ({
  roleDefinitionId,
  directoryScopeId: '/',
});
const plainUser: ResetTarget = {
  roles: [],
  memberOrOwnerOfRoleAssignableGroup: false,
  roleScopedToRestrictedUnit: false,
  administrativeUnits: [],
};
const holding = (...roles: string[]): ResetTarget => ({ ...plainUser, roles: roles.map(tenantWide) });

describe('simulator: who can reset passwords', () => {
  const cases: [string, string, ResetTarget, boolean][] = [
    ['Password Administrator', Role.PasswordAdministrator, plainUser, true],
    ['Password Administrator', Role.PasswordAdministrator, holding(Role.HelpdeskAdministrator), false],
    ['Helpdesk Administrator', Role.HelpdeskAdministrator, holding(Role.MessageCenterReader), true],
    [
      'Authentication Administrator',
      Role.AuthenticationAdministrator,
      holding(Role.AuthenticationAdministrator),
      true,
    ],
    ['User Administrator', Role.UserAdministrator, holding(Role.GroupsAdministrator), true],
    ['User Administrator', Role.UserAdministrator, holding(Role.GlobalAdministrator), false],
    [
      'Privileged Authentication Administrator',
      Role.PrivilegedAuthenticationAdministrator,
      holding(Role.GlobalAdministrator),
      true,
    ],
    ['Global Administrator', Role.GlobalAdministrator, holding(Role.SecurityOperator), true],
    ['Helpdesk Administrator', Role.HelpdeskAdministrator, holding(Role.SecurityOperator), false],
    [
      'Helpdesk Administrator',
      Role.HelpdeskAdministrator,
      holding(Role.ReportsReader, Role.GroupsAdministrator),
      false,
    ],
    [
      'User Administrator',
      Role.UserAdministrator,
      { ...plainUser, memberOrOwnerOfRoleAssignableGroup: true },
      false,
    ],
    [
      'Global Administrator',
      Role.GlobalAdministrator,
      { ...plainUser, memberOrOwnerOfRoleAssignableGroup: true },
      true,
    ],
    [
      'Global Administrator',
      Role.GlobalAdministrator,
      { ...plainUser, administrativeUnits: [{ id: 'au', restricted: true }] },
      false,
    ],
  ];
  for (const [resetterName, resetter, target, expected] of cases) {
    it(`${expected ? 'lets' : 'refuses'} a ${resetterName} for target roles [${target.roles.map((r) => r.roleDefinitionId.slice(0, 8)).join(',')}]${target.memberOrOwnerOfRoleAssignableGroup ? ' in a role-assignable group' : ''}${target.administrativeUnits.length ? ' in a restricted unit' : ''}`, () => {
      assert.equal(mayResetPassword([tenantWide(resetter)], target), expected);
    });
  }

  it('counts a role scoped to an administrative unit only for members of that unit', () => {
    const scoped = [
      { roleDefinitionId: Role.HelpdeskAdministrator, directoryScopeId: '/administrativeUnits/au1' },
    ];
    assert.equal(
      mayResetPassword(scoped, { ...plainUser, administrativeUnits: [{ id: 'au1', restricted: false }] }),
      true,
    );
    assert.equal(mayResetPassword(scoped, plainUser), false);
  });

  it('lets only Privileged Authentication and Global Administrators reset a user whose role is scoped to a restricted unit', () => {
    const target: ResetTarget = {
      roles: [{ roleDefinitionId: Role.HelpdeskAdministrator, directoryScopeId: '/administrativeUnits/au1' }],
      memberOrOwnerOfRoleAssignableGroup: false,
      roleScopedToRestrictedUnit: true,
      administrativeUnits: [],
    };
    assert.equal(mayResetPassword([tenantWide(Role.HelpdeskAdministrator)], target), false);
    assert.equal(mayResetPassword([tenantWide(Role.UserAdministrator)], target), false);
    assert.equal(mayResetPassword([tenantWide(Role.PrivilegedAuthenticationAdministrator)], target), true);
    assert.equal(mayResetPassword([tenantWide(Role.GlobalAdministrator)], target), true);
  });

  it('lets a role scoped to an administrative unit reset only members without an administrator role', () => {
    const inUnit = (...roles: string[]): ResetTarget => ({
      ...holding(...roles),
      administrativeUnits: [{ id: 'au1', restricted: false }],
    });
    const scoped = (roleDefinitionId: string) => [
      { roleDefinitionId, directoryScopeId: '/administrativeUnits/au1' },
    ];
    // admin-units-assign-roles: "apply only to non-administrator users when assigned with the scope of an
    // administrative unit"; tenant-wide, User Administrator may reset a Helpdesk Administrator.
    assert.equal(mayResetPassword(scoped(Role.UserAdministrator), inUnit()), true);
    assert.equal(mayResetPassword(scoped(Role.UserAdministrator), inUnit(Role.HelpdeskAdministrator)), false);
    assert.equal(mayResetPassword(scoped(Role.HelpdeskAdministrator), inUnit(Role.DirectoryReaders)), false);
    assert.equal(
      mayResetPassword([tenantWide(Role.UserAdministrator)], inUnit(Role.HelpdeskAdministrator)),
      true,
    );
    // Its own row: Privileged Authentication Administrator "any user (admin or non-admin)".
    assert.equal(
      mayResetPassword(scoped(Role.PrivilegedAuthenticationAdministrator), inUnit(Role.GlobalAdministrator)),
      true,
    );
  });

  it('refuses everyone on a Global Administrator inside a restricted unit (no AU-scoped role covers it)', () => {
    const target: ResetTarget = {
      ...holding(Role.GlobalAdministrator),
      administrativeUnits: [{ id: 'au1', restricted: true }],
    };
    const scoped = [
      { roleDefinitionId: Role.HelpdeskAdministrator, directoryScopeId: '/administrativeUnits/au1' },
    ];
    assert.equal(mayResetPassword([...scoped, tenantWide(Role.GlobalAdministrator)], target), false);
  });
});

describe('simulator: the roles a caller may use to change passwords', () => {
  const unitScoped = (roleDefinitionId: string) => ({
    roleDefinitionId,
    directoryScopeId: '/administrativeUnits/au1',
  });
  const ids = (roles: { roleDefinitionId: string; directoryScopeId: string }[]): string[] =>
    roles.map((r) => `${r.roleDefinitionId.slice(0, 8)}@${r.directoryScopeId}`);

  it('lets a signed-in user use every active role', () => {
    const roles = [tenantWide(Role.HelpdeskAdministrator), unitScoped(Role.PasswordAdministrator)];
    assert.deepEqual(usableResetterRoles('user', roles, 'password'), roles);
  });

  it('needs at least User Administrator for an app-only password change, but not for revoking sessions', () => {
    const roles = [
      tenantWide(Role.HelpdeskAdministrator),
      tenantWide(Role.PasswordAdministrator),
      tenantWide(Role.AuthenticationAdministrator),
      tenantWide(Role.UserAdministrator),
      tenantWide(Role.PrivilegedAuthenticationAdministrator),
      tenantWide(Role.GlobalAdministrator),
    ];
    assert.deepEqual(ids(usableResetterRoles('servicePrincipal', roles, 'password')), [
      `${Role.UserAdministrator.slice(0, 8)}@/`,
      `${Role.PrivilegedAuthenticationAdministrator.slice(0, 8)}@/`,
      `${Role.GlobalAdministrator.slice(0, 8)}@/`,
    ]);
    assert.equal(usableResetterRoles('servicePrincipal', roles, 'sessions').length, roles.length);
  });

  it("ignores a service principal's unit-scoped role unless it also reads the directory tenant-wide", () => {
    const scoped = unitScoped(Role.UserAdministrator);
    assert.deepEqual(usableResetterRoles('servicePrincipal', [scoped], 'password'), []);
    for (const reader of [Role.DirectoryReaders, Role.GlobalReader]) {
      assert.deepEqual(usableResetterRoles('servicePrincipal', [scoped, tenantWide(reader)], 'password'), [
        scoped,
      ]);
    }
    assert.deepEqual(
      usableResetterRoles('servicePrincipal', [scoped, unitScoped(Role.DirectoryReaders)], 'password'),
      [],
    );
  });
});

describe('simulator: Entra password rules', () => {
  const context = {
    tenantName: 'Contoso',
    givenName: 'Megan',
    surname: 'Bowen',
    strongPasswordDisabled: false,
  };

  it('accepts 8 characters of three classes and refuses 7', () => {
    assert.equal(isPasswordAcceptable('Tq8mZr2v', context), true);
    assert.equal(isPasswordAcceptable('Tq8mZr2', context), false);
  });

  it('refuses more than 256 characters', () => {
    assert.equal(isPasswordAcceptable('Aa1!'.repeat(64), context), true);
    assert.equal(isPasswordAcceptable('Aa1!'.repeat(64) + 'x', context), false);
  });

  it('refuses the tenant name with substitutions when few other characters remain', () => {
    assert.equal(isPasswordAcceptable('C0nt0so!1', context), false);
    assert.equal(isPasswordAcceptable('C0nt0so!1-Kwv-Rtq', context), true);
  });

  it('generates passwords that pass its own rules', () => {
    let seed = 7;
    const random = (max: number): number => (seed = (seed * 48271) % 2147483647) % max;
    for (let i = 0; i < 200; i++) {
      assert.equal(isPasswordAcceptable(generateTemporaryPassword(random), context), true);
    }
  });
});

/**
 * The Microsoft Graph application permissions the bot needs, and why: the one list that `npm run doctor`
 * checks a deployment's token against and that the README's permission table ("Deploy to your tenant") is
 * written from. Add a permission here when the bot starts making a call that needs it.
 */
export interface RequiredGraphPermission {
  /** The application permission (app role) as it appears in a token's `roles` claim. */
  name: string;
  /** What the bot does with it, for the README and the preflight's table. */
  why: string;
  /**
   * Broader permissions Graph also accepts for the bot's calls (each API's "Higher privileged permissions"):
   * they work, but grant more than the bot needs.
   */
  broaderAlternatives: readonly string[];
}

export const REQUIRED_GRAPH_PERMISSIONS: readonly RequiredGraphPermission[] = [
  {
    name: 'User.Read.All',
    why:
      'find users and read the properties the rules need (`onPremisesSyncEnabled`, `identities`, ' +
      '`isManagementRestricted`…), and list their group memberships',
    broaderAlternatives: ['User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  },
  {
    name: 'User-PasswordProfile.ReadWrite.All',
    why: 'set the temporary password (the least-privileged permission for `passwordProfile`)',
    // Graph documents no broader application permission that is enough on its own for passwordProfile.
    broaderAlternatives: [],
  },
  {
    name: 'RoleManagement.Read.Directory',
    why:
      "read the agent's and the target's directory roles (v1.0 `roleAssignments`) and, where the tenant has " +
      'PIM, their eligible roles',
    broaderAlternatives: [
      'RoleManagement.Read.All',
      'RoleManagement.ReadWrite.Directory',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
    ],
  },
  {
    name: 'Domain.Read.All',
    why: 'tell managed from federated domains',
    broaderAlternatives: ['Domain.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  },
  {
    name: 'User.RevokeSessions.All',
    why: 'sign the user out of all sessions',
    broaderAlternatives: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  },
  {
    name: 'GroupMember.Read.All',
    why:
      'see the groups in those lists and the role-assignable groups with their owners: with `User.Read.All` ' +
      'alone Graph returns groups "with limited information" (id only), the bot cannot tell a role-assignable ' +
      'group, and it refuses the reset. The least privileged permission that reads groups',
    broaderAlternatives: [
      'Group.Read.All',
      'GroupMember.ReadWrite.All',
      'Group.ReadWrite.All',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
    ],
  },
  {
    name: 'AdministrativeUnit.Read.All',
    why:
      "tell whether the administrative unit a target's role is scoped to is a restricted management unit " +
      '(only Privileged Authentication and Global Administrators may reset such users)',
    broaderAlternatives: [
      'AdministrativeUnit.ReadWrite.All',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
    ],
  },
];

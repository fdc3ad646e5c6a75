/**
 * Who changes the password (`RESET_AS`): `bot`, with the bot's own app-only token, or `agent`, with the
 * signed-in agent's delegated token. The bot reads the directory and revokes sessions app-only in both.
 */
export type ResetMode = 'bot' | 'agent';

export const RESET_MODES: readonly ResetMode[] = ['bot', 'agent'];

/**
 * The Microsoft Graph application permissions the bot needs, and why: the one list that `npm run doctor`
 * checks a deployment's token against and that the README's permission table ("Deploy to your tenant") is
 * written from. Add a permission here when the bot starts making a call that needs it, and say in which
 * modes it makes that call.
 */
export interface RequiredGraphPermission {
  /** The application permission (app role) as it appears in a token's `roles` claim. */
  name: string;
  /** What the bot does with it, for the README and the preflight's table. */
  why: string;
  /** The modes in which the bot makes the calls that need it. */
  neededWhen: readonly ResetMode[];
  /**
   * Broader permissions Graph also accepts for the bot's calls (each API's "Higher privileged permissions"):
   * they work, but grant more than the bot needs.
   */
  broaderAlternatives: readonly string[];
}

export const REQUIRED_GRAPH_PERMISSIONS: readonly RequiredGraphPermission[] = [
  {
    name: 'User.Read.All',
    neededWhen: RESET_MODES,
    why:
      'find users and read the properties the rules need (`onPremisesSyncEnabled`, `identities`, ' +
      '`isManagementRestricted`…), and list their group memberships',
    broaderAlternatives: ['User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  },
  {
    name: 'User-PasswordProfile.ReadWrite.All',
    neededWhen: ['bot'],
    why: 'set the temporary password (the least-privileged permission for `passwordProfile`)',
    // Graph documents no broader application permission that is enough on its own for passwordProfile.
    broaderAlternatives: [],
  },
  {
    name: 'RoleManagement.Read.Directory',
    neededWhen: RESET_MODES,
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
    neededWhen: RESET_MODES,
    why: 'tell managed from federated domains',
    broaderAlternatives: ['Domain.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  },
  {
    name: 'User.RevokeSessions.All',
    neededWhen: RESET_MODES,
    why: 'sign the user out of all sessions',
    broaderAlternatives: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  },
  {
    name: 'GroupMember.Read.All',
    neededWhen: RESET_MODES,
    why:
      'see the groups in those lists and the role-assignable groups with their owners: with `User.Read.All` ' +
      'alone Graph returns groups "with limited information" (id only), the bot cannot tell a role-assignable ' +
      'group, and it refuses the reset. The least privileged permission that reads groups; with `User.Read.All` ' +
      'it also lets the bot check membership of the helpdesk and protected groups (`checkMemberGroups`)',
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
    neededWhen: RESET_MODES,
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

/** The application permissions the bot needs when it resets as `mode`. */
export function requiredGraphPermissions(mode: ResetMode): readonly RequiredGraphPermission[] {
  return REQUIRED_GRAPH_PERMISSIONS.filter((p) => p.neededWhen.includes(mode));
}

/**
 * With `RESET_AS=agent`, the delegated Microsoft Graph permissions (scopes) of the Azure Bot's OAuth connection
 * and of its app registration, with admin consent: resetPassword is delegated only, and the bot keeps the
 * agent signed in (refresh token) and reads who signed in from the token.
 */
export const AGENT_DELEGATED_SCOPES: readonly string[] = [
  'openid',
  'profile',
  'offline_access',
  'UserAuthenticationMethod.ReadWrite.All',
];

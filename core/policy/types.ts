import type {
  AdministrativeUnit,
  DirectoryUser,
  Domain,
  RoleAssignableGroup,
  RoleAssignment,
} from '../directory';

/** The requester (a helpdesk agent), as the directory describes them. */
export interface RequesterProfile {
  /** The rules need only who they are (the self-reset rule). */
  user: Pick<DirectoryUser, 'id'>;
  roles: RoleAssignment[];
  /**
   * Whether the requester is a member (directly or through nested groups) of the helpdesk group, when
   * `PolicySettings.helpdeskGroupId` names one; undefined when none was read, which the rules treat as "not".
   */
  inHelpdeskGroup?: boolean;
}

/** The user whose password would be reset, with everything the rules look at. */
export interface TargetProfile {
  user: DirectoryUser;
  roles: RoleAssignment[];
  roleAssignableGroups: RoleAssignableGroup[];
  /** The administrative units that scope the target's roles (to tell restricted management units). */
  roleUnits: AdministrativeUnit[];
  /** The domain of the user's UPN; null when the UPN's domain is not a verified domain of the tenant. */
  domain: Domain | null;
  /**
   * Whether the user is a member (directly or through nested groups) of one of the protected groups, when
   * `PolicySettings.protectedGroupIds` names any; undefined when none was read, which the rules treat as "is".
   */
  inProtectedGroup?: boolean;
}

export interface PolicySettings {
  /**
   * The deployment declares that Entra Connect password writeback is on. Synced users may then be reset, but
   * only as the agent: writeback happens only through the delegated `resetPassword`.
   */
  passwordWritebackEnabled: boolean;
  /** Who changes the password in Entra: the bot's own app identity, or the signed-in agent. */
  resetAs: 'bot' | 'agent';
  /**
   * `HELPDESK_GROUP_ID`: only members of this security group (directly or through nested groups) may use the
   * bot, on top of the role rule. Absent or null: the role rule alone.
   */
  helpdeskGroupId?: string | null;
  /** `PROTECTED_USER_IDS`: object ids (lower case) of users the bot never resets, whatever the agent's role. */
  protectedUserIds?: readonly string[];
  /** `PROTECTED_GROUP_IDS`: groups whose members (directly or through nested groups) the bot never resets. */
  protectedGroupIds?: readonly string[];
}

export type RefusalRule =
  | 'requester-not-admin'
  /** `HELPDESK_GROUP_ID` is set and the requester is not a member of that group. */
  | 'requester-not-in-helpdesk-group'
  /** The target is in `PROTECTED_USER_IDS` or a member of a `PROTECTED_GROUP_IDS` group. */
  | 'target-protected'
  /** Not a directory rule: a reset limit per agent or per user was reached (core/rateLimits.ts). */
  | 'rate-limited'
  | 'target-role-protected'
  | 'role-assignable-group'
  | 'restricted-management-unit'
  | 'restricted-unit-role'
  | 'external-identity'
  | 'pending-invitation'
  | 'federated-domain'
  | 'on-premises-synced'
  | 'self-reset'
  /** Not a directory rule: the password could not reach the requester privately (core/resets/privateChat.ts). */
  | 'private-chat-unavailable';

export interface Refusal {
  rule: RefusalRule;
  /** What the rule is, in plain words, naming what protects the user (e.g. the role). */
  reason: string;
  /** What the requester can do instead. */
  nextStep: string;
}

export type PolicyDecision = { allowed: true; warnings: string[] } | { allowed: false; refusal: Refusal };

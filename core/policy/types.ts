import type {
  AdministrativeUnit,
  DirectoryUser,
  Domain,
  RoleAssignableGroup,
  RoleAssignment,
} from '../directory';

/** The requester (a helpdesk agent), as the directory describes them. */
export interface RequesterProfile {
  user: DirectoryUser;
  roles: RoleAssignment[];
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
}

export interface PolicySettings {
  /**
   * The deployment declares that Entra Connect password writeback is on. Synced users may then be reset, but
   * only as the agent: writeback happens only through the delegated `resetPassword`.
   */
  passwordWritebackEnabled: boolean;
  /** Who changes the password in Entra: the bot's own app identity, or the signed-in agent. */
  resetAs: 'bot' | 'agent';
}

export type RefusalRule =
  | 'requester-not-admin'
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

/**
 * Built-in Entra role template ids (permissions-reference, Microsoft Learn). For built-in roles the template
 * id is also the `roleDefinitionId` of `unifiedRoleAssignment`.
 */
export const Role = {
  GlobalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  PrivilegedAuthenticationAdministrator: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  PrivilegedRoleAdministrator: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  AuthenticationAdministrator: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  UserAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  HelpdeskAdministrator: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  PasswordAdministrator: '966707d0-3269-4727-9be2-8c3a10f19b9d',
  GroupsAdministrator: 'fdd7a751-b60b-444a-984c-02652fe8fa1c',
  DirectoryReaders: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
  GuestInviter: '95e79109-95c0-4d8e-aee3-d01accf2d47b',
  MessageCenterReader: '790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b',
  ReportsReader: '4a5d8f65-41da-4de4-8968-e035b65339cf',
  UsageSummaryReportsReader: '75934031-6c7e-415a-99d7-48dbd49e875e',
  UserExperienceSuccessManager: '27460883-1df1-4691-b032-3b79643e5e63',
  SecurityAdministrator: '194ae4cb-b126-40b2-bd5b-6091b380977d',
  SecurityOperator: '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f',
  GlobalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
} as const;

export const roleDisplayNames: Record<string, string> = {
  [Role.GlobalAdministrator]: 'Global Administrator',
  [Role.PrivilegedAuthenticationAdministrator]: 'Privileged Authentication Administrator',
  [Role.PrivilegedRoleAdministrator]: 'Privileged Role Administrator',
  [Role.AuthenticationAdministrator]: 'Authentication Administrator',
  [Role.UserAdministrator]: 'User Administrator',
  [Role.HelpdeskAdministrator]: 'Helpdesk Administrator',
  [Role.PasswordAdministrator]: 'Password Administrator',
  [Role.GroupsAdministrator]: 'Groups Administrator',
  [Role.DirectoryReaders]: 'Directory Readers',
  [Role.GuestInviter]: 'Guest Inviter',
  [Role.MessageCenterReader]: 'Message Center Reader',
  [Role.ReportsReader]: 'Reports Reader',
  [Role.UsageSummaryReportsReader]: 'Usage Summary Reports Reader',
  [Role.UserExperienceSuccessManager]: 'User Experience Success Manager',
  [Role.SecurityAdministrator]: 'Security Administrator',
  [Role.SecurityOperator]: 'Security Operator',
  [Role.GlobalReader]: 'Global Reader',
};

import type { DirectoryUser } from '../../core/directory';

/** A directory user as the bot reads it: Megan Bowen, an ordinary cloud member, unless overridden. */
export function directoryUser(overrides: Partial<DirectoryUser> = {}): DirectoryUser {
  const userPrincipalName = overrides.userPrincipalName ?? 'meganb@contoso.com';
  return {
    id: 'e1a00000-0000-4000-8000-000000000002',
    displayName: 'Megan Bowen',
    userPrincipalName,
    mail: userPrincipalName,
    givenName: 'Megan',
    surname: 'Bowen',
    jobTitle: null,
    department: null,
    accountEnabled: true,
    userType: 'Member',
    creationType: null,
    externalUserState: null,
    identities: [
      {
        signInType: 'userPrincipalName',
        issuer: 'contoso.onmicrosoft.com',
        issuerAssignedId: userPrincipalName,
      },
    ],
    onPremisesSyncEnabled: null,
    isManagementRestricted: null,
    lastPasswordChangeDateTime: null,
    ...overrides,
  };
}

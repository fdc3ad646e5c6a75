import { timingSafeEqual } from 'node:crypto';
import type { Directory, GraphUser } from './directory';

export type SignInError =
  'user_not_found' | 'no_credential_in_tenant' | 'federated_domain' | 'account_disabled' | 'invalid_password';

export interface SignInOutcome {
  /** The password is the user's current one and the account may sign in (a demanded change may follow). */
  signedIn: boolean;
  passwordChangeRequired: boolean;
  mfaRequired: boolean;
  error?: SignInError;
  user?: GraphUser;
}

/**
 * Whether `password` would sign the user in to this tenant now. Users of federated domains authenticate at
 * their identity provider and external guests at their home tenant, so neither can sign in with a password
 * held here.
 */
export function checkSignIn(
  directory: Directory,
  userPrincipalName: string,
  password: string,
): SignInOutcome {
  const refused = (error: SignInError, user?: GraphUser): SignInOutcome => ({
    signedIn: false,
    passwordChangeRequired: false,
    mfaRequired: false,
    error,
    ...(user ? { user } : {}),
  });
  const user = directory.findUser(userPrincipalName);
  if (!user || user.userPrincipalName.toLowerCase() !== userPrincipalName.toLowerCase()) {
    return refused('user_not_found');
  }
  const stored = directory.credentials.get(user.id)?.password ?? null;
  if (stored === null) return refused('no_credential_in_tenant', user);
  const domain = directory.domains.get(user.userPrincipalName.split('@').pop()?.toLowerCase() ?? '');
  if (domain?.authenticationType === 'Federated') return refused('federated_domain', user);
  if (!user.accountEnabled) return refused('account_disabled', user);
  if (!constantTimeEquals(stored, password)) return refused('invalid_password', user);
  const profile = user.passwordProfile;
  return {
    signedIn: true,
    passwordChangeRequired:
      profile.forceChangePasswordNextSignIn || profile.forceChangePasswordNextSignInWithMfa,
    mfaRequired: profile.forceChangePasswordNextSignInWithMfa,
    user,
  };
}

function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // timingSafeEqual needs equal lengths; the length check itself leaks nothing a test tenant cares about.
  return left.length === right.length && timingSafeEqual(left, right);
}
